import { assertCan } from '../../platform/access/can.js';
import type { Trx } from '../../platform/db/database.js';
import { asPartner } from '../../platform/db/partner-scope.js';
import { assertVersion } from '../../platform/http/etag.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { channelPolicy } from '../channel-context.js';
import { matchAccount } from '../match-account.js';
import { assertTransition, assessConflicts, startReview, validateRegistrationFields } from '../registration-review.js';
import type { ResubmitRegistrationInput } from '../registration-schemas.js';
import { type RegistrationView, actorKindOf, isoDate, lockRegistration, registrationView } from '../registration-store.js';

const IDENTITY = ['customerName', 'customerDomain', 'customerCountry', 'customerRegion', 'customerPostalCode', 'customerPhone'] as const;

/**
 * The partner answers a request for information: its changes (partner-writable fields only) are applied
 * behind the partner wall, then the checks run again — matching when the customer's identity changed,
 * conflicts, and review routing — exactly as on first submission.
 */
export async function resubmitRegistration(
  ctx: UseCaseContext,
  request: { registrationId: string; expectedVersion: number; input: ResubmitRegistrationInput },
): Promise<RegistrationView> {
  const kind = actorKindOf(ctx);
  assertCan(ctx.actor, kind === 'partner' ? 'portal.registration.write' : 'registration.submit');
  const { input } = request;
  return inTransaction(ctx, async (trx) => {
    const now = ctx.clock.now();
    const row = await lockRegistration(trx, ctx, request.registrationId);
    assertVersion(row.version, request.expectedVersion);
    assertTransition(row, 'resubmit', kind);
    const policy = await channelPolicy(trx);
    const merged = {
      customerName: input.customerName ?? row.customer_name,
      customerDomain: input.customerDomain !== undefined ? input.customerDomain : row.customer_domain,
      customerCountry: input.customerCountry !== undefined ? input.customerCountry : row.customer_country,
      customerRegion: input.customerRegion !== undefined ? input.customerRegion : row.customer_region,
      customerPostalCode: input.customerPostalCode !== undefined ? input.customerPostalCode : row.customer_postal_code,
      customerPhone: input.customerPhone !== undefined ? input.customerPhone : row.customer_phone,
    };
    await validateRegistrationFields(
      trx,
      { ...merged, amountMinor: input.amountMinor, expectedCloseDate: input.expectedCloseDate },
      policy,
      isoDate(now),
    );
    const changes = {
      customer_name: merged.customerName,
      customer_domain: merged.customerDomain,
      customer_country: merged.customerCountry,
      customer_region: merged.customerRegion,
      customer_postal_code: merged.customerPostalCode,
      customer_phone: merged.customerPhone,
      ...(input.amountMinor !== undefined && { amount_minor: input.amountMinor }),
      ...(input.expectedCloseDate !== undefined && { expected_close_date: input.expectedCloseDate }),
      ...(input.description !== undefined && { description: input.description }),
      status: 'under_review' as const,
      version: row.version + 1,
      updated_at: now,
    };
    const write = (t: Trx) => t.updateTable('registrations').set(changes).where('id', '=', row.id).execute();
    if (kind === 'partner') await asPartner(trx, row.partner_id, write);
    else await write(trx);

    let accountId = row.account_id;
    const identityChanged = IDENTITY.some(
      (k) =>
        input[k] !== undefined &&
        merged[k] !==
          {
            customerName: row.customer_name,
            customerDomain: row.customer_domain,
            customerCountry: row.customer_country,
            customerRegion: row.customer_region,
            customerPostalCode: row.customer_postal_code,
            customerPhone: row.customer_phone,
          }[k],
    );
    let matchJson: string | undefined;
    if (identityChanged || !accountId) {
      // The customer is someone else now: match again (matchAccount replaces this subject's previous match).
      await matchAccount(
        trx,
        ctx,
        {
          type: 'registration',
          id: row.id,
          name: merged.customerName,
          domain: merged.customerDomain,
          country: merged.customerCountry,
          region: merged.customerRegion,
          postalCode: merged.customerPostalCode,
          phone: merged.customerPhone,
        },
        { createIfNone: true },
      );
      const match = await trx
        .selectFrom('account_matches')
        .selectAll()
        .where('subject_type', '=', 'registration')
        .where('subject_id', '=', row.id)
        .executeTakeFirstOrThrow();
      accountId = match.account_id;
      matchJson = JSON.stringify({
        matchId: match.id,
        method: match.method,
        score: Number(match.score),
        nearMatchId: match.near_match_id,
        createdAccount: match.created_account,
      });
    }
    const flags = await assessConflicts(trx, {
      partnerId: row.partner_id,
      accountId: accountId!,
      productLine: row.product_line,
      selfId: row.id,
    });
    const updated = await trx
      .updateTable('registrations')
      .set({
        account_id: accountId,
        flags: JSON.stringify(flags),
        info_request: null,
        ...(matchJson !== undefined && { match: matchJson }),
      })
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordChange(trx, ctx, {
      event: 'registration.resubmitted',
      entityType: 'registration',
      entityId: row.id,
      before: { status: row.status, version: row.version },
      after: { status: 'under_review', changed: Object.keys(input), rematched: matchJson !== undefined },
    });
    await startReview(trx, ctx, updated, flags, policy);
    return registrationView(await trx.selectFrom('registrations').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow());
  });
}
