import type { Trx } from '../platform/db/database.js';
import { AppError, type FieldError } from '../platform/errors.js';
import { validateCondition } from './core/conditions.js';
import { FIELD_CATALOGS } from './core/ruleset.js';
import type { CreatePoolInput } from './schemas.js';

// Caps may look at any routable record's fields: a pool can serve leads, accounts and opportunities.
const ANY_RECORD_FIELDS = Object.assign({}, ...Object.values(FIELD_CATALOGS)) as (typeof FIELD_CATALOGS)[keyof typeof FIELD_CATALOGS];

/** Members, fallback and caps refer to things that exist, and following fallbacks never comes back here. */
export async function checkPoolDefinition(trx: Trx, poolId: string | null, input: Partial<CreatePoolInput>): Promise<void> {
  const errors: FieldError[] = [];
  if (input.members?.length) {
    const ids = input.members.map((m) => m.userId);
    const users = await trx.selectFrom('users').select(['id', 'status', 'partner_id']).where('id', 'in', ids).execute();
    const ok = new Set(users.filter((u) => u.status === 'active' && u.partner_id === null).map((u) => u.id));
    input.members.forEach((m, i) => {
      if (!ok.has(m.userId)) errors.push({ path: `members[${i}].userId`, message: 'no such active internal user' });
    });
  }
  input.criteriaCaps?.forEach((cap, i) => errors.push(...validateCondition(cap.when, ANY_RECORD_FIELDS, `criteriaCaps[${i}].when`)));
  if (input.fallback) {
    const { type, id } = input.fallback;
    const table = type === 'user' ? 'users' : type === 'pool' ? 'pools' : 'queues';
    const exists = await trx.selectFrom(table).select('id').where('id', '=', id).executeTakeFirst();
    if (!exists) errors.push({ path: 'fallback.id', message: `no such ${type}` });
    else if (type === 'pool' && poolId && (await fallbackLeadsTo(trx, id, poolId))) errors.push({ path: 'fallback', message: 'this fallback would loop back to this pool' });
  }
  if (errors.length) throw new AppError('validation_failed', errors[0]!.message, errors);
}

async function fallbackLeadsTo(trx: Trx, start: string, target: string): Promise<boolean> {
  const seen = new Set<string>();
  let current: string | null = start;
  while (current && !seen.has(current)) {
    if (current === target) return true;
    seen.add(current);
    const pool: { fallback_type: string | null; fallback_id: string | null } | undefined = await trx.selectFrom('pools').select(['fallback_type', 'fallback_id']).where('id', '=', current).executeTakeFirst();
    current = pool?.fallback_type === 'pool' ? pool.fallback_id : null;
  }
  return false;
}
