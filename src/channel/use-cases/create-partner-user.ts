import { insertUser, passwordHashFor } from '../../identity/use-cases/create-user.js';
import { assertCan } from '../../platform/access/can.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { type PartnerUserView, PARTNER_USER_COLUMNS, partnerUserView } from '../partner-store.js';
import type { CreatePartnerUserInput } from '../schemas/partners.js';
import { partnerScopeOf } from './list-partner-users.js';

/**
 * Portal: a partner admin adds a user to its own partner — partner_admin or partner_user only (the schema
 * allows nothing else), never to another partner (the partner comes from the actor, not the request).
 */
export async function createPartnerUser(ctx: UseCaseContext, input: CreatePartnerUserInput): Promise<PartnerUserView> {
  const partnerId = partnerScopeOf(ctx);
  assertCan(ctx.actor, 'portal.user.manage', { partnerId });
  const passwordHash = await passwordHashFor(input.password);
  return inTransaction(ctx, async (trx) => {
    // The partner role may not insert users; the insert runs as the app role with the actor's partner fixed.
    const user = await insertUser(trx, ctx, { email: input.email, name: input.name, role: input.role, partnerId }, passwordHash, 'partner_user.created');
    return partnerUserView(await trx.selectFrom('users').select(PARTNER_USER_COLUMNS).where('id', '=', user.id).executeTakeFirstOrThrow());
  });
}
