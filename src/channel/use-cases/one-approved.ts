import type { Trx } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors.js';

/**
 * At most one approved registration per (account, product line). The account row is locked first, so two
 * approvals racing on the same account serialise here and the second sees the first; the unique index
 * `registrations_one_approved` stays as the last wall.
 */
export async function assertNoOtherApproved(
  trx: Trx,
  input: { accountId: string | null; productLine: string; selfId: string },
): Promise<void> {
  if (!input.accountId) return;
  await trx.selectFrom('accounts').select('id').where('id', '=', input.accountId).forUpdate().executeTakeFirst();
  const other = await trx
    .selectFrom('registrations')
    .select('id')
    .where('account_id', '=', input.accountId)
    .where('product_line', '=', input.productLine)
    .where('status', '=', 'approved')
    .where('id', '!=', input.selfId)
    .executeTakeFirst();
  if (other) throw new AppError('conflict', `Registration ${other.id} is already approved for this account and product line.`);
}

export const isOneApprovedViolation = (error: unknown) =>
  typeof error === 'object' &&
  error !== null &&
  (error as { code?: string }).code === '23505' &&
  (error as { constraint?: string }).constraint === 'registrations_one_approved';
