import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/platform/access/actor.js';
import type { UseCaseContext } from '../../src/platform/use-case-context.js';
import { createLead } from '../../src/routing/use-cases/create-lead.js';
import { routeRecordsBatch } from '../../src/routing/use-cases/route-records-batch.js';
import { type TestApp, createTestApp } from '../support/test-app.js';

type User = Awaited<ReturnType<TestApp['userWithToken']>>;
let t: TestApp;
let admin: User;

const post = (url: string, payload: unknown) => t.app.inject({ method: 'POST', url, headers: admin.headers, payload: payload as object });
const rows = async <T>(sql: string, params: unknown[] = []) => (await t.database.superuser<T & Record<string, unknown>>(sql, params)).rows;
const openCount = async (userId: string) =>
  Number((await rows<{ n: string }>(`select count(*) as n from assignments where owner_id = $1 and closed_at is null`, [userId]))[0]!.n);

/** Publishes a lead rule set as the publish use case leaves it: one published version. */
async function publishLeadRules(rules: unknown[]) {
  await t.database.superuser(
    `update rulesets set status = 'retired', retired_at = now() where record_type = 'lead' and status = 'published'`,
  );
  const number = Number(
    (await rows<{ n: string }>(`select coalesce(max(number), 0) + 1 as n from rulesets where record_type = 'lead'`))[0]!.n,
  );
  const withIds = rules.map((r) => ({ id: randomUUID(), ...(r as object) }));
  await t.database.superuser(
    `insert into rulesets (record_type, name, number, status, rules, published_at, created_at, updated_at) values ('lead', $1, $2, 'published', $3, now(), now(), now())`,
    [`Leads ${number}`, number, JSON.stringify(withIds)],
  );
}

