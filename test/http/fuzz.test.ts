import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemStatus } from '../../src/platform/errors.js';
import { type TestApp, createTestApp } from '../support/test-app.js';

let t: TestApp;
let headers: { authorization: string };
beforeAll(async () => {
  t = await createTestApp();
  headers = (await t.userWithToken('admin')).headers;
});
afterAll(() => t.close());

const segment = fc.oneof(fc.uuid(), fc.string({ maxLength: 40 }), fc.constantFrom('00000000-0000-0000-0000-000000000000', '..', '%00', "1' or '1'='1"));
const body = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.record({ name: fc.jsonValue(), email: fc.jsonValue(), role: fc.jsonValue(), password: fc.jsonValue(), timeZone: fc.jsonValue(), weeklyHours: fc.jsonValue() }, { requiredKeys: [] }),
);
const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/xml', 'multipart/form-data; boundary=x');

describe('schema-free fuzzing of every route (admin token)', () => {
  it('never answers 5xx; every error is problem+json with a code from the closed list', async () => {
    const routes = t.app.routeTable.filter((r) => r.url !== '/api/v1/session' || r.method !== 'DELETE');
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), fc.array(segment, { minLength: 3, maxLength: 3 }), body, contentType, fc.option(fc.string({ maxLength: 20 })), async (route, ids, payload, type, ifMatch) => {
        let i = 0;
        const url = route.url.replace(/:[a-zA-Z]+/g, () => encodeURIComponent(ids[i++]!));
        const hasBody = ['POST', 'PATCH', 'PUT'].includes(route.method);
        const res = await t.app.inject({
          method: route.method as 'POST',
          url,
          headers: { ...headers, ...(hasBody && { 'content-type': type }), ...(ifMatch !== null && { 'if-match': ifMatch }) },
          ...(hasBody && { payload: JSON.stringify(payload) ?? 'null' }),
        });
        expect(res.statusCode, `${route.method} ${url} → ${res.body}`).toBeLessThan(500);
        if (res.statusCode >= 400) {
          expect(res.headers['content-type']).toContain('application/problem+json');
          expect(Object.keys(problemStatus)).toContain(res.json().code);
          expect(res.body).not.toMatch(/\bat \S+\.(js|ts):\d+|duplicate key|violates|syntax error at/);
        }
      }),
      { numRuns: 600 },
    );
  }, 120_000);
});
