import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/identity/use-cases/create-user.js';
import { fixedClock } from '../../src/platform/clock.js';
import { type TestApp, createTestApp } from '../support/test-app.js';

const clock = fixedClock(new Date('2026-11-23T09:00:00Z'));
let t: TestApp;
const password = 'a long enough password';
let email: string;

beforeAll(async () => {
  t = await createTestApp({ clock });
  email = (await createUser(t.system, { email: 'signin@test.baton.dev', name: 'Sign In', role: 'sales_rep', password })).email;
});
afterAll(() => t.close());

const cookieValue = (setCookie: string | string[] | undefined, name: string) => {
  const line = [setCookie ?? []].flat().find((c) => c.startsWith(`${name}=`));
  return line ? { line, value: line.split(';')[0]!.slice(name.length + 1) } : undefined;
};

// Sign-in is rate limited per address and account (10 per 15 minutes), so describes use their own users.
async function signIn(previous?: string, as = email) {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: as, password }, ...(previous && { cookies: { baton_session: previous } }) });
  expect(res.statusCode).toBe(200);
  const session = cookieValue(res.headers['set-cookie'], 'baton_session')!;
  const csrf = cookieValue(res.headers['set-cookie'], '_csrf')!;
  return { session: session.value, sessionLine: session.line, csrfCookie: csrf.value, csrfToken: res.json().csrfToken as string };
}

const cookies = (s: { session: string; csrfCookie: string }) => ({ baton_session: s.session, _csrf: s.csrfCookie });

describe('sessions', () => {
  it('sets an HttpOnly, SameSite=Lax, path-wide session cookie (Secure behind TLS)', async () => {
    const s = await signIn();
    expect(s.sessionLine).toMatch(/HttpOnly/i);
    expect(s.sessionLine).toMatch(/SameSite=Lax/i);
    expect(s.sessionLine).toMatch(/Path=\//);
    expect(s.sessionLine).not.toMatch(/Domain=/i);
    const tls = await t.app.inject({ method: 'POST', url: '/api/v1/session', payload: { email, password }, headers: { 'x-forwarded-proto': 'https' } });
    // trustProxy is off in this app, so the header must not make the cookie Secure…
    expect(cookieValue(tls.headers['set-cookie'], 'baton_session')!.line).not.toMatch(/Secure/);
  });

  it('rejects a wrong password and an unknown email alike', async () => {
    const wrong = await t.app.inject({ method: 'POST', url: '/api/v1/session', payload: { email, password: 'nope nope nope' } });
    const unknown = await t.app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: 'nobody@test.baton.dev', password: 'nope nope nope' } });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().detail).toBe(unknown.json().detail);
  });

  it('rotates the session on sign-in: the previous one stops working', async () => {
    const first = await signIn();
    const second = await signIn(first.session);
    expect(second.session).not.toBe(first.session);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', cookies: { baton_session: first.session } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', cookies: { baton_session: second.session } })).statusCode).toBe(200);
  });

  it('revokes the session server-side on sign-out', async () => {
    const s = await signIn();
    const out = await t.app.inject({ method: 'DELETE', url: '/api/v1/session', cookies: cookies(s), headers: { 'x-csrf-token': s.csrfToken } });
    expect(out.statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', cookies: { baton_session: s.session } })).statusCode).toBe(401);
  });

  it('expires after the idle timeout and at the absolute timeout', async () => {
    const idle = await signIn();
    clock.advance(31 * 60_000);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', cookies: { baton_session: idle.session } })).statusCode).toBe(401);

    const active = await signIn();
    for (let minutes = 20; minutes < 8 * 60; minutes += 20) {
      clock.advance(20 * 60_000);
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', cookies: { baton_session: active.session } })).statusCode).toBe(200);
    }
    clock.advance(25 * 60_000);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', cookies: { baton_session: active.session } })).statusCode).toBe(401);
  });

  it('accepts the session only from the cookie', async () => {
    const s = await signIn();
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/me?baton_session=${s.session}` })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${s.session}` } })).statusCode).toBe(401);
  });
});

describe('CSRF on cookie-authenticated writes', () => {
  it('refuses a write without the token, with a wrong one, or with another session’s token', async () => {
    const csrfUser = await createUser(t.system, { email: 'csrf@test.baton.dev', name: 'CSRF', role: 'sales_rep', password });
    const s = await signIn(undefined, csrfUser.email);
    const other = await signIn(undefined, csrfUser.email);
    const attempt = (headers: Record<string, string>) => t.app.inject({ method: 'POST', url: '/api/v1/tokens', cookies: cookies(s), headers, payload: { name: 'csrf test' } });
    expect((await attempt({})).json().code).toBe('csrf_invalid');
    expect((await attempt({ 'x-csrf-token': 'forged' })).statusCode).toBe(403);
    expect((await attempt({ 'x-csrf-token': other.csrfToken })).statusCode).toBe(403);
    expect((await attempt({ 'x-csrf-token': s.csrfToken })).statusCode).toBe(201);
  });

  it('does not ask bearer-token callers for a CSRF token', async () => {
    const rep = await t.userWithToken('sales_rep');
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: rep.headers, payload: { name: 'bearer' } })).statusCode).toBe(201);
  });
});

describe('API tokens', () => {
  it('are shown once, stored hashed, carry the owner’s role and stop working when revoked', async () => {
    const admin = await t.userWithToken('admin');
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: admin.headers, payload: { name: 'ci' } });
    const { token, id } = created.json();
    expect(token).toMatch(/^baton_/);
    const stored = await t.database.superuser('select token_hash from api_tokens where id = $1', [id]);
    expect(stored.rows[0]!.token_hash).not.toContain(token);
    const listed = await t.app.inject({ method: 'GET', url: '/api/v1/tokens', headers: admin.headers });
    expect(JSON.stringify(listed.json())).not.toContain(token);
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
    expect(me.json()).toMatchObject({ user: { role: 'admin' }, via: 'token', csrfToken: null });
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${id}`, headers: admin.headers })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(401);
  });
});

describe('sign-in rate limit', () => {
  it('answers 429 with Retry-After after 10 attempts per address and account', async () => {
    const limited = await createTestApp({ deps: { rateLimit: { max: 100_000, timeWindow: '1 minute' } } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++) {
        const res = await limited.app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: 'victim@test.baton.dev', password: 'guess guess guess' } });
        statuses.push(res.statusCode);
        if (res.statusCode === 429) {
          expect(res.headers['retry-after']).toBeDefined();
          expect(res.json().code).toBe('rate_limited');
        }
      }
      expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
      expect(statuses[10]).toBe(429);
    } finally {
      await limited.close();
    }
  });
});
