import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DbHandle, createDb } from '../../src/platform/db/kysely.js';
import { type TestDatabase, createTestDatabase } from '../support/test-db.js';

let tdb: TestDatabase;
let one: DbHandle;

beforeAll(async () => {
  tdb = await createTestDatabase();
  // One connection, so every statement below runs on the session whose prepared statements are listed.
  one = createDb(tdb.appUrl, { max: 1 });
});
afterAll(async () => {
  await one.db.destroy();
  await tdb.close();
});

const prepared = async () =>
  (await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(one.db)).rows.map((r) => r.statement);

describe('statements sent to the database', () => {
  it.each([
    ['a parameterised statement is prepared once per connection', sql`select ${1}::int + 1 as n`, true],
    ['a statement without parameters is sent as text', sql`select 41 + 1 as n`, false],
    [
      'a statement with a long parameter list (one text per list length) is sent unnamed',
      sql`select ${sql.join(Array.from({ length: 65 }, (_, i) => sql`${i}::int`))} as n`,
      false,
    ],
  ])('%s', async (_name, statement, expected) => {
    const text = statement.compile(one.db).sql;
    await statement.execute(one.db);
    await statement.execute(one.db);
    expect((await prepared()).includes(text)).toBe(expected);
  });

  it('the same text is prepared once, and answers with each call’s values', async () => {
    const add = (n: number) => sql<{ n: number }>`select ${n}::int * 10 as n`.execute(one.db);
    expect((await add(1)).rows[0]!.n).toBe(10);
    expect((await add(7)).rows[0]!.n).toBe(70);
    const text = sql`select ${1}::int * 10 as n`.compile(one.db).sql;
    expect((await prepared()).filter((s) => s === text)).toHaveLength(1);
  });
});
