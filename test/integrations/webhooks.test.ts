import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildTasks } from '../../src/app.js';
import { createTeam } from '../../src/identity/use-cases/create-team.js';
import { updateTeam } from '../../src/identity/use-cases/update-team.js';
import { MAX_ATTEMPTS } from '../../src/integrations/core/backoff.js';
import { signatureHeader } from '../../src/integrations/signing.js';
import { activeSecrets } from '../../src/integrations/store.js';
import { deliverDueWebhooks } from '../../src/integrations/use-cases/deliver-due-webhooks.js';
import { relayOutbox } from '../../src/integrations/use-cases/relay-outbox.js';
import { type TestApp, createTestApp } from '../support/test-app.js';

type Received = { headers: Record<string, string>; body: string };
type Step = { status: number; headers?: Record<string, string> } | 'timeout' | 'reset';

/** A loopback receiver that answers each request with the next scripted step (the last one repeats). */
async function receiver(script: Step[]) {
  const received: Received[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      received.push({ headers: req.headers as Record<string, string>, body });
      const step = script[Math.min(received.length - 1, script.length - 1)]!;
      if (step === 'timeout') return;
      if (step === 'reset') return req.socket.destroy();
      res.writeHead(step.status, step.headers).end(`answer ${step.status}`);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let t: TestApp;
let admin: Awaited<ReturnType<TestApp['userWithToken']>>;
let teamCounter = 0;
beforeAll(async () => {
  process.env.BATON_WEBHOOKS_ALLOW_LOOPBACK = '1';
  t = await createTestApp();
  admin = await t.userWithToken('admin');
});
afterAll(() => t.close());
// Each test owns its endpoints; leftovers must not be sent to by the next test.
afterEach(async () => {
  process.env.BATON_WEBHOOKS_ALLOW_LOOPBACK = '1';
  await t.database.superuser('update webhook_endpoints set enabled = false');
});

async function register(url: string, events = ['team.*']) {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: admin.headers, payload: { url, events, description: 'test' } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; secret: string; version: number };
}

const newTeam = () => createTeam(t.system, { name: `Team ${++teamCounter} ${Math.random()}` });

async function deliveriesOf(endpointId: string) {
  return (await t.database.superuser('select * from webhook_deliveries where endpoint_id = $1 order by created_at, id', [endpointId])).rows;
}

/** Runs the sender until nothing of this endpoint is due, jumping the clock to each next attempt. */
async function drain(endpointId: string, maxRuns = 20) {
  for (let i = 0; i < maxRuns; i++) {
    const pending = (await deliveriesOf(endpointId)).filter((d) => d.status === 'pending');
    if (pending.length === 0) return;
    const now = new Date(Math.max(...pending.map((d) => new Date(d.next_attempt_at).getTime())));
    await deliverDueWebhooks(t.system, { now, timeoutMs: 300 });
  }
}

describe('webhook endpoints over HTTP', () => {
  it('creates with a one-time secret, reads without it, updates with If-Match, rotates', async () => {
    const created = await register('http://127.0.0.1:9/hook', ['lead.*', 'assignment.created']);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const read = await t.app.inject({ method: 'GET', url: `/api/v1/webhooks/${created.id}`, headers: admin.headers });
    expect(read.statusCode).toBe(200);
    expect(read.body).not.toContain('whsec_');
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/webhooks', headers: admin.headers });
    expect(list.body).not.toContain('whsec_');
    expect(list.json().items.map((w: { id: string }) => w.id)).toContain(created.id);

    const noIfMatch = await t.app.inject({ method: 'PATCH', url: `/api/v1/webhooks/${created.id}`, headers: admin.headers, payload: { enabled: false } });
    expect(noIfMatch.statusCode).toBe(428);
    const patched = await t.app.inject({ method: 'PATCH', url: `/api/v1/webhooks/${created.id}`, headers: { ...admin.headers, 'if-match': read.headers.etag as string }, payload: { events: ['*'], description: null } });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ events: ['*'], description: null, version: 2 });
    const stale = await t.app.inject({ method: 'PATCH', url: `/api/v1/webhooks/${created.id}`, headers: { ...admin.headers, 'if-match': read.headers.etag as string }, payload: { enabled: false } });
    expect(stale.statusCode).toBe(412);

    const rotated = await t.app.inject({ method: 'POST', url: `/api/v1/webhooks/${created.id}/rotate-secret`, headers: admin.headers });
    expect(rotated.statusCode).toBe(200);
    expect(rotated.json().secret).not.toBe(created.secret);
    const { rows } = await t.database.superuser('select secret, expires_at from webhook_secrets where endpoint_id = $1 order by created_at', [created.id]);
    expect(rows).toHaveLength(2);
    expect(rows[0]!.expires_at).not.toBeNull();
    expect(rows[1]!.expires_at).toBeNull();
  });

  it.each([
    [{ url: 'ftp://example.com/x', events: ['*'] }, 'url'],
    [{ url: 'http://127.0.0.1:9/x', events: [] }, 'events'],
    [{ url: 'http://127.0.0.1:9/x', events: ['Lead!'] }, 'events.0'],
    [{ events: ['*'] }, 'url'],
    [{ url: 'http://127.0.0.1:9/x', events: ['*'], extra: 1 }, 'extra'],
  ])('refuses bad input %j naming %s', async (payload, path) => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: admin.headers, payload });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path);
  });

  it.each([
    ['http://10.0.0.1/hook', true],
    ['http://169.254.169.254/latest/meta-data', true],
    ['http://[::ffff:169.254.169.254]/x', true],
    ['http://192.168.0.10/hook', true],
    ['http://127.0.0.1:9/hook', false],
    ['http://localhost:9/hook', false],
  ])('refuses %s (even with the loopback flag: %s)', async (url, alwaysRefused) => {
    delete process.env.BATON_WEBHOOKS_ALLOW_LOOPBACK;
    const strict = await t.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: admin.headers, payload: { url, events: ['*'] } });
    expect(strict.statusCode).toBe(400);
    expect(strict.json().errors[0].path).toBe('url');
    process.env.BATON_WEBHOOKS_ALLOW_LOOPBACK = '1';
    const relaxed = await t.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: admin.headers, payload: { url, events: ['*'] } });
    expect(relaxed.statusCode).toBe(alwaysRefused ? 400 : 201);
  });
});

