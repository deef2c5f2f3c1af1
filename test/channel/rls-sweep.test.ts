import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asPartner } from '../../src/platform/db/partner-scope.js';
import { createDb } from '../../src/platform/db/kysely.js';
import { type TestApp, createTestApp } from '../support/test-app.js';
import { type PortalWorld, makePortalWorld } from './portal-world.js';

/**
 * The second wall on its own: the app role, SET LOCAL ROLE baton_partner and the partner id set
 * transaction-locally, and NO application filter — every granted column of every partner-scoped table.
 */
let t: TestApp;
let w: PortalWorld;
let pool: pg.Pool;
beforeAll(async () => {
  t = await createTestApp();
  w = await makePortalWorld(t);
  // one connection: every transaction below reuses the same pooled session
  pool = new pg.Pool({ connectionString: t.database.appUrl, max: 1 });
});
afterAll(async () => {
  await pool.end();
  await t.close();
});

type Row = Record<string, unknown>;
/** Runs `work` in one transaction as the partner role with `partnerId` (or none) set; always rolls back. */
async function asRole<T>(
  partnerId: string | null,
  work: (c: pg.PoolClient) => Promise<T>,
  end: 'COMMIT' | 'ROLLBACK' = 'ROLLBACK',
): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    if (partnerId !== null) await c.query(`select set_config('baton.partner_id', $1, true)`, [partnerId]);
    await c.query('SET LOCAL ROLE baton_partner');
    const result = await work(c);
    await c.query(end);
    return result;
  } catch (error) {
    await c.query('ROLLBACK');
    throw error;
  } finally {
    c.release();
  }
}
const codeOf = async (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code?: string }) => e.code ?? 'error',
  );

/** Every column the partner role may select, per table, from the catalog (not from our own list). */
async function grantedColumns(): Promise<Map<string, string[]>> {
  const { rows } = await pool.query<{ table_name: string; column_name: string }>(
    `select table_name, column_name from information_schema.column_privileges
      where grantee = 'baton_partner' and privilege_type = 'SELECT' and table_schema = 'public' order by table_name, column_name`,
  );
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.table_name, [...(out.get(r.table_name) ?? []), r.column_name]);
  return out;
}

// which partner a row of each scoped table belongs to, read as the app role (internal_all)
const OWNER_COLUMN: Record<string, string> = {
  partners: 'id',
  registrations: 'partner_id',
  activities: 'partner_id',
  partner_notices: 'partner_id',
  users: 'partner_id',
};

