import { assertCan } from '../../platform/access/can.js';
import { asPartner } from '../../platform/db/partner-scope.js';
import { AppError, invalidField } from '../../platform/errors.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, actorOf, inTransaction } from '../../platform/use-case-context.js';
import { channelPolicy } from '../channel-context.js';
import { ACTIVE_STATUSES } from '../core/registration-lifecycle.js';
import { matchAccount } from '../match-account.js';
import { assessConflicts, startReview, validateRegistrationFields } from '../registration-review.js';
import type { SubmitRegistrationInput } from '../registration-schemas.js';
import { type RegistrationView, actorKindOf, isoDate, registrationView } from '../registration-store.js';

/**
 * A partner registers a deal (or the channel team does, on a partner's behalf): validated, counted against the
 * tier's cap, matched to an account, checked for conflicts, and put under review with the channel manager.
 * Whatever the conflict checks find, the answer is the same — flags are internal.
 */
export async function submitRegistration(ctx: UseCaseContext, input: SubmitRegistrationInput): Promise<RegistrationView> {
  const kind = actorKindOf(ctx);
  let partnerId: string;
  if (kind === 'partner') {
    assertCan(ctx.actor, 'portal.registration.write');
    // A partner registers for itself only; the partner is never taken from the request.
    if (input.partnerId !== undefined && input.partnerId !== ctx.actor.partnerId) throw invalidField('partnerId', 'is not writable');
    partnerId = ctx.actor.partnerId!;
  } else {
    assertCan(ctx.actor, 'registration.submit');
    if (input.partnerId === undefined) throw invalidField('partnerId', 'required: the partner this registration is for');
    partnerId = input.partnerId;
  }
  return inTransaction(ctx, async (trx) => {
    const now = ctx.clock.now();
    const policy = await channelPolicy(trx);
    await validateRegistrationFields(trx, input, policy, isoDate(now));

    // The partner row is the lock that serialises this partner's submissions, so the cap cannot be overrun.
    const partner = await trx
      .selectFrom('partners')
      .select(['id', 'status', 'tier', 'registration_cap'])
      .where('id', '=', partnerId)
      .forUpdate()
      .executeTakeFirst();
    if (!partner) throw invalidField('partnerId', 'no such partner');
    if (partner.status !== 'active') throw new AppError('rule_violation', `The partner is ${partner.status}; it cannot register deals.`);
    const tier = await trx
      .selectFrom('partner_tiers')
      .select('registration_cap')
      .where('code', '=', partner.tier)
      .executeTakeFirstOrThrow();
    const cap = partner.registration_cap ?? tier.registration_cap;

    const fields = {
      partner_id: partnerId,
      submitted_by: actorOf(ctx).id,
      reference: input.reference ?? null,
      customer_name: input.customerName,
      customer_domain: input.customerDomain ?? null,
      customer_country: input.customerCountry ?? null,
      customer_region: input.customerRegion ?? null,
      customer_postal_code: input.customerPostalCode ?? null,
      customer_phone: input.customerPhone ?? null,
      product_line: input.productLine,
      amount_minor: input.amountMinor,
      currency: input.currency ?? 'USD',
      expected_close_date: input.expectedCloseDate,
      description: input.description ?? null,
      created_at: now,
      updated_at: now,
    };
    // The partner's own data (its count, its references, the new row) is read and written behind the wall.
    const scoped = async <T>(work: Parameters<typeof asPartner<T>>[2]) =>
      kind === 'partner' ? asPartner(trx, partnerId, work) : work(trx);
    const { id } = await scoped(async (t) => {
      const { active } = await t
        .selectFrom('registrations')
        .select((eb) => eb.fn.countAll<string>().as('active'))
        .where('partner_id', '=', partnerId)
        .where('status', 'in', [...ACTIVE_STATUSES])
        .executeTakeFirstOrThrow();
      if (Number(active) >= cap) throw new AppError('conflict', 'Registration cap reached for your tier');
      if (fields.reference !== null) {
        const taken = await t
          .selectFrom('registrations')
          .select('id')
          .where('partner_id', '=', partnerId)
          .where('reference', '=', fields.reference)
          .executeTakeFirst();
        if (taken) throw new AppError('conflict', 'You already used this reference.', [{ path: 'reference', message: 'already used' }]);
      }
      return t.insertInto('registrations').values(fields).returning('id').executeTakeFirstOrThrow();
    });

    await matchAccount(
      trx,
      ctx,
      {
        type: 'registration',
        id,
        name: input.customerName,
        domain: fields.customer_domain,
        country: fields.customer_country,
        region: fields.customer_region,
        postalCode: fields.customer_postal_code,
        phone: fields.customer_phone,
      },
      { createIfNone: true },
    );
    const match = await trx
      .selectFrom('account_matches')
      .selectAll()
      .where('subject_type', '=', 'registration')
      .where('subject_id', '=', id)
      .executeTakeFirstOrThrow();
    const accountId = match.account_id!;
    const flags = await assessConflicts(trx, { partnerId, accountId, productLine: input.productLine, selfId: id });
    const row = await trx
      .updateTable('registrations')
      .set({
        account_id: accountId,
        flags: JSON.stringify(flags),
        match: JSON.stringify({
          matchId: match.id,
          method: match.method,
          score: Number(match.score),
          nearMatchId: match.near_match_id,
          createdAccount: match.created_account,
        }),
        status: 'under_review',
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordChange(trx, ctx, {
      event: 'registration.submitted',
      entityType: 'registration',
      entityId: id,
      after: { ...registrationView(row), status: 'submitted' },
    });
    await startReview(trx, ctx, row, flags, policy);
    return registrationView(await trx.selectFrom('registrations').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
  });
}
