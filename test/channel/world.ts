import { createPartner } from '../../src/channel/use-cases/create-partner.js';
import type { Actor } from '../../src/platform/access/actor.js';
import { fixedClock } from '../../src/platform/clock.js';
import type { UseCaseContext } from '../../src/platform/use-case-context.js';
import { type TestApp, createTestApp } from '../support/test-app.js';

export type ChannelWorld = Awaited<ReturnType<typeof channelWorld>>;

let n = 0;

/** A test app on a hand-moved clock, a channel manager, product lines, and helpers to make partners and accounts. */
export async function channelWorld() {
  const clock = fixedClock(new Date('2026-03-02T09:00:00Z'));
  const t: TestApp = await createTestApp({ clock });
  const db = t.database.db;
  const cm = await t.userWithToken('channel_manager');
  const admin = await t.userWithToken('admin');
  await db
    .insertInto('product_lines')
    .values([
      { code: 'servers', name: 'Servers', description: null },
      { code: 'storage', name: 'Storage', description: null },
    ])
    .execute();

  const partner = async (options: { tier?: string; cap?: number | null } = {}) => {
    const p = await createPartner(t.system, { name: `Distributor ${++n} ${Math.random().toString(36).slice(2, 6)}` });
    await db
      .updateTable('partners')
      .set({ channel_manager_id: cm.id, tier: options.tier ?? 'gold', registration_cap: options.cap ?? null })
      .where('id', '=', p.id)
      .execute();
    const user = await t.userWithToken('partner_user', { partnerId: p.id });
    const actor: Actor = { kind: 'user', userId: user.id, role: 'partner_user', partnerId: p.id, label: `partner user ${n}`, via: 'token' };
    const ctx: UseCaseContext = { db, clock, actor };
    return { id: p.id, user, ctx };
  };

  const account = async (values: {
    name: string;
    domain?: string | null;
    directOnly?: boolean;
    channelPartnerId?: string | null;
    country?: string | null;
  }) => {
    const now = clock.now();
    return db
      .insertInto('accounts')
      .values({
        name: values.name,
        domain: values.domain ?? null,
        country: values.country ?? null,
        direct_only: values.directOnly ?? false,
        channel_partner_id: values.channelPartnerId ?? null,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
      .then((r) => r.id);
  };

  const internalCtx: UseCaseContext = {
    db,
    clock,
    actor: { kind: 'user', userId: cm.id, role: 'channel_manager', partnerId: null, label: 'channel manager', via: 'token' },
  };

  // The shared 2-core machine can stall the event loop past @fastify/under-pressure's limit; that 503 is
  // answered before any handler runs, so the request is simply sent again.
  const inject = async (method: 'GET' | 'POST', url: string, headers: Record<string, string>, payload?: unknown) => {
    for (let attempt = 0; ; attempt++) {
      const res = await t.app.inject({ method, url, headers, ...(payload !== undefined && { payload: payload as object }) });
      if (res.statusCode !== 503 || attempt >= 5) return res;
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  /** Row counts of everything a write could touch. */
  const counts = async () => {
    const tables = [
      'registrations',
      'accounts',
      'account_matches',
      'conflict_cases',
      'assignments',
      'audit_events',
      'outbox_events',
      'partner_notices',
      'activities',
      'expiry_decisions',
      'notifications',
    ] as const;
    const out: Record<string, number> = {};
    for (const table of tables) {
      const row = await db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow();
      out[table] = Number(row.n);
    }
    return out;
  };

  return { t, db, clock, cm, admin, partner, account, internalCtx, inject, counts, close: () => t.close() };
}

/** A valid registration body, varied by `overrides`. */
export const registrationBody = (overrides: Record<string, unknown> = {}) => ({
  customerName: 'Globex Corporation',
  customerDomain: 'globex.example',
  customerCountry: 'US',
  productLine: 'servers',
  amountMinor: 2_500_000,
  expectedCloseDate: '2026-06-30',
  description: 'Rack refresh',
  ...overrides,
});
