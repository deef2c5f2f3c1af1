import { assertCan } from '../../platform/access/can.js';
import { AppError } from '../../platform/errors.js';
import { assertVersion } from '../../platform/http/etag.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, actorOf, inTransaction } from '../../platform/use-case-context.js';
import { notify } from '../append-assignment.js';
import { type RulesetView, rulesetView } from '../views.js';
import { lockRuleset } from './publish-ruleset.js';

/** An approver sends a submitted version back to draft with the reason; the author fixes and resubmits. */
export async function returnRuleset(ctx: UseCaseContext, request: { rulesetId: string; expectedVersion: number; reason: string }): Promise<RulesetView> {
  assertCan(ctx.actor, 'ruleset.publish');
  return inTransaction(ctx, async (trx) => {
    const pending = await lockRuleset(trx, request.rulesetId);
    assertVersion(pending.version, request.expectedVersion);
    if (pending.status !== 'pending_approval') throw new AppError('rule_violation', `Only a version awaiting approval can be returned; this one is ${pending.status}.`, [{ path: 'status', message: pending.status }]);
    const row = await trx
      .updateTable('rulesets')
      .set({ status: 'draft', submitted_by: null, version: pending.version + 1, updated_at: ctx.clock.now() })
      .where('id', '=', pending.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const after = rulesetView(row);
    await recordChange(trx, ctx, { event: 'ruleset.returned', entityType: 'ruleset', entityId: row.id, reason: request.reason, before: rulesetView(pending), after });
    if (pending.submitted_by) {
      await notify(trx, ctx, { userId: pending.submitted_by, kind: 'approval_decided', recordType: 'ruleset', recordId: pending.id, title: `Rule set v${pending.number} returned`, body: `${actorOf(ctx).label}: ${request.reason}` });
    }
    return after;
  });
}
