import { z } from 'zod';
import { CreateItemSchema, CreateOrderSchema, CustomerTermsSchema, CycleCountSchema, UpdateItemSchema } from '../../orders/schemas.js';
import { CreateAccountSchema, CreateLeadSchema, CreateOpportunitySchema, StageSchema } from '../../routing/schemas.js';

export const SYNC_TYPES = ['accounts', 'leads', 'opportunities', 'items', 'customers', 'stock-counts', 'orders'] as const;
export type SyncType = (typeof SYNC_TYPES)[number];

export const SyncSource = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lower-case letters, digits, - and _');
export const SyncParams = z.strictObject({
  source: SyncSource,
  type: z.enum(SYNC_TYPES),
  externalId: z.string().min(1).max(255),
});
export type SyncParamsInput = z.infer<typeof SyncParams>;

export const SyncVersion = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
export const SyncBody = z.strictObject({
  version: SyncVersion,
  data: z.record(z.string(), z.unknown()),
});

/** One line of a bulk NDJSON stream. */
export const SyncLine = z.strictObject({
  type: z.enum(SYNC_TYPES),
  externalId: z.string().min(1).max(255),
  version: SyncVersion,
  data: z.record(z.string(), z.unknown()),
});

/** Another record of the same source, named by its external id instead of our id. */
const ExternalRef = z.string().min(1).max(255);
const exactlyOne = (a: string, b: string) => (v: Record<string, unknown>) => (v[a] === undefined) !== (v[b] === undefined);

const OrderLine = z.strictObject({
  itemId: z.uuid().optional(),
  itemExternalId: ExternalRef.optional(),
  qty: z.number().int().positive(),
  unitPriceMinor: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});

/**
 * Each type's data is the native create body (so a synced record passes the same validation as a typed one),
 * plus, where a record refers to another, the option to name it by this source's external id.
 */
export const syncDataSchemas = {
  accounts: CreateAccountSchema,
  leads: CreateLeadSchema,
  opportunities: CreateOpportunitySchema.extend({ accountExternalId: ExternalRef.optional() }).refine(
    (v) => !(v.accountId && v.accountExternalId),
    {
      message: 'give accountId or accountExternalId, not both',
      path: ['accountExternalId'],
    },
  ),
  items: CreateItemSchema.strict(),
  customers: CustomerTermsSchema.extend({ accountId: z.uuid().optional(), accountExternalId: ExternalRef.optional() })
    .strict()
    .refine(exactlyOne('accountId', 'accountExternalId'), { message: 'give accountId or accountExternalId', path: ['accountId'] }),
  'stock-counts': CycleCountSchema.extend({ itemId: z.uuid().optional(), itemExternalId: ExternalRef.optional() })
    .strict()
    .refine(exactlyOne('itemId', 'itemExternalId'), { message: 'give itemId or itemExternalId', path: ['itemId'] }),
  orders: CreateOrderSchema.extend({
    accountId: z.uuid().optional(),
    accountExternalId: ExternalRef.optional(),
    lines: z
      .array(OrderLine.refine(exactlyOne('itemId', 'itemExternalId'), { message: 'give itemId or itemExternalId', path: ['itemId'] }))
      .min(1)
      .max(500),
  })
    .strict()
    .refine(exactlyOne('accountId', 'accountExternalId'), { message: 'give accountId or accountExternalId', path: ['accountId'] }),
} as const satisfies Record<SyncType, z.ZodType>;

/** A later version sets the fields it carries and keeps the rest: partial schemas without create defaults. */
export const syncUpdateSchemas = {
  opportunities: CreateOpportunitySchema.partial().extend({ stage: StageSchema.optional(), accountExternalId: ExternalRef.optional() }),
  items: UpdateItemSchema.extend({ sku: z.string().trim().min(1).max(64).optional() }).strict(),
};