describe('RLS sweep, no application filter', () => {
  it('the partner role can select from exactly the expected tables', async () => {
    expect([...(await grantedColumns()).keys()].sort()).toEqual(
      [
        'accounts',
        'activities',
        'channel_policy',
        'items',
        'partner_notices',
        'partner_tiers',
        'partners',
        'price_list_items',
        'price_lists',
        'product_lines',
        'registrations',
        'stock_levels',
        'users',
      ].sort(),
    );
  });

  it.each(['A', 'B'] as const)(
    'partner %s sees its own rows and 0 rows of any other partner on every partner-scoped table',
    async (which) => {
      const me = which === 'A' ? w.partnerA : w.partnerB;
      const columns = await grantedColumns();
      const seen = await asRole(me, async (c) => {
        const out: Record<string, Row[]> = {};
        for (const table of [...Object.keys(OWNER_COLUMN), 'accounts']) {
          out[table] = (
            await c.query(
              `select ${columns
                .get(table)!
                .map((col) => `"${col}"`)
                .join(', ')} from ${table}`,
            )
          ).rows;
        }
        return out;
      });
      for (const [table, column] of Object.entries(OWNER_COLUMN)) {
        const rows = seen[table]!;
        expect(rows.length, `${table} has own rows`).toBeGreaterThan(0);
        expect(
          rows.filter((r) => r[column] !== me),
          `${table}: foreign rows`,
        ).toEqual([]);
      }
      // accounts: channel-owned by me, or held through my approved/won registration — checked as the app role
      const allowed = await t.database.db
        .selectFrom('accounts')
        .select('id')
        .where((eb) =>
          eb.or([
            eb('channel_partner_id', '=', me),
            eb(
              'id',
              'in',
              eb
                .selectFrom('registrations')
                .select('account_id')
                .where('partner_id', '=', me)
                .where('status', 'in', ['approved', 'won'])
                .where('account_id', 'is not', null),
            ),
          ]),
        )
        .execute();
      expect(seen.accounts!.map((r) => r.id).sort()).toEqual(allowed.map((r) => r.id).sort());
      expect(seen.accounts!.length).toBeGreaterThan(0);
      if (which === 'A') expect(seen.accounts!.map((r) => r.id)).not.toContain(w.accounts.directOnly); // matched by a pending registration
    },
  );

  it('no partner id in the transaction → 0 rows everywhere (fails closed)', async () => {
    const columns = await grantedColumns();
    for (const partnerId of [null, '']) {
      const counts = await asRole(partnerId, async (c) => {
        const out: Record<string, number> = {};
        for (const table of [
          'partners',
          'registrations',
          'activities',
          'partner_notices',
          'users',
          'accounts',
          'price_lists',
          'price_list_items',
        ]) {
          out[table] = (await c.query(`select ${columns.get(table)![0]} from ${table}`)).rowCount ?? -1;
        }
        return out;
      });
      expect(
        Object.values(counts).every((n) => n === 0),
        JSON.stringify(counts),
      ).toBe(true);
    }
  });

  it('price lists: only the partner tier’s own price tier', async () => {
    const tiers = await asRole(w.partnerA, async (c) =>
      (await c.query<{ tier: string }>('select distinct tier from price_lists')).rows.map((r) => r.tier),
    );
    expect(tiers).toEqual(['partner_gold']);
    const foreignItems = await asRole(
      w.partnerA,
      async (c) =>
        (
          await c.query(
            `select pli.id from price_list_items pli join price_lists pl on pl.id = pli.price_list_id where pl.tier <> 'partner_gold'`,
          )
        ).rowCount,
    );
    expect(foreignItems).toBe(0);
    const visibleItems = await asRole(w.partnerA, async (c) => (await c.query(`select id from price_list_items`)).rowCount);
    expect(visibleItems).toBeGreaterThan(0);
  });

  it('forbidden columns cannot be read at all', async () => {
    const forbidden: Array<[string, string]> = [
      ['registrations', 'internal_notes'],
      ['registrations', 'probability'],
      ['registrations', 'flags'],
      ['registrations', 'match'],
      ['registrations', 'decision_code'],
      ['registrations', 'owner_id'],
      ['registrations', 'warn_at'],
      ['accounts', 'owner_id'],
      ['accounts', 'direct_only'],
      ['accounts', 'annual_revenue'],
      ['partners', 'channel_manager_id'],
      ['users', 'password_hash'],
      ['activities', 'actor_id'],
      ['items', 'unit_cost_minor'],
    ];
    for (const [table, column] of forbidden) {
      expect(await codeOf(asRole(w.partnerA, (c) => c.query(`select ${column} from ${table}`))), `${table}.${column}`).toBe('42501');
    }
    expect(await codeOf(asRole(w.partnerA, (c) => c.query('select * from registrations')))).toBe('42501');
    for (const table of [
      'account_matches',
      'conflict_cases',
      'expiry_decisions',
      'assignments',
      'outbox_events',
      'audit_events',
      'opportunities',
      'leads',
      'notifications',
      'sessions',
    ]) {
      expect(await codeOf(asRole(w.partnerA, (c) => c.query(`select 1 from ${table} limit 1`))), table).toBe('42501');
    }
  });

  it('WITH CHECK: a partner cannot insert a registration for another partner, nor attach an activity to one', async () => {
    const insert = (partnerId: string) =>
      asRole(w.partnerA, (c) =>
        c.query(
          `insert into registrations (partner_id, customer_name, product_line, amount_minor, expected_close_date, created_at, updated_at) values ($1, 'X', $2, 100, current_date + 30, now(), now())`,
          [partnerId, w.productLine],
        ),
      );
    expect(await codeOf(insert(w.partnerB))).toBe('42501');
    expect(await codeOf(insert(w.partnerA))).toBe('ok');
    const activity = (registrationId: string, partnerId: string) =>
      asRole(w.partnerA, (c) =>
        c.query(
          `insert into activities (record_type, record_id, kind, subject, partner_id, occurred_at, created_at) values ('registration', $1, 'call', 'x', $2, now(), now())`,
          [registrationId, partnerId],
        ),
      );
    expect(await codeOf(activity(w.registrations.b, w.partnerA))).toBe('42501');
    expect(await codeOf(activity(w.registrations.b, w.partnerB))).toBe('42501');
    expect(await codeOf(activity(w.registrations.userA1, w.partnerA))).toBe('ok');
  });

  it('updates: another partner’s rows match nothing; a partner cannot approve itself or re-open a decision', async () => {
    const update = (id: string, set: string) =>
      asRole(w.partnerA, async (c) => (await c.query(`update registrations set ${set} where id = $1`, [id])).rowCount);
    expect(await update(w.registrations.b, `status = 'withdrawn'`)).toBe(0);
    expect(await codeOf(update(w.registrations.pendingA, `status = 'approved'`))).toBe('42501');
    expect(await codeOf(update(w.registrations.rejectedA, `status = 'under_review'`))).toBe('42501');
    expect(await codeOf(update(w.registrations.pendingA, `partner_id = '${w.partnerB}'`))).toBe('42501');
    expect(await codeOf(update(w.registrations.pendingA, `internal_notes = 'x'`))).toBe('42501');
    expect(await update(w.registrations.returnedA, `status = 'under_review'`)).toBe(1);
    expect(await update(w.registrations.userA1, `status = 'withdrawn'`)).toBe(1);
  });

  it('a reference collides only within its own partner', async () => {
    const insert = (partnerId: string, reference: string) =>
      asRole(partnerId, (c) =>
        c.query(
          `insert into registrations (partner_id, reference, customer_name, product_line, amount_minor, expected_close_date, created_at, updated_at) values ($1, $2, 'Y', $3, 100, current_date + 30, now(), now())`,
          [partnerId, reference, w.productLine],
        ),
      );
    // A's user 1 holds REF-…-2; B may use it, A may not (and only A's own row can be the cause)
    expect(await codeOf(insert(w.partnerB, `REF-${w.tag}-2`))).toBe('ok');
    expect(await codeOf(insert(w.partnerA, `REF-${w.tag}-2`))).toBe('23505');
  });
});