async function pool(members: User[], options: { strategy?: string; wipCap?: number; fallback?: unknown } = {}) {
  const res = await post('/api/v1/pools', {
    name: `Pool ${randomUUID()}`,
    strategy: options.strategy ?? 'least_loaded',
    members: members.map((m) => ({ userId: m.id, ...(options.wipCap === undefined ? {} : { wipCap: options.wipCap }) })),
    ...(options.fallback ? { fallback: options.fallback } : {}),
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

const reps = async (n: number) => {
  const list: User[] = [];
  for (let i = 0; i < n; i++) list.push(await t.userWithToken('sales_rep'));
  return list;
};

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.userWithToken('admin');
});
afterAll(() => t.close());

describe('leads created together', () => {
  it('commit in one transaction, and each caller gets its own lead, decision, explanation, audit rows and inbox entry', async () => {
    const members = await reps(3);
    const manager = await t.userWithToken('sales_manager');
    const poolId = await pool(members, { strategy: 'round_robin' });
    const queue = (await post('/api/v1/queues', { name: `Triage ${randomUUID()}`, ownerId: manager.id })).json();
    await publishLeadRules([
      { name: 'EMEA', when: { field: 'region', op: 'eq', value: 'EMEA' }, then: { target: { type: 'pool', id: poolId } } },
      { name: 'Rest', then: { target: { type: 'queue', id: queue.id } } },
    ]);
    const alice: UseCaseContext = { ...t.system, actor: systemActor('alice') };
    const bob: UseCaseContext = { ...t.system, actor: systemActor('bob') };
    // No company or domain, so nothing is matched first: all nine arrive in one turn of the event loop.
    const inputs = Array.from({ length: 9 }, (_, i) => ({
      name: `Together ${randomUUID()}`,
      region: i < 6 ? 'EMEA' : 'NA',
      amount: 1000 * i,
    }));
    const created = await Promise.all(inputs.map((input, i) => createLead(i % 2 ? bob : alice, input)));

    expect(created.map((l) => l.name)).toEqual(inputs.map((i) => i.name));
    const ids = created.map((l) => l.id);
    const ledger = await rows<{ id: string; record_id: string; owner_id: string; rule_id: string }>(
      `select id, record_id, owner_id, rule_id from assignments where record_id = any($1) and closed_at is null`,
      [ids],
    );
    expect(ledger).toHaveLength(9);
    for (const lead of created) {
      const row = ledger.find((a) => a.record_id === lead.id)!;
      expect(lead.assignment.assignmentId).toBe(row.id);
      expect(lead.ownerId).toBe(row.owner_id);
      expect(lead.currentAssignmentId).toBe(row.id);
      expect(lead.assignment.ownerId).toBe(row.owner_id);
      // The full explanation, as single routing answers: every rule's verdict up to the winner, and the pool's candidates.
      expect(lead.assignment.explanation.rules.map((r) => r.matched)).toEqual(lead.region === 'EMEA' ? [true] : [false, true]);
      expect(lead.assignment.explanation.facts).toMatchObject({ region: lead.region });
    }
    const emea = created.slice(0, 6);
    for (const lead of emea) {
      expect(lead.assignment).toMatchObject({ outcome: 'assigned', reasonCode: 'pool', poolId });
      expect(lead.assignment.explanation.candidates).toHaveLength(3);
    }
    for (const lead of created.slice(6))
      expect(lead.assignment).toMatchObject({ outcome: 'assigned', reasonCode: 'queue', ownerId: manager.id });
    // Round robin among always-eligible members, across one batch: counts differ by at most one.
    const counts = members.map((m) => emea.filter((l) => l.ownerId === m.id).length);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);

    const audit = await rows<{ entity_id: string; event_name: string; actor_label: string; xid: string }>(
      `select entity_id, event_name, actor_label, xid::text from audit_events where entity_id = any($1)`,
      [ids],
    );
    expect(new Set(audit.map((a) => a.xid)).size).toBe(1);
    for (const [i, lead] of created.entries()) {
      const own = audit.filter((a) => a.entity_id === lead.id);
      expect(own.map((a) => a.event_name).sort()).toEqual(['assignment.created', 'lead.created']);
      expect(new Set(own.map((a) => a.actor_label))).toEqual(new Set([i % 2 ? 'bob' : 'alice']));
    }
    const inbox = await rows<{ record_id: string; user_id: string; title: string }>(
      `select record_id, user_id, title from notifications where kind = 'assigned' and record_id = any($1)`,
      [ids],
    );
    expect(inbox.map((n) => n.record_id).sort()).toEqual([...ids].sort());
    for (const lead of created) expect(inbox.find((n) => n.record_id === lead.id)!.user_id).toBe(lead.ownerId);
    const timers = await rows<{ n: string }>(`select count(*) as n from escalation_timers where assignment_id = any($1)`, [
      ledger.map((a) => a.id),
    ]);
    expect(Number(timers[0]!.n)).toBeGreaterThanOrEqual(9);
  });

  it('answers a lead naming a missing account with its own 400, and creates the others', async () => {
    const members = await reps(2);
    await publishLeadRules([{ name: 'All', then: { target: { type: 'pool', id: await pool(members) } } }]);
    const before = Number((await rows<{ n: string }>(`select count(*) as n from leads`))[0]!.n);
    const settled = await Promise.allSettled([
      createLead(t.system, { name: `Good ${randomUUID()}` }),
      createLead(t.system, { name: `Bad ${randomUUID()}`, accountId: randomUUID() }),
      createLead(t.system, { name: `Good ${randomUUID()}` }),
    ]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'validation_failed', errors: [{ path: 'accountId' }] });
    expect(Number((await rows<{ n: string }>(`select count(*) as n from leads`))[0]!.n)).toBe(before + 2);
  });

  it('answers a lone lead naming a missing account with a 400 naming the field, and writes nothing', async () => {
    const members = await reps(1);
    await publishLeadRules([{ name: 'All', then: { target: { type: 'pool', id: await pool(members) } } }]);
    const name = `Alone ${randomUUID()}`;
    await expect(createLead(t.system, { name, company: 'Nobody Ltd', accountId: randomUUID() })).rejects.toMatchObject({
      code: 'validation_failed',
      errors: [{ path: 'accountId' }],
    });
    expect(await rows(`select id from leads where name = $1`, [name])).toEqual([]);
    expect(await rows(`select id from audit_events where after ->> 'name' = $1`, [name])).toEqual([]);
  });

  it('never exceeds the WIP cap of a member two pools share, and leaves no lead ownerless (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 8 }), async (cap, extra) => {
        const [shared, onlyA, onlyB] = await reps(3);
        const fallbackOwner = await t.userWithToken('sales_manager');
        const fallback = { type: 'user', id: fallbackOwner.id };
        const poolA = await pool([shared!, onlyA!], { wipCap: cap, fallback });
        const poolB = await pool([shared!, onlyB!], { wipCap: cap, fallback });
        await publishLeadRules([
          { name: 'Region A', when: { field: 'region', op: 'eq', value: 'A' }, then: { target: { type: 'pool', id: poolA } } },
          { name: 'Everything else', then: { target: { type: 'pool', id: poolB } } },
        ]);
        // More leads than the three members can take. Which member is left with room depends on the order the
        // pools are served in (as with concurrent single decisions); the caps and ownership do not.
        const total = 3 * cap + extra;
        const created = await Promise.all(
          Array.from({ length: total }, (_, i) => createLead(t.system, { name: `Shared ${randomUUID()}`, region: i % 2 ? 'A' : 'B' })),
        );
        const open = await Promise.all([shared!, onlyA!, onlyB!].map((m) => openCount(m.id)));
        for (const n of open) expect(n).toBeLessThanOrEqual(cap);
        expect(open[0]).toBe(cap);
        const fellBack = created.filter((lead) => lead.ownerId === fallbackOwner.id);
        expect(await openCount(fallbackOwner.id)).toBe(fellBack.length);
        expect(fellBack.length).toBe(total - open.reduce((a, b) => a + b, 0));
        for (const lead of created) expect(lead.ownerId).not.toBeNull();
        for (const lead of fellBack) expect(lead.assignment.outcome).toBe('fallback');
      }),
      { numRuns: 5 },
    );
  });
});

