import { randomBytes } from 'node:crypto';
import { adjustStock } from '../../src/orders/use-cases/adjust-stock.js';
import { createItem } from '../../src/orders/use-cases/create-item.js';
import { createLocation } from '../../src/orders/use-cases/create-location.js';
import { createPriceList } from '../../src/orders/use-cases/create-price-list.js';
import type { TestApp } from '../support/test-app.js';

/**
 * Two distributors (A gold, B silver) with users, an internal direct side, and sentinel strings planted in
 * every field a partner must never see. Rows the channel use cases would write (registrations in several
 * states, activities, notices) are inserted as the app role, exactly as stored.
 */
export async function makePortalWorld(t: TestApp) {
  const db = t.database.db;
  const tag = randomBytes(4).toString('hex');
  const sentinels: string[] = [];
  const S = (what: string) => {
    const s = `SENTINEL${what.toUpperCase()}${tag}${sentinels.length}`;
    sentinels.push(s);
    return s;
  };
  const now = new Date();
  const days = (n: number) => new Date(now.getTime() + n * 86_400_000);

  // internal side: a direct rep and a channel manager whose names are sentinels
  const rep = await t.userWithToken('sales_rep');
  const manager = await t.userWithToken('channel_manager');
  const admin = await t.userWithToken('admin');
  await db
    .updateTable('users')
    .set({ name: S('repname') })
    .where('id', '=', rep.id)
    .execute();
  await db
    .updateTable('users')
    .set({ name: S('managername') })
    .where('id', '=', manager.id)
    .execute();

  // partners: A (gold) and B (silver), each managed by the channel manager
  const adminA = await t.userWithToken('partner_admin');
  const partnerA = (await db.selectFrom('users').select('partner_id').where('id', '=', adminA.id).executeTakeFirstOrThrow()).partner_id!;
  const userA1 = await t.userWithToken('partner_user', { partnerId: partnerA });
  const userA2 = await t.userWithToken('partner_user', { partnerId: partnerA });
  const adminB = await t.userWithToken('partner_admin');
  const partnerB = (await db.selectFrom('users').select('partner_id').where('id', '=', adminB.id).executeTakeFirstOrThrow()).partner_id!;
  const userB1 = await t.userWithToken('partner_user', { partnerId: partnerB });
  await db
    .updateTable('partners')
    .set({ tier: 'gold', channel_manager_id: manager.id, territory: ['EMEA'] })
    .where('id', '=', partnerA)
    .execute();
  await db
    .updateTable('partners')
    .set({ tier: 'silver', channel_manager_id: manager.id, name: S('partnerbname') })
    .where('id', '=', partnerB)
    .execute();
  await db
    .updateTable('users')
    .set({ name: S('userb1name') })
    .where('id', '=', userB1.id)
    .execute();
  await db
    .updateTable('users')
    .set({ name: S('adminbname') })
    .where('id', '=', adminB.id)
    .execute();
  const productLine = `pl_${tag}`;
  await db.insertInto('product_lines').values({ code: productLine, name: 'Storage' }).execute();

  const account = async (values: {
    name: string;
    domain?: string | null;
    channel_partner_id?: string | null;
    direct_only?: boolean;
    owner_id?: string | null;
  }) =>
    (
      await db
        .insertInto('accounts')
        .values({ region: 'EMEA', country: 'DE', industry: 'Retail', created_at: now, updated_at: now, domain: null, ...values })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const accounts = {
    ownedByA: await account({ name: `Alpha Owned ${tag}`, domain: `alpha-${tag}.example`, channel_partner_id: partnerA, owner_id: rep.id }),
    regByAdminA: await account({ name: `Admin Registered ${tag}`, owner_id: rep.id }),
    regByUserA1: await account({ name: `User1 Registered ${tag}`, owner_id: rep.id }),
    ownedByB: await account({
      name: S('baccountname'),
      domain: `${S('baccountdomain').toLowerCase()}.example`,
      channel_partner_id: partnerB,
    }),
    directOnly: await account({
      name: S('directonlyname'),
      domain: `${S('directonlydomain').toLowerCase()}.example`,
      direct_only: true,
      owner_id: rep.id,
    }),
    direct: await account({ name: S('directname'), domain: `${S('directdomain').toLowerCase()}.example`, owner_id: rep.id }),
  };

  // registrations, each with sentinels in every internal column
  const internal = (what: string) => ({
    internal_notes: S(`${what}notes`),
    probability: 83,
    flags: JSON.stringify([{ code: 'direct_only', detail: S(`${what}flag`) }]),
    match: JSON.stringify({ method: 'name', evidence: [{ candidate: S(`${what}match`), score: 0.9 }] }),
    owner_id: manager.id,
  });
  const registration = async (values: Record<string, unknown> & { partner_id: string; customer_name: string }) =>
    (
      await db
        .insertInto('registrations')
        .values({
          product_line: productLine,
          amount_minor: 1_250_000,
          expected_close_date: days(60).toISOString().slice(0, 10),
          created_at: now,
          updated_at: now,
          ...values,
        } as never)
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const approved = (id: string) => ({
    status: 'approved',
    approved_at: now,
    last_activity_at: now,
    exclusivity_cap_at: days(365),
    expires_at: days(90),
    warn_at: days(76),
    account_id: id,
  });
  const registrations = {
    // approved: one by the admin, one by user 1 — "own" and "same partner, other user"
    adminA: await registration({
      partner_id: partnerA,
      submitted_by: adminA.id,
      reference: `REF-${tag}-1`,
      customer_name: `Admin Registered ${tag}`,
      ...approved(accounts.regByAdminA),
      ...internal('rega0'),
      decision_code: S('decisioncode'),
    }),
    userA1: await registration({
      partner_id: partnerA,
      submitted_by: userA1.id,
      reference: `REF-${tag}-2`,
      customer_name: `User1 Registered ${tag}`,
      ...approved(accounts.regByUserA1),
      ...internal('rega1'),
    }),
    // pending, matched to a direct-only account; rejected, matched to B's account: neither account may show
    pendingA: await registration({
      partner_id: partnerA,
      submitted_by: userA2.id,
      customer_name: 'Direct Only Guess',
      status: 'under_review',
      account_id: accounts.directOnly,
      ...internal('rega2'),
    }),
    rejectedA: await registration({
      partner_id: partnerA,
      submitted_by: userA1.id,
      customer_name: 'Other Partner Guess',
      status: 'rejected',
      account_id: accounts.ownedByB,
      decision_code: 'not_available',
      decision_reason: 'Not available for registration.',
      ...internal('rega3'),
    }),
    returnedA: await registration({
      partner_id: partnerA,
      submitted_by: userA1.id,
      customer_name: 'Returned Co',
      status: 'returned',
      info_request: 'Add the customer phone.',
      ...internal('rega4'),
    }),
    // another partner's deal on another customer
    b: await registration({
      partner_id: partnerB,
      submitted_by: userB1.id,
      reference: `REF-${tag}-1`,
      customer_name: S('bcustomername'),
      customer_domain: `${S('bcustomerdomain').toLowerCase()}.example`,
      description: S('bdescription'),
      status: 'under_review',
      account_id: accounts.ownedByB,
      ...internal('regb'),
    }),
  };
  await db
    .insertInto('account_matches')
    .values({
      subject_type: 'registration',
      subject_id: registrations.pendingA,
      account_id: accounts.directOnly,
      method: 'name',
      score: 0.8,
      evidence: JSON.stringify({ note: S('evidence') }) as never,
      created_at: now,
    })
    .execute();
  await db
    .insertInto('conflict_cases')
    .values({
      account_id: accounts.directOnly,
      kind: 'partner_registration_on_direct_account',
      partner_id: partnerA,
      registration_id: registrations.pendingA,
      source_type: 'registration',
      source_id: registrations.pendingA,
      detail: S('conflictdetail'),
      due_at: days(1),
      created_at: now,
      updated_at: now,
    })
    .execute();

  // activities: the partner's own, another partner's, and internal ones (no partner id) on the same records
  const activity = (values: {
    record_type: string;
    record_id: string;
    subject: string;
    notes?: string;
    partner_id: string | null;
    actor_id: string;
  }) =>
    db
      .insertInto('activities')
      .values({ kind: 'call', occurred_at: now, created_at: now, notes: null, ...values })
      .execute();
  await activity({
    record_type: 'registration',
    record_id: registrations.userA1,
    subject: 'Kick-off call',
    partner_id: partnerA,
    actor_id: userA1.id,
  });
  await activity({
    record_type: 'registration',
    record_id: registrations.userA1,
    subject: S('internalactivity'),
    notes: S('internalactivitynotes'),
    partner_id: null,
    actor_id: manager.id,
  });
  await activity({
    record_type: 'registration',
    record_id: registrations.b,
    subject: S('bactivity'),
    partner_id: partnerB,
    actor_id: userB1.id,
  });
  await activity({ record_type: 'account', record_id: accounts.directOnly, subject: S('repactivity'), partner_id: null, actor_id: rep.id });

  const notice = async (partner_id: string, registration_id: string, title: string, body: string) =>
    (
      await db
        .insertInto('partner_notices')
        .values({ partner_id, registration_id, kind: 'decision', title, body, created_at: now })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const notices = {
    a: await notice(partnerA, registrations.rejectedA, 'Registration decided', 'Not available for registration.'),
    a2: await notice(partnerA, registrations.returnedA, 'Information requested', 'Add the customer phone.'),
    b: await notice(partnerB, registrations.b, S('bnoticetitle'), S('bnoticebody')),
  };

  // products: three items (in stock, limited, out), tier price lists, a stale list, and stock at one location
  const sys = t.system;
  const location = await createLocation(sys, { code: `WH-${tag}`, name: 'Main', kind: 'warehouse', region: 'EMEA' });
  const item = (sku: string, specs: Record<string, unknown>) =>
    createItem(sys, { sku: `${sku}-${tag}`, name: sku, specs, unitCostMinor: 424_242, currency: 'USD' });
  const items = {
    plenty: await item('PLENTY', { capacityTb: 20 }),
    few: await item('FEW', { capacityTb: 8 }),
    none: await item('NONE', { capacityTb: 4 }),
  };
  await db
    .updateTable('items')
    .set({ product_line: productLine })
    .where(
      'id',
      'in',
      Object.values(items).map((i) => i.id),
    )
    .execute();
  await adjustStock(sys, { itemId: items.plenty.id, locationId: location.id, bucket: 'on_hand', delta: 123, reason: 'opening' });
  await adjustStock(sys, { itemId: items.few.id, locationId: location.id, bucket: 'on_hand', delta: 7, reason: 'opening' });
  const validFrom = new Date(now.getTime() - 86_400_000);
  const priceList = (
    tier: string | null,
    prices: Array<[string, number, number]>,
    extra: { priority?: number; validFrom?: Date; validTo?: Date } = {},
  ) =>
    createPriceList(sys, {
      name: `${tier ?? 'list'} ${tag}`,
      currency: 'USD',
      tier: tier ?? undefined,
      validFrom: extra.validFrom ?? validFrom,
      validTo: extra.validTo,
      priority: extra.priority ?? 0,
      items: prices.map(([itemId, minQuantity, unitPriceMinor]) => ({ itemId, minQuantity, unitPriceMinor })),
    });
  await priceList('partner_gold', [
    [items.plenty.id, 1, 90_000],
    [items.plenty.id, 10, 80_000],
    [items.few.id, 1, 50_000],
  ]);
  await priceList('partner_gold', [[items.plenty.id, 1, 11_111_111]], {
    validFrom: new Date(now.getTime() - 10 * 86_400_000),
    validTo: validFrom,
  });
  await priceList('partner_silver', [[items.plenty.id, 1, 77_777_777]]);
  await priceList(null, [[items.plenty.id, 1, 99_999_999]]);

  return {
    tag,
    sentinels,
    now,
    rep,
    manager,
    admin,
    partnerA,
    partnerB,
    adminA,
    userA1,
    userA2,
    adminB,
    userB1,
    productLine,
    accounts,
    registrations,
    notices,
    items,
    location,
  };
}

export type PortalWorld = Awaited<ReturnType<typeof makePortalWorld>>;

/** Every planted sentinel that occurs in `text`. */
export const sentinelsIn = (world: PortalWorld, text: string) =>
  world.sentinels.filter((s) => text.toLowerCase().includes(s.toLowerCase()));
