import { passwordHashFor, insertUser } from '../../identity/use-cases/create-user.js';
import { assertCan } from '../../platform/access/can.js';
import { AppError, notFound } from '../../platform/errors.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { type PartnerUserView, PARTNER_USER_COLUMNS, partnerUserView } from '../partner-store.js';
import type { CreatePartnerUserInput } from '../schemas/partners.js';

/** Internal: a channel manager or admin gives a partner a portal user (partner_admin or partner_user). */
export async function addPartnerUser(ctx: UseCaseContext, partnerId: string, input: CreatePartnerUserInput): Promise<PartnerUserView> {
  assertCan(ctx.actor, 'partner.manage');
  const passwordHash = await passwordHashFor(input.password);
  return inTransaction(ctx, async (trx) => {
    const partner = await trx.selectFrom('partners').select(['id', 'status']).where('id', '=', partnerId).forShare().executeTakeFirst();
    if (!partner) throw notFound('partner');
    if (partner.status === 'terminated') throw new AppError('rule_violation', 'The partner is terminated; it cannot get new users.');
    const user = await insertUser(trx, ctx, { email: input.email, name: input.name, role: input.role, partnerId }, passwordHash, 'partner_user.created');
    return partnerUserView(await trx.selectFrom('users').select(PARTNER_USER_COLUMNS).where('id', '=', user.id).executeTakeFirstOrThrow());
  });
}
