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

describe('the demo channel setup', () => {
  it('gives every channel screen something true to show', async () => {
    const started = Date.now();
    const summary = await seedDemo(t.system, { dataDir: path.resolve('data/demo'), password: 'demo-password-123' });
    console.log(`demo seed (all parts) took ${Date.now() - started} ms; channel: ${JSON.stringify(summary.channel)}`);
    expect(summary.channel).toMatchObject({ partners: 3, portalUsers: 5, productLines: 3 });
    // Three distributors of different tiers, each with a channel manager and portal users.
    expect(await count(`select count(distinct tier) as n from partners where channel_manager_id is not null`)).toBe(3);
    expect(await count(`select count(distinct partner_id) as n from users where role in ('partner_admin', 'partner_user')`)).toBe(3);
    // Registrations in every state.
    for (const status of ['under_review', 'approved', 'returned', 'rejected', 'expired', 'won', 'lost', 'withdrawn']) {
      expect(await count(`select count(*) as n from registrations where status = '${status}'`), status).toBeGreaterThan(0);
    }
    // One approved registration is inside its warning window and was warned; one expired has an open decision.
    expect(
      await count(`select count(*) as n from registrations where status = 'approved' and warn_at <= now() and warned_at is not null`),
    ).toBeGreaterThan(0);
    expect(await count(`select count(*) as n from expiry_decisions where status = 'open'`)).toBeGreaterThan(0);
    // A flagged registration under review with an open conflict case; review work routed with SLAs.
    expect(
      await count(`select count(*) as n from registrations where status = 'under_review' and jsonb_array_length(flags) > 0`),
    ).toBeGreaterThan(0);
    expect(await count(`select count(*) as n from conflict_cases where status = 'open'`)).toBeGreaterThan(0);
    // Eleven months of submissions closed over the last year behind the scorecards' monthly series.
    expect(
      await count(`select count(distinct date_trunc('month', closed_at)) as n from registrations where status in ('won', 'lost')`),
    ).toBeGreaterThanOrEqual(8);
    expect(await count(`select count(*) as n from audit_events where event_name like 'registration.%'`)).toBeGreaterThan(0);
  }, 120_000);
});
