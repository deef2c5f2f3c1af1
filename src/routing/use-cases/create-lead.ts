import { randomUUID } from 'node:crypto';
import { matchAccount } from '../../channel/match-account.js';
import { assertCan } from '../../platform/access/can.js';
import { invalidField } from '../../platform/errors.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import type { CreateLeadInput } from '../schemas.js';
import { leadDomain, leadRow } from '../record-rows.js';
import { findAccount } from '../store.js';
import { type LeadView, leadView } from '../views.js';
import { insertedLeadSubject } from '../subjects.js';
import { type RoutingDecision, routeRecord } from './route-record.js';

/**
 * A new lead is routed in the same transaction: it is never visible without its first routing decision. A lead
 * without an account is first matched to one (domain, then company name with a supporting field; the match and
 * its evidence are stored) — never creating an account — so the routing that follows sees the account, and the
 * inbound guard sends a partner-owned or registered account's lead to the channel manager.
 */
export async function createLead(ctx: UseCaseContext, input: CreateLeadInput): Promise<LeadView & { assignment: RoutingDecision }> {
  assertCan(ctx.actor, 'record.write');
  return inTransaction(ctx, async (trx) => {
    if (input.accountId && !(await findAccount(trx, input.accountId))) throw invalidField('accountId', 'no such account');
    const domain = leadDomain(input);
    const id = randomUUID();
    let accountId = input.accountId ?? null;
    if (!accountId && (input.company || domain)) {
      const match = await matchAccount(
        trx,
        ctx,
        {
          type: 'lead',
          id,
          name: input.company ?? '',
          domain: input.domain,
          email: input.email,
          country: input.country,
          region: input.region,
        },
        { createIfNone: false },
      );
      accountId = match.accountId;
    }
    const now = ctx.clock.now();
    const row = await trx
      .insertInto('leads')
      .values({ id, ...leadRow(input, accountId, now) })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordChange(trx, ctx, { event: 'lead.created', entityType: 'lead', entityId: row.id, after: leadView(row) });
    const subject = await insertedLeadSubject(trx, row, now);
    const assignment = await routeRecord(trx, ctx, { recordType: 'lead', recordId: row.id, fresh: true, subject });
    const owned = assignment.assignmentId ? { owner_id: assignment.ownerId, current_assignment_id: assignment.assignmentId } : {};
    return { ...leadView({ ...row, ...owned }), assignment };
  });
}