describe('delivery', () => {
  it('retries through 500, timeout, reset and 429 (honouring Retry-After) until 200, logging every attempt, signed verifiably', async () => {
    const rx = await receiver([{ status: 500 }, 'timeout', 'reset', { status: 429, headers: { 'retry-after': '3600' } }, { status: 200 }]);
    try {
      const endpoint = await register(rx.url);
      const team = await newTeam();
      await relayOutbox(t.system);
      const delivery = (await deliveriesOf(endpoint.id))[0]!;
      expect(delivery).toMatchObject({ status: 'pending', aggregate_version: 1 });

      for (let i = 0; i < 5; i++) {
        const d = (await deliveriesOf(endpoint.id))[0]!;
        await deliverDueWebhooks(t.system, { now: new Date(d.next_attempt_at), timeoutMs: 300 });
      }
      const settled = (await deliveriesOf(endpoint.id))[0]!;
      expect(settled.status).toBe('delivered');
      const attempts = (await t.database.superuser('select * from webhook_attempts where delivery_id = $1 order by attempt', [settled.id])).rows;
      expect(attempts.map((a) => a.status_code)).toEqual([500, null, null, 429, 200]);
      expect(attempts[1]!.error).toMatch(/timeout/);
      expect(attempts[2]!.error).toBeTruthy();
      expect(attempts[0]!.response_excerpt).toBe('answer 500');

      const verifier = new Webhook(endpoint.secret);
      expect(rx.received).toHaveLength(5);
      for (const request of rx.received) {
        const payload = verifier.verify(request.body, request.headers) as { id: string; type: string; aggregate: { type: string; id: string; version: number } };
        expect(payload).toMatchObject({ type: 'team.created', aggregate: { type: 'team', id: team.id, version: 1 } });
        expect(request.headers['webhook-id']).toBe(payload.id);
      }
    } finally {
      await rx.close();
    }
  });

  it('honours Retry-After as a floor for the next attempt', async () => {
    const rx = await receiver([{ status: 429, headers: { 'retry-after': '3600' } }, { status: 200 }]);
    try {
      const endpoint = await register(rx.url);
      await newTeam();
      await relayOutbox(t.system);
      const now = new Date();
      await deliverDueWebhooks(t.system, { now, random: () => 0 });
      const d = (await deliveriesOf(endpoint.id))[0]!;
      expect(new Date(d.next_attempt_at).getTime() - now.getTime()).toBe(3600_000);
    } finally {
      await rx.close();
    }
  });

  it('the reference library rejects 100 % of mutated bodies and headers, stale and future timestamps', async () => {
    const rx = await receiver([{ status: 200 }]);
    try {
      const endpoint = await register(rx.url);
      await newTeam();
      await relayOutbox(t.system);
      await deliverDueWebhooks(t.system);
      const [request] = rx.received;
      const verifier = new Webhook(endpoint.secret);
      expect(() => verifier.verify(request!.body, request!.headers)).not.toThrow();
      const { body, headers } = request!;
      const mutate = (s: string, at: number, c: string) => s.slice(0, at) + c + s.slice(at + 1);
      fc.assert(
        fc.property(fc.nat(), fc.integer({ min: 32, max: 126 }).map((n) => String.fromCharCode(n)), (i, c) => {
          const at = i % body.length;
          fc.pre(body[at] !== c);
          expect(() => verifier.verify(mutate(body, at, c), headers)).toThrow();
        }),
        { numRuns: 300 },
      );
      fc.assert(
        fc.property(fc.constantFrom('webhook-id', 'webhook-signature'), fc.nat(), fc.constantFrom('A', 'z', '0', '-'), (name, i, c) => {
          const value = headers[name]!;
          const at = name === 'webhook-signature' ? 3 + (i % (value.length - 3)) : i % value.length;
          fc.pre(value[at] !== c);
          expect(() => verifier.verify(body, { ...headers, [name]: mutate(value, at, c) })).toThrow();
        }),
        { numRuns: 300 },
      );
      const nowSeconds = Math.floor(Date.now() / 1000);
      for (const ts of [nowSeconds - 301, nowSeconds - 3600, nowSeconds + 301, nowSeconds + 86_400]) {
        const id = headers['webhook-id']!;
        const resigned = { ...headers, 'webhook-timestamp': String(ts), 'webhook-signature': signatureHeader([endpoint.secret], id, ts, body) };
        expect(() => verifier.verify(body, resigned)).toThrow(/timestamp/i);
      }
      const fresh = { ...headers, 'webhook-timestamp': String(nowSeconds - 10), 'webhook-signature': signatureHeader([endpoint.secret], headers['webhook-id']!, nowSeconds - 10, body) };
      expect(() => verifier.verify(body, fresh)).not.toThrow();
    } finally {
      await rx.close();
    }
  });

  it('after a rotation both the old and the new secret verify', async () => {
    const rx = await receiver([{ status: 200 }]);
    try {
      const endpoint = await register(rx.url);
      const rotated = await t.app.inject({ method: 'POST', url: `/api/v1/webhooks/${endpoint.id}/rotate-secret`, headers: admin.headers });
      await newTeam();
      await relayOutbox(t.system);
      await deliverDueWebhooks(t.system);
      const request = rx.received.find((r) => JSON.parse(r.body).type === 'team.created')!;
      expect(request.headers['webhook-signature']!.split(' ')).toHaveLength(2);
      expect(() => new Webhook(endpoint.secret).verify(request.body, request.headers)).not.toThrow();
      expect(() => new Webhook(rotated.json().secret).verify(request.body, request.headers)).not.toThrow();
      const dayAndAHourLater = new Date(Date.now() + 25 * 3600 * 1000);
      expect(await activeSecrets(t.database.db, endpoint.id, dayAndAHourLater)).toEqual([rotated.json().secret]);
    } finally {
      await rx.close();
    }
  });

  it('410 Gone disables the endpoint, audited, and no further deliveries are created for it', async () => {
    const rx = await receiver([{ status: 410 }]);
    try {
      const endpoint = await register(rx.url);
      await newTeam();
      await relayOutbox(t.system);
      const result = await deliverDueWebhooks(t.system);
      expect(result.disabledEndpoints).toBe(1);
      const read = await t.app.inject({ method: 'GET', url: `/api/v1/webhooks/${endpoint.id}`, headers: admin.headers });
      expect(read.json()).toMatchObject({ enabled: false, disabledReason: 'receiver answered 410 Gone', version: 2 });
      const events = await t.database.superuser("select 1 from outbox_events where event_type = 'webhook.disabled' and aggregate_id = $1", [endpoint.id]);
      expect(events.rowCount).toBe(1);
      await newTeam();
      await relayOutbox(t.system);
      expect(await deliveriesOf(endpoint.id)).toHaveLength(1);
    } finally {
      await rx.close();
    }
  });

  it('dead-letters after the last attempt with an audited alert; replay requeues it', async () => {
    const rx = await receiver([{ status: 503 }]);
    try {
      const endpoint = await register(rx.url);
      await newTeam();
      await relayOutbox(t.system);
      await drain(endpoint.id);
      const dead = (await deliveriesOf(endpoint.id))[0]!;
      expect(dead).toMatchObject({ status: 'dead', attempts: MAX_ATTEMPTS, last_status_code: 503 });
      expect(rx.received).toHaveLength(MAX_ATTEMPTS);
      const alert = await t.database.superuser("select payload from outbox_events where event_type = 'webhook.dead_lettered' and aggregate_id = $1", [dead.id]);
      expect(alert.rowCount).toBe(1);

      const listed = await t.app.inject({ method: 'GET', url: `/api/v1/webhooks/${endpoint.id}/deliveries?status=dead`, headers: admin.headers });
      expect(listed.statusCode).toBe(200);
      expect(listed.json().items[0]).toMatchObject({ id: dead.id, status: 'dead', attempts: MAX_ATTEMPTS, eventType: 'team.created' });
      expect(listed.json().items[0].log).toHaveLength(MAX_ATTEMPTS);

      const replayed = await t.app.inject({ method: 'POST', url: `/api/v1/webhooks/deliveries/${dead.id}/replay`, headers: admin.headers, payload: { reason: 'receiver fixed' } });
      expect(replayed.statusCode).toBe(200);
      expect(replayed.json()).toMatchObject({ status: 'pending', attempts: 0 });
      const audit = await t.database.superuser("select 1 from audit_events where event_name = 'webhook.delivery_replayed' and entity_id = $1", [dead.id]);
      expect(audit.rowCount).toBe(1);
      await deliverDueWebhooks(t.system);
      const log = (await t.database.superuser('select attempt from webhook_attempts where delivery_id = $1 order by attempt', [dead.id])).rows.map((r) => r.attempt);
      expect(log).toEqual(Array.from({ length: MAX_ATTEMPTS + 1 }, (_, i) => i + 1));
      expect((await deliveriesOf(endpoint.id))[0]).toMatchObject({ status: 'pending', attempts: 1 });
      const missing = await t.app.inject({ method: 'POST', url: `/api/v1/webhooks/deliveries/${crypto.randomUUID()}/replay`, headers: admin.headers, payload: {} });
      expect(missing.statusCode).toBe(404);
    } finally {
      await rx.close();
    }
  });

  it('refuses to send to loopback at send time once the development flag is off', async () => {
    const rx = await receiver([{ status: 200 }]);
    try {
      const endpoint = await register(rx.url);
      await newTeam();
      await relayOutbox(t.system);
      delete process.env.BATON_WEBHOOKS_ALLOW_LOOPBACK;
      await deliverDueWebhooks(t.system);
      expect(rx.received).toHaveLength(0);
      const d = (await deliveriesOf(endpoint.id))[0]!;
      expect(d).toMatchObject({ status: 'pending', attempts: 1 });
      expect(d.last_error).toMatch(/^refused: .*loopback/);
    } finally {
      await rx.close();
    }
  });

  it('through relay replays and lost delivery outcomes, every event arrives at least once and an idempotent receiver applies each exactly once', async () => {
    const rx = await receiver([{ status: 200 }]);
    try {
      const endpoint = await register(rx.url);
      const teams = [];
      for (let i = 0; i < 6; i++) teams.push(await newTeam());
      await relayOutbox(t.system);
      // A relay that crashed after inserting deliveries but before its commit was visible redoes the batch.
      await t.database.superuser('update outbox_events set published_at = null where aggregate_id = any($1)', [teams.map((team) => team.id)]);
      await relayOutbox(t.system);
      expect(await deliveriesOf(endpoint.id)).toHaveLength(6);

      await deliverDueWebhooks(t.system);
      // A sender that died after sending but before recording the outcome: those deliveries come due again.
      await t.database.superuser("update webhook_deliveries set status = 'pending', delivered_at = null, next_attempt_at = now() where id in (select id from webhook_deliveries where endpoint_id = $1 order by id limit 3)", [endpoint.id]);
      await deliverDueWebhooks(t.system);

      const applied = new Map<string, string>();
      let duplicates = 0;
      const verifier = new Webhook(endpoint.secret);
      for (const request of rx.received) {
        const event = verifier.verify(request.body, request.headers) as { aggregate: { id: string } };
        if (applied.has(request.headers['webhook-id']!)) duplicates++;
        else applied.set(request.headers['webhook-id']!, event.aggregate.id);
      }
      expect(rx.received).toHaveLength(9);
      expect(duplicates).toBe(3);
      expect([...applied.values()].sort()).toEqual(teams.map((team) => team.id).sort());
      expect((await deliveriesOf(endpoint.id)).every((d) => d.status === 'delivered')).toBe(true);
    } finally {
      await rx.close();
    }
  });

  it('numbers events per aggregate so receivers can drop stale ones', async () => {
    const rx = await receiver([{ status: 200 }]);
    try {
      const endpoint = await register(rx.url);
      const team = await newTeam();
      await updateTeam(t.system, { teamId: team.id, expectedVersion: 1, changes: { name: `Renamed ${Math.random()}` } });
      await relayOutbox(t.system);
      await deliverDueWebhooks(t.system);
      const versions = rx.received.map((r) => JSON.parse(r.body)).filter((e) => e.aggregate.id === team.id).map((e) => [e.type, e.aggregate.version]);
      expect(versions.sort()).toEqual([
        ['team.created', 1],
        ['team.updated', 2],
      ]);
      expect((await deliveriesOf(endpoint.id)).map((d) => d.aggregate_version).sort()).toEqual([1, 2]);
    } finally {
      await rx.close();
    }
  });

  it('runs from the worker: relay_outbox on cron asks for a delivery run when it created deliveries', async () => {
    const { tasks, cron } = buildTasks({ db: t.database.db, clock: t.clock, checkpoints: t.database.checkpoints });
    expect(cron.map((c) => c.task)).toEqual(expect.arrayContaining(['relay_outbox', 'deliver_webhooks']));
    const rx = await receiver([{ status: 200 }]);
    try {
      const endpoint = await register(rx.url);
      const team = await newTeam();
      const added: string[] = [];
      await tasks.relay_outbox!({}, { addJob: async (name: string) => void added.push(name) } as never);
      expect(added).toEqual(['deliver_webhooks']);
      await tasks.deliver_webhooks!({}, {} as never);
      expect(rx.received.map((r) => JSON.parse(r.body).aggregate.id)).toContain(team.id);
      expect((await deliveriesOf(endpoint.id))[0]).toMatchObject({ status: 'delivered' });
    } finally {
      await rx.close();
    }
  });
});
