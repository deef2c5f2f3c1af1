import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/demo/seed-demo.js';
import { type TestApp, createTestApp } from '../support/test-app.js';

let t: TestApp;
const count = async (sql: string) => Number((await t.database.superuser<{ n: string }>(sql)).rows[0]!.n);

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('the demo routing setup', () => {
  it('gives every routing screen something true to show', async () => {
    const summary = await seedDemo(t.system, { dataDir: path.resolve('data/demo'), password: 'demo-password-123' });
    expect(summary.routing).toMatchObject({ pools: 3, leads: 160 });
    expect(await count(`select count(*) as n from rulesets where status = 'published'`)).toBe(3);
    // Every lead, account and opportunity has exactly one accountable owner.
    expect(await count(`select count(*) as n from leads where owner_id is null`)).toBe(0);
    expect(await count(`select count(*) as n from (select record_id from assignments where closed_at is null group by record_type, record_id having count(*) > 1) x`)).toBe(0);
    // Three strategies, people away, overrides, breaches and escalations from three-day-old traffic.
    expect(await count(`select count(distinct strategy) as n from pools`)).toBe(3);
    expect(await count(`select count(*) as n from absences`)).toBeGreaterThanOrEqual(1);
    expect(await count(`select count(*) as n from assignments where source = 'manual'`)).toBeGreaterThanOrEqual(1);
    expect(await count(`select count(*) as n from escalation_timers where state = 'fired'`)).toBeGreaterThan(0);
    expect(await count(`select count(*) as n from assignments where closed_at is null and acknowledged_at is null and due_at < now()`)).toBeGreaterThan(0);
    // Calendars in three zones drive the due dates.
    expect(await count(`select count(distinct time_zone) as n from calendars`)).toBe(3);
  }, 60_000);
});
