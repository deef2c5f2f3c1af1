import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTeam } from '../../src/identity/use-cases/create-team.js';
import { updateTeam } from '../../src/identity/use-cases/update-team.js';
import { type TestApp, createTestApp } from '../support/test-app.js';

let t: TestApp;
let admin: Awaited<ReturnType<TestApp['userWithToken']>>;
let teamId: string;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.userWithToken('admin');
  const team = await createTeam(t.system, { name: 'Audited' });
  teamId = team.id;
  for (let v = 1; v <= 5; v++) await updateTeam(t.system, { teamId, expectedVersion: v, changes: { name: `Audited ${v}`, reason: `step ${v}` } });
});
afterAll(() => t.close());

describe('GET /api/v1/audit', () => {
  it('filters by entity and event, newest first, paging with a cursor', async () => {
    const first = await t.app.inject({ method: 'GET', url: `/api/v1/audit?entityType=team&entityId=${teamId}&eventName=team.updated&limit=3`, headers: admin.headers });
    expect(first.statusCode).toBe(200);
    const page1 = first.json();
    expect(page1.items.map((e: { reason: string }) => e.reason)).toEqual(['step 5', 'step 4', 'step 3']);
    const second = await t.app.inject({ method: 'GET', url: `/api/v1/audit?entityType=team&entityId=${teamId}&eventName=team.updated&limit=3&cursor=${page1.nextCursor}`, headers: admin.headers });
    expect(second.json().items.map((e: { reason: string }) => e.reason)).toEqual(['step 2', 'step 1']);
    expect(second.json().nextCursor).toBeNull();
    expect(page1.items[0]).toMatchObject({ eventName: 'team.updated', actorLabel: 'test', before: { name: 'Audited 4' }, after: { name: 'Audited 5' } });
  });

  it('filters by time window and validates it', async () => {
    const future = await t.app.inject({ method: 'GET', url: `/api/v1/audit?from=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`, headers: admin.headers });
    expect(future.json().items).toEqual([]);
    const bad = await t.app.inject({ method: 'GET', url: '/api/v1/audit?from=yesterday', headers: admin.headers });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('query.from');
  });
});

describe('security headers', () => {
  it('sends helmet headers and a strict content security policy', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });
});
