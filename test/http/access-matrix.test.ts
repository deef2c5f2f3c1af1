import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/platform/db/database.js';
import { type TestApp, createTestApp } from '../support/test-app.js';
import { ROLES_UNDER_TEST, accessMatrix } from './access-matrix.js';

let t: TestApp;
const tokens = new Map<Role, { authorization: string }>();

beforeAll(async () => {
  t = await createTestApp();
  for (const role of ROLES_UNDER_TEST) tokens.set(role, (await t.userWithToken(role)).headers);
});
afterAll(() => t.close());

const keyOf = (route: { method: string; url: string }) => `${route.method} ${route.url}`;

function requestFor(method: string, url: string) {
  const concrete = url.replace(/:[a-zA-Z]+/g, () => randomUUID());
  const hasBody = ['POST', 'PATCH', 'PUT'].includes(method);
  return {
    method: method as 'GET',
    url: concrete,
    ...(hasBody && { payload: {} }),
    ...(method === 'PATCH' && { headers: { 'if-match': '"v1"' } }),
  };
}

describe('the access matrix covers the route table', () => {
  it('every registered route is in the matrix', () => {
    const missing = t.app.routeTable.map(keyOf).filter((key) => !(key in accessMatrix));
    expect(missing).toEqual([]);
  });
  it('every matrix row is a registered route', () => {
    const registered = new Set(t.app.routeTable.map(keyOf));
    expect(Object.keys(accessMatrix).filter((key) => !registered.has(key))).toEqual([]);
  });
});

describe('anonymous callers', () => {
  it('get 401 on every non-public route, before any body validation', async () => {
    const mismatches: string[] = [];
    for (const [key, allowed] of Object.entries(accessMatrix)) {
      if (allowed === 'public') continue;
      const [method, url] = key.split(' ') as [string, string];
      const res = await t.app.inject(requestFor(method, url));
      if (res.statusCode !== 401) mismatches.push(`${key} → ${res.statusCode}`);
    }
    expect(mismatches).toEqual([]);
  });
});

describe.each(ROLES_UNDER_TEST)('as %s', (role) => {
  it('is refused exactly where the matrix says, and let through elsewhere', async () => {
    const mismatches: string[] = [];
    for (const [key, allowed] of Object.entries(accessMatrix)) {
      if (allowed === 'public') continue;
      const [method, url] = key.split(' ') as [string, string];
      const request = requestFor(method, url);
      const res = await t.app.inject({ ...request, headers: { ...request.headers, ...tokens.get(role) } });
      const permitted = allowed.includes(role);
      const refused = res.statusCode === 403 || res.statusCode === 401;
      if (permitted === refused) mismatches.push(`${key} → ${res.statusCode} (${permitted ? 'should pass' : 'should be 403'})`);
      if (res.statusCode >= 500) mismatches.push(`${key} → ${res.statusCode}: ${res.body}`);
    }
    expect(mismatches).toEqual([]);
  });
});
