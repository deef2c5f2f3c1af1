import { assertCan } from '../../platform/access/can.js';
import { AppError, notFound } from '../../platform/errors.js';
import { assertVersion } from '../../platform/http/etag.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { assertValidRules, withRuleIds } from '../ruleset-checks.js';
import type { UpdateRulesetInput } from '../schemas.js';
import { type RulesetView, rulesetView } from '../views.js';

/** Only drafts change; a published version is history and is copied to make the next one. */
export async function updateRuleset(ctx: UseCaseContext, request: { rulesetId: string; expectedVersion: number; changes: UpdateRulesetInput }): Promise<RulesetView> {
  assertCan(ctx.actor, 'ruleset.write');
  return inTransaction(ctx, async (trx) => {
    const current = await trx.selectFrom('rulesets').selectAll().where('id', '=', request.rulesetId).forUpdate().executeTakeFirst();
    if (!current) throw notFound('rule set');
    assertVersion(current.version, request.expectedVersion);
    if (current.status !== 'draft') throw new AppError('rule_violation', `Only drafts can be edited; this version is ${current.status}. Copy it to start a new draft.`, [{ path: 'status', message: current.status }]);
    const rules = request.changes.rules ? withRuleIds(request.changes.rules) : undefined;
    if (rules) await assertValidRules(trx, current.record_type, rules, { forPublish: false });
    const row = await trx
      .updateTable('rulesets')
      .set({ ...(request.changes.name !== undefined && { name: request.changes.name }), ...(rules && { rules: JSON.stringify(rules) }), version: current.version + 1, updated_at: ctx.clock.now() })
      .where('id', '=', current.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const after = rulesetView(row);
    await recordChange(trx, ctx, { event: 'ruleset.updated', entityType: 'ruleset', entityId: row.id, before: rulesetView(current), after });
    return after;
  });
}
