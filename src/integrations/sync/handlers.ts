import type { z } from 'zod';
import type { Trx } from '../../platform/db/database.js';
import { AppError, invalidField } from '../../platform/errors.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { createItem } from '../../orders/use-cases/create-item.js';
import { createOrder } from '../../orders/use-cases/create-order.js';
import { recordCycleCount } from '../../orders/use-cases/record-cycle-count.js';
import { setCustomerTerms } from '../../orders/use-cases/set-customer-terms.js';
import { updateItem } from '../../orders/use-cases/update-item.js';
import { createAccount } from '../../routing/use-cases/create-account.js';
import { createLead } from '../../routing/use-cases/create-lead.js';
import { createOpportunity } from '../../routing/use-cases/create-opportunity.js';
import { updateAccount } from '../../routing/use-cases/update-account.js';
import { updateLead } from '../../routing/use-cases/update-lead.js';
import { updateOpportunity } from '../../routing/use-cases/update-opportunity.js';
import { type SyncType, syncDataSchemas, syncUpdateSchemas } from './schemas.js';

/** Looks up the record another external id of the same source maps to; unknown ids are a field error. */
export type ExternalRefs = { resolve(type: SyncType, externalId: string, path: string): Promise<string> };

type Job<T extends SyncType> = {
  /** A context whose database joins the sync transaction. */
  ctx: UseCaseContext;
  trx: Trx;
  data: z.output<(typeof syncDataSchemas)[T]>;
  raw: Record<string, unknown>;
  refs: ExternalRefs;
  reason: string;
};
type Applied = { recordId: string; warning?: string };
type Handler<T extends SyncType> = {
  create(job: Job<T>): Promise<Applied>;
  /** `changed: false` means the version was accepted without an effect (an order resent unchanged). */
  update(job: Job<T> & { recordId: string; sameContent: boolean }): Promise<Applied & { changed: boolean }>;
};

const parseUpdate = <S extends z.ZodType>(schema: S, raw: unknown): z.output<S> => {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw invalidField(['data', ...issue.path.map(String)].join('.'), issue.message);
};

const versionOf = async (trx: Trx, table: 'accounts' | 'leads' | 'opportunities', id: string) =>
  (await trx.selectFrom(table).select('version').where('id', '=', id).executeTakeFirstOrThrow()).version;

async function accountIdOf(refs: ExternalRefs, data: { accountId?: string | null; accountExternalId?: string }) {
  return data.accountExternalId !== undefined ? refs.resolve('accounts', data.accountExternalId, 'data.accountExternalId') : data.accountId;
}

/**
 * A count below what is allocated is recorded with an exception case and leaves the counter alone; the
 * native use case commits that and then refuses. Sync keeps the commit and reports the refusal as a warning.
 */
async function recordCount(job: Job<'stock-counts'>): Promise<Applied> {
  const itemId =
    job.data.itemExternalId !== undefined
      ? await job.refs.resolve('items', job.data.itemExternalId, 'data.itemExternalId')
      : job.data.itemId!;
  try {
    const view = await recordCycleCount(job.ctx, { itemId, locationId: job.data.locationId, counted: job.data.counted });
    return { recordId: view.id };
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'rule_violation') throw error;
    const latest = await job.trx
      .selectFrom('cycle_counts')
      .select('id')
      .where('item_id', '=', itemId)
      .where('location_id', '=', job.data.locationId)
      .orderBy('counted_at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    return { recordId: latest.id, warning: error.message };
  }
}

async function placeOrder(job: Job<'orders'>): Promise<Applied> {
  const { accountExternalId: _a, ...data } = job.data;
  const accountId = (await accountIdOf(job.refs, job.data))!;
  const lines = await Promise.all(
    data.lines.map(async ({ itemExternalId, ...line }, i) => ({
      ...line,
      itemId:
        itemExternalId !== undefined ? await job.refs.resolve('items', itemExternalId, `data.lines.${i}.itemExternalId`) : line.itemId!,
    })),
  );
  const order = await createOrder(job.ctx, { ...data, accountId, lines });
  return { recordId: order.id };
}

