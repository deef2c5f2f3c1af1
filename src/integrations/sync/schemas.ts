import { z } from 'zod';
import { CreateAccountSchema, CreateLeadSchema } from '../../routing/schemas.js';

export const SyncParams = z.strictObject({
  source: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lower-case letters, digits, - and _'),
  type: z.enum(['accounts', 'leads']),
  externalId: z.string().min(1).max(255),
});
export type SyncParamsInput = z.infer<typeof SyncParams>;

export const SyncBody = z.strictObject({
  version: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  data: z.record(z.string(), z.unknown()),
});

/** Each type's data is the native create body, so a synced record passes the same validation as a typed one. */
export const syncDataSchemas = { accounts: CreateAccountSchema, leads: CreateLeadSchema } as const;
