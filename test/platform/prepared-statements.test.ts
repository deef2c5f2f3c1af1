import { sql } from 'kysely';
import type { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Trx } from '../../src/platform/db/database.js';
import { COMMIT_FOLLOWS, type DbHandle, createDb } from '../../src/platform/db/kysely.js';
import { together } from '../../src/platform/db/together.js';
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

describe('transactions in fewer round trips', () => {
  // A temporary table lives in the one session every statement here runs on.
  beforeAll(async () => {
    await sql`create temporary table trip (n int primary key)`.execute(one.db);
  });
  const rows = async () => (await sql<{ n: number }>`select n from trip order by n`.execute(one.db)).rows.map((r) => r.n);
  const insert = (n: number) => sql`insert into trip values (${n})`;
  const outsideAnyTransaction = async () =>
    (await sql<{ fresh: boolean }>`select now() = statement_timestamp() as fresh`.execute(one.db)).rows[0]!.fresh;
  const insertThenCommit = (trx: Trx, n: number) => {
    const compiled = insert(n).compile(trx);
    return trx.executeQuery({ ...compiled, sql: compiled.sql + COMMIT_FOLLOWS });
  };

  it('BEGIN held back for the first statement still opens the transaction: every statement sees one start time', async () => {
    const starts = await one.db.transaction().execute(async (trx) => {
      const first = await sql<{ t: Date }>`select now() as t`.execute(trx);
      await sql`select pg_sleep(0.01)`.execute(trx);
      const second = await sql<{ t: Date }>`select now() as t`.execute(trx);
      return [first.rows[0]!.t, second.rows[0]!.t];
    });
    expect(starts[0]!.getTime()).toBe(starts[1]!.getTime());
  });

  it.each([
    [
      'a transaction whose work throws after writing',
      async () => {
        await one.db.transaction().execute(async (trx) => {
          await insert(1).execute(trx);
          await insert(2).execute(trx);
          throw new Error('work failed');
        });
      },
      /work failed/,
    ],
    [
      'a transaction whose commit-follows statement fails',
      async () => {
        await one.db.transaction().execute(async (trx) => {
          await insert(3).execute(trx);
          await insertThenCommit(trx, 3);
        });
      },
      /duplicate key/,
    ],
  ])('%s writes nothing, its own error reaches the caller, and the session goes on', async (_name, work, error) => {
    await expect(work()).rejects.toThrow(error);
    expect(await rows()).toEqual([]);
    expect(await outsideAnyTransaction()).toBe(true);
  });

  it('a commit-follows statement commits with its transaction, and the next transaction starts afresh', async () => {
    await one.db.transaction().execute(async (trx) => {
      await insert(4).execute(trx);
      await insertThenCommit(trx, 5);
    });
    await one.db.transaction().execute(async (trx) => insertThenCommit(trx, 6));
    expect(await rows()).toEqual([4, 5, 6]);
    await sql`delete from trip`.execute(one.db);
  });

  it('a commit-follows statement does not wait for its answer: the session has committed before the work returns', async () => {
    const pid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(one.db)).rows[0]!.pid;
    const stateSeen = async () => {
      for (let i = 0; i < 100; i++) {
        const state = (await sql<{ state: string }>`select state from pg_stat_activity where pid = ${pid}`.execute(tdb.db)).rows[0]?.state;
        if (state === 'idle') return state;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return 'still in its transaction';
    };
    const seen = await one.db.transaction().execute(async (trx) => {
      await insertThenCommit(trx, 7);
      return stateSeen();
    });
    expect(seen).toBe('idle');
    await sql`delete from trip`.execute(one.db);
  });

  /** How many writes the connection's socket makes while `work` runs (each is one system call). */
  const writesDuring = async (work: () => Promise<unknown>) => {
    const client = await one.pool.connect();
    const socket = (client as unknown as { connection: { stream: Writable } }).connection.stream;
    client.release();
    let writes = 0;
    const counted = <Args extends unknown[]>(send: (...args: Args) => void) =>
      function (this: Writable, ...args: Args) {
        writes++;
        send.apply(this, args);
      };
    socket._write = counted(socket._write);
    socket._writev = counted(socket._writev!);
    try {
      await work();
    } finally {
      delete (socket as Partial<Writable>)._write;
      delete (socket as Partial<Writable>)._writev;
    }
    return writes;
  };

  it('BEGIN leaves with the first statement, and COMMIT with the commit-follows statement: one write each', async () => {
    const writes = await writesDuring(() =>
      one.db.transaction().execute(async (trx) => {
        await insert(8).execute(trx);
        await insertThenCommit(trx, 9);
      }),
    );
    expect(writes).toBe(2);
    expect(await rows()).toEqual([8, 9]);
    await sql`delete from trip`.execute(one.db);
  });

  it('statements sent together leave in one write, run in order, and answer each in order', async () => {
    let answers: unknown[] = [];
    const writes = await writesDuring(() =>
      one.db.transaction().execute(async (trx) => {
        answers = await together(
          trx,
          insert(10),
          sql<{ n: number }>`select count(*)::int as n from trip`,
          insert(11),
          sql`select n from trip order by n`,
        );
      }),
    );
    expect(writes).toBe(2); // BEGIN and the four statements; then COMMIT
    expect(answers).toEqual([[], [{ n: 1 }], [], [{ n: 10 }, { n: 11 }]]);
    await sql`delete from trip`.execute(one.db);
  });

  it('statements sent together: the first failure is the answer, and the transaction writes nothing', async () => {
    await expect(one.db.transaction().execute((trx) => together(trx, insert(12), insert(12), insert(13)))).rejects.toThrow(/duplicate key/);
    expect(await rows()).toEqual([]);
    expect(await outsideAnyTransaction()).toBe(true);
  });

  it('a transaction that sends no statement sends nothing, and leaves the session outside any transaction', async () => {
    expect(await one.db.transaction().execute(async () => 'nothing')).toBe('nothing');
    expect(await outsideAnyTransaction()).toBe(true);
  });
});
