import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maintenanceTasks } from '../../src/platform/jobs/maintenance-tasks.js';
import { fixedClock } from '../../src/platform/clock.js';
import { type TestApp, createTestApp } from '../support/test-app.js';

const clock = fixedClock(new Date('2026-11-23T09:00:00Z'));
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ clock });
});
afterAll(() => t.close());

describe('Idempotency-Key retention', () => {
  it('keeps a key 24 hours, then forgets it; the sweep job removes expired keys', async () => {
    const admin = await t.userWithToken('admin');
    const headers = { ...admin.headers, 'idempotency-key': 'retained-key' };
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/teams', headers, payload: { name: 'Day one' } })).statusCode).toBe(201);
    clock.advance(23 * 3_600_000);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/teams', headers, payload: { name: 'Day two' } })).statusCode).toBe(422);
    clock.advance(2 * 3_600_000);
    await maintenanceTasks({ db: t.database.db, clock }).expire_idempotency_keys!({}, {} as never);
    expect((await t.database.superuser(`select count(*) as n from idempotency_keys where key = 'retained-key'`)).rows[0]!.n).toBe('0');
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/teams', headers, payload: { name: 'Day two' } })).statusCode).toBe(201);
  });
});
