import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardAtCommit } from '../../src/platform/pre-commit.js';
import { recordChange } from '../../src/platform/record-change.js';
import { inTransaction } from '../../src/platform/use-case-context.js';
import { APP_ROLE } from '../../src/platform/db/roles.js';
import { type TestApp, createTestApp } from '../support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await t.database.superuser(
    `create table guard_counter (id int primary key, available int not null check (available >= 0)); grant all on guard_counter to ${APP_ROLE}`,
  );
});
afterAll(() => t.close());

class SoldOut extends Error {}

/** Takes one unit if one is left: the conditional update is deferred into the commit statement. */
const takeOne = (id: number, label: string) =>
  inTransaction(t.system, async (trx) => {
    await recordChange(trx, t.system, { event: 'team.updated', entityType: 'team', entityId: label, reason: 'guard test' });
    guardAtCommit(trx, {
      statement: sql`update guard_counter set available = available - 1 where id = ${id} and available >= 1 returning id`,
      rows: 1,
      miss: () => new SoldOut(label),
    });
  });

const state = async (id: number, label: string) => {
  const counter = await t.database.superuser('select available from guard_counter where id = $1', [id]);
  const audits = await t.database.superuser(`select count(*) as n from audit_events where entity_id like $1`, [`${label}%`]);
  return { available: counter.rows[0]!.available as number, audited: Number(audits.rows[0]!.n) };
};

describe('commit guards', () => {
  it('commits the guarded write with everything else when it hits, and rolls all of it back when it misses', async () => {
    await t.database.superuser('insert into guard_counter values (1, 1)');
    await takeOne(1, 'single-a');
    expect(await state(1, 'single-')).toEqual({ available: 0, audited: 1 });
    await expect(takeOne(1, 'single-b')).rejects.toBeInstanceOf(SoldOut);
    expect(await state(1, 'single-')).toEqual({ available: 0, audited: 1 });
  });

  it('lets exactly the units in stock through under concurrent takers, never below zero', async () => {
    await t.database.superuser('insert into guard_counter values (2, 5)');
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => takeOne(2, `race-${i}`)));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(5);
    expect(outcomes.filter((o) => o.status === 'rejected').every((o) => (o as PromiseRejectedResult).reason instanceof SoldOut)).toBe(true);
    expect(await state(2, 'race-')).toEqual({ available: 0, audited: 5 });
  });
});
