import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/identity/use-cases/create-user.js';
import { systemClock } from '../../src/platform/clock.js';
import { allocateOrder } from '../../src/orders/use-cases/allocate-order.js';
import { createOrder } from '../../src/orders/use-cases/create-order.js';
import { releaseOrder } from '../../src/orders/use-cases/release-order.js';
import { handOffWonOpportunity } from '../../src/orders/use-cases/create-order-from-opportunity.js';
import { createRuleset } from '../../src/routing/use-cases/create-ruleset.js';
import { publishRuleset } from '../../src/routing/use-cases/publish-ruleset.js';
import { inTransaction } from '../../src/platform/use-case-context.js';
import { updateOpportunity } from '../../src/routing/use-cases/update-opportunity.js';
import { type TestDatabase, createTestDatabase } from '../support/test-db.js';
import { makeWorld } from './world.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

describe('orders and routing', () => {
  it('routes failed-gate exception cases and released orders through published rule sets, in the same transaction', async () => {
    const w = await makeWorld(database.db, systemClock, { stock: [5, 0], creditLimitMinor: 100 });
    const finance = await createUser(w.ctx, { email: 'credit@routing.test', name: 'Credit Desk', role: 'finance' });
    const ops = await createUser(w.ctx, { email: 'fulfil@routing.test', name: 'Fulfilment', role: 'ops' });
    const publish = async (recordType: 'order_exception' | 'sales_order', rules: unknown[]) => {
      const draft = await createRuleset(w.ctx, { recordType: recordType as never, name: `${recordType} rules`, rules: rules as never });
      await publishRuleset(w.ctx, { rulesetId: draft.id, expectedVersion: draft.version });
    };
    await publish('order_exception', [
      { name: 'Credit holds to the credit desk', when: { field: 'category', op: 'eq', value: 'credit_limit' }, then: { target: { type: 'user', id: finance.id }, slaHours: 4 } },
      { name: 'Everything else to fulfilment', when: { all: [] }, then: { target: { type: 'user', id: ops.id } } },
    ]);
    await publish('sales_order', [{ name: 'Fulfilment owner', when: { all: [] }, then: { target: { type: 'user', id: ops.id } } }]);

    const held = await createOrder(w.ctx, { channelId: w.channel.id, accountId: w.accountId, lines: [{ itemId: w.item.id, qty: 1, unitPriceMinor: 5000 }] });
    await allocateOrder(w.ctx, held.id);
    expect((await releaseOrder(w.ctx, held.id)).decision.outcome).toBe('hold');
    const exception = await database.db.selectFrom('order_exceptions').selectAll().where('order_id', '=', held.id).executeTakeFirstOrThrow();
    expect(exception.owner_id).toBe(finance.id);
    const assignment = await database.db.selectFrom('assignments').selectAll().where('record_type', '=', 'order_exception').where('record_id', '=', exception.id).executeTakeFirstOrThrow();
    expect(assignment).toMatchObject({ owner_id: finance.id });

    const paid = await createOrder(w.ctx, { channelId: w.channel.id, accountId: w.accountId, paymentStatus: 'paid', lines: [{ itemId: w.item.id, qty: 1, unitPriceMinor: 1000 }] });
    await allocateOrder(w.ctx, paid.id);
    expect((await releaseOrder(w.ctx, paid.id)).decision.outcome).toBe('pass');
    const order = await database.db.selectFrom('sales_orders').select('owner_id').where('id', '=', paid.id).executeTakeFirstOrThrow();
    expect(order.owner_id).toBe(ops.id);
    await expect(database.db.updateTable('sales_orders').set({ owner_id: finance.id }).where('id', '=', paid.id).execute()).rejects.toThrow(/written only by routing/);
  });

  it('hands a won opportunity off once as a quote carrying its owner and product', async () => {
    const w = await makeWorld(database.db, systemClock, { stock: [1, 0] });
    await database.db.updateTable('channels').set({ kind: 'field_sales' }).where('id', '=', w.channel.id).execute();
    const rep = await createUser(w.ctx, { email: 'rep@handoff.test', name: 'Rep', role: 'sales_rep' });
    const now = new Date();
    const opp = await database.db
      .insertInto('opportunities')
      .values({ name: 'Big deal', account_id: w.accountId, owner_id: rep.id, stage: 'Won', product: w.item.sku, amount: 1234, created_at: now, updated_at: now, stage_changed_at: now } as never)
      .returning('id')
      .executeTakeFirstOrThrow();
    const first = await inTransaction(w.ctx, (trx) => handOffWonOpportunity(trx, w.ctx, opp.id, { channelCode: w.channel.code }));
    expect(first).not.toBeNull();
    const quote = await database.db.selectFrom('quotes').selectAll().where('id', '=', first!.quoteId).executeTakeFirstOrThrow();
    expect(quote).toMatchObject({ owner_user_id: rep.id, opportunity_id: opp.id, account_id: w.accountId });
    expect(quote.lines).toEqual([{ itemId: w.item.id, qty: 1, unitPriceMinor: 1234, priceListItemId: null }]);
    expect(await inTransaction(w.ctx, (trx) => handOffWonOpportunity(trx, w.ctx, opp.id, { channelCode: w.channel.code }))).toBeNull();
  });

  it('moving an opportunity to Won through the routing use case hands it off in the same transaction', async () => {
    const w = await makeWorld(database.db, systemClock, { stock: [1, 0] });
    await database.db.updateTable('channels').set({ kind: 'field_sales', created_at: new Date(0) } as never).where('id', '=', w.channel.id).execute();
    const rep = await createUser(w.ctx, { email: 'rep2@handoff.test', name: 'Rep Two', role: 'sales_rep' });
    const now = new Date();
    const opp = await database.db
      .insertInto('opportunities')
      .values({ name: 'Closing deal', account_id: w.accountId, owner_id: rep.id, stage: 'Negotiation', product: w.item.sku, amount: 5000, created_at: now, updated_at: now, stage_changed_at: now } as never)
      .returning(['id', 'version'])
      .executeTakeFirstOrThrow();
    const won = await updateOpportunity(w.ctx, { opportunityId: opp.id, expectedVersion: opp.version, changes: { stage: 'Won' } });
    expect(won.status).toBe('won');
    const quote = await database.db.selectFrom('quotes').selectAll().where('opportunity_id', '=', opp.id).executeTakeFirstOrThrow();
    expect(quote).toMatchObject({ owner_user_id: rep.id, account_id: w.accountId });
    expect(quote.lines).toEqual([{ itemId: w.item.id, qty: 1, unitPriceMinor: 5000, priceListItemId: null }]);
  });
});
