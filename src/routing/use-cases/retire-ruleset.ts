import { assertCan } from '../../platform/access/can.js';
import { AppError } from '../../platform/errors.js';
import { assertVersion } from '../../platform/http/etag.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { type RulesetView, rulesetView } from '../views.js';
import { lockRuleset } from './publish-ruleset.js';

/**
 * Takes a version out of use. Retiring the live version leaves the record type without rules: new records
 * then wait in the Unassigned queue (reason `no_ruleset`) — visible, never silently dropped.
 */
export async function retireRuleset(ctx: UseCaseContext, request: { rulesetId: string; expectedVersion: number; reason: string }): Promise<RulesetView> {
  assertCan(ctx.actor, 'ruleset.publish');
  return inTransaction(ctx, async (trx) => {
    const current = await lockRuleset(trx, request.rulesetId);
    assertVersion(current.version, request.expectedVersion);
    if (current.status === 'retired') throw new AppError('rule_violation', 'This version is already retired.', [{ path: 'status', message: current.status }]);
    const now = ctx.clock.now();
    const row = await trx.updateTable('rulesets').set({ status: 'retired', retired_at: now, version: current.version + 1, updated_at: now }).where('id', '=', current.id).returningAll().executeTakeFirstOrThrow();
    const after = rulesetView(row);
    await recordChange(trx, ctx, { event: 'ruleset.retired', entityType: 'ruleset', entityId: row.id, reason: request.reason, before: rulesetView(current), after });
    return after;
  });
}