describe('a pooled connection never carries a partner into the next transaction', () => {
  it('after COMMIT and after ROLLBACK: default role, no partner id', async () => {
    for (const end of ['COMMIT', 'ROLLBACK'] as const) {
      await asRole(w.partnerA, (c) => c.query('select 1'), end);
      const { rows } = await pool.query<{ role: string; partner: string | null; visible: string }>(
        `select current_user as role, current_setting('baton.partner_id', true) as partner, (select count(*) from registrations) as visible`,
      );
      expect(rows[0]!.role).toBe('baton_app');
      expect(rows[0]!.partner ?? '').toBe('');
      // as the app role every registration is visible again (internal_all), so the session is not stuck as a partner
      expect(Number(rows[0]!.visible)).toBeGreaterThan(5);
    }
  });

  it('asPartner itself: the same single pooled connection is clean after commit, and after a failing partner transaction', async () => {
    const handle = createDb(t.database.appUrl, { max: 1 });
    try {
      const inside = await handle.db
        .transaction()
        .execute((trx) =>
          asPartner(trx, w.partnerA, async (scoped) =>
            (await scoped.selectFrom('registrations').select('partner_id').execute()).map((r) => r.partner_id),
          ),
        );
      expect(new Set(inside)).toEqual(new Set([w.partnerA]));
      await expect(
        handle.db.transaction().execute((trx) =>
          asPartner(trx, w.partnerA, async () => {
            throw new Error('boom');
          }),
        ),
      ).rejects.toThrow('boom');
      const { rows } = await handle.pool.query<{ role: string; partner: string | null }>(
        `select current_user as role, current_setting('baton.partner_id', true) as partner`,
      );
      expect(rows[0]).toEqual({ role: 'baton_app', partner: expect.toSatisfy((p: string | null) => (p ?? '') === '') });
    } finally {
      await handle.db.destroy();
    }
  });
});