export const syncHandlers: { [T in SyncType]: Handler<T> } = {
  accounts: {
    create: async ({ ctx, data }) => ({ recordId: (await createAccount(ctx, data)).id }),
    update: async ({ ctx, trx, data, recordId, reason }) => {
      await updateAccount(ctx, {
        accountId: recordId,
        expectedVersion: await versionOf(trx, 'accounts', recordId),
        changes: { ...data, reason },
      });
      return { recordId, changed: true };
    },
  },
  leads: {
    create: async ({ ctx, data }) => ({ recordId: (await createLead(ctx, data)).id }),
    update: async ({ ctx, trx, data, recordId, reason }) => {
      await updateLead(ctx, { leadId: recordId, expectedVersion: await versionOf(trx, 'leads', recordId), changes: { ...data, reason } });
      return { recordId, changed: true };
    },
  },
  opportunities: {
    create: async ({ ctx, data, refs }) => {
      const { accountExternalId: _a, ...input } = data;
      return { recordId: (await createOpportunity(ctx, { ...input, accountId: await accountIdOf(refs, data) })).id };
    },
    update: async ({ ctx, trx, raw, refs, recordId, reason }) => {
      const { accountExternalId, ...changes } = parseUpdate(syncUpdateSchemas.opportunities, raw);
      const accountId =
        accountExternalId !== undefined ? await refs.resolve('accounts', accountExternalId, 'data.accountExternalId') : changes.accountId;
      await updateOpportunity(ctx, {
        opportunityId: recordId,
        expectedVersion: await versionOf(trx, 'opportunities', recordId),
        changes: { ...changes, ...(accountId !== undefined && { accountId }), reason },
      });
      return { recordId, changed: true };
    },
  },
  items: {
    create: async ({ ctx, data }) => ({ recordId: (await createItem(ctx, data)).id }),
    update: async ({ ctx, trx, raw, recordId, reason }) => {
      const { sku, ...changes } = parseUpdate(syncUpdateSchemas.items, raw);
      const current = await trx.selectFrom('items').select('sku').where('id', '=', recordId).executeTakeFirstOrThrow();
      if (sku !== undefined && sku !== current.sku)
        throw invalidField('data.sku', `the item was synced with SKU ${current.sku}; a SKU does not change`);
      await updateItem(ctx, recordId, changes, reason);
      return { recordId, changed: true };
    },
  },
  customers: {
    create: async ({ ctx, data, refs }) => {
      const accountId = (await accountIdOf(refs, data))!;
      await setCustomerTerms(ctx, accountId, { tier: data.tier, creditLimitMinor: data.creditLimitMinor, paymentTerms: data.paymentTerms });
      return { recordId: accountId };
    },
    update: async ({ ctx, data, refs, recordId }) => {
      const accountId = (await accountIdOf(refs, data))!;
      if (accountId !== recordId)
        throw invalidField(
          data.accountExternalId !== undefined ? 'data.accountExternalId' : 'data.accountId',
          `this customer is synced to account ${recordId}`,
        );
      await setCustomerTerms(ctx, accountId, { tier: data.tier, creditLimitMinor: data.creditLimitMinor, paymentTerms: data.paymentTerms });
      return { recordId, changed: true };
    },
  },
  'stock-counts': {
    create: recordCount,
    update: async (job) => ({ ...(await recordCount(job)), changed: true }),
  },
  orders: {
    create: placeOrder,
    update: async ({ recordId, sameContent }) => {
      if (!sameContent) {
        throw new AppError(
          'conflict',
          `This external order was already created as order ${recordId}; an order changes through its workflow (cancel, release, ship), not by a newer sync version with other content.`,
        );
      }
      return { recordId, changed: false };
    },
  },
};
