import { assertCan } from '../../platform/access/can.js';
import { AppError } from '../../platform/errors.js';
import { assertVersion } from '../../platform/http/etag.js';
import { type UseCaseContext, actorOf, inTransaction } from '../../platform/use-case-context.js';
import { notify } from '../append-assignment.js';
import type { Rule } from '../core/ruleset.js';
import { assertValidRules } from '../ruleset-checks.js';
import type { RulesetView } from '../views.js';
import { lockRuleset, putLive } from './publish-ruleset.js';

/** The second approver puts a submitted version live; never the person who submitted it. */
export async function approveRuleset(ctx: UseCaseContext, request: { rulesetId: string; expectedVersion: number }): Promise<RulesetView> {
  assertCan(ctx.actor, 'ruleset.publish');
  return inTransaction(ctx, async (trx) => {
    const pending = await lockRuleset(trx, request.rulesetId);
    assertVersion(pending.version, request.expectedVersion);
    if (pending.status !== 'pending_approval') throw new AppError('rule_violation', `Only a version awaiting approval can be approved; this one is ${pending.status}.`, [{ path: 'status', message: pending.status }]);
    const approver = actorOf(ctx);
    if (approver.id !== null && approver.id === pending.submitted_by) throw new AppError('forbidden', 'You submitted this version; someone else must approve it.');
    // Pools, queues or users may have gone since it was submitted.
    await assertValidRules(trx, pending.record_type, pending.rules as unknown as Rule[], { forPublish: true });
    const published = await putLive(trx, ctx, pending, approver.id);
    if (pending.submitted_by) {
      await notify(trx, ctx, { userId: pending.submitted_by, kind: 'approval_decided', recordType: 'ruleset', recordId: pending.id, title: `Rule set v${pending.number} published`, body: `${approver.label} approved "${pending.name}".` });
    }
    return published;
  });
}