describe('bulk routing', () => {
  it('counts a capped member shared by two pools across both pools of one chunk', async () => {
    const cap = 2;
    const [shared, onlyA, onlyB] = await reps(3);
    const fallbackOwner = await t.userWithToken('sales_manager');
    const fallback = { type: 'user', id: fallbackOwner.id };
    const poolA = await pool([shared!, onlyA!], { wipCap: cap, fallback });
    const poolB = await pool([shared!, onlyB!], { wipCap: cap, fallback });
    // No rule set yet: the leads wait unowned, then one bulk run routes them all in one chunk.
    await t.database.superuser(
      `update rulesets set status = 'retired', retired_at = now() where record_type = 'lead' and status = 'published'`,
    );
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push((await createLead(t.system, { name: `Bulk ${randomUUID()}`, region: i % 2 ? 'A' : 'B' })).id);
    await publishLeadRules([
      { name: 'Region A', when: { field: 'region', op: 'eq', value: 'A' }, then: { target: { type: 'pool', id: poolA } } },
      { name: 'Everything else', then: { target: { type: 'pool', id: poolB } } },
    ]);
    const result = await routeRecordsBatch(t.system, { recordType: 'lead', recordIds: ids });
    expect(result).toMatchObject({ routed: 8, assigned: 8 });
    for (const m of [shared!, onlyA!, onlyB!]) expect(await openCount(m.id)).toBeLessThanOrEqual(cap);
    expect(await openCount(shared!.id)).toBe(cap);
    // The overflow went to the fallback, worded as single routing words it.
    const overflow = await rows<{ reason: string; reason_code: string }>(
      `select reason, reason_code from assignments where owner_id = $1 and record_id = any($2) and closed_at is null`,
      [fallbackOwner.id, ids],
    );
    const withMembers = (await Promise.all([shared!, onlyA!, onlyB!].map((m) => openCount(m.id)))).reduce((a, b) => a + b, 0);
    expect(overflow.length).toBe(8 - withMembers);
    expect(overflow.length).toBeGreaterThan(0);
    for (const a of overflow) {
      expect(a.reason_code).toBe('fallback');
      expect(a.reason).toMatch(/^(Region A|Everything else) \(fallback: pool:[0-9a-f-]+ → user:[0-9a-f-]+\)$/);
    }
  });

  it('routes a pool’s overflow through the fallback pool one by one, seeing the chunk’s own picks', async () => {
    const [first, second, only] = await reps(3);
    const fallbackPool = await pool([first!, second!], { strategy: 'round_robin', wipCap: 2 });
    const small = await pool([only!], { wipCap: 1, fallback: { type: 'pool', id: fallbackPool } });
    await t.database.superuser(
      `update rulesets set status = 'retired', retired_at = now() where record_type = 'lead' and status = 'published'`,
    );
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await createLead(t.system, { name: `Overflow ${randomUUID()}` })).id);
    await publishLeadRules([{ name: 'All', then: { target: { type: 'pool', id: small } } }]);
    const result = await routeRecordsBatch(t.system, { recordType: 'lead', recordIds: ids });
    expect(result).toMatchObject({ routed: 5, assigned: 5 });
    // One for the small pool's member; the four it cannot take are shared out by the fallback's round robin, within caps.
    expect(await Promise.all([only!, first!, second!].map((m) => openCount(m.id)))).toEqual([1, 2, 2]);
  });
});
