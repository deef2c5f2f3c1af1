import { assertCan } from '../../platform/access/can.js';
import { notFound } from '../../platform/errors.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import type { Rule } from '../core/ruleset.js';
import { findRuleset } from '../store.js';
import type { RulesetView } from '../views.js';
import { insertDraft } from './create-ruleset.js';

/** The next version starts as a copy of any earlier one (usually the published one); rule ids carry over. */
export async function copyRuleset(ctx: UseCaseContext, request: { rulesetId: string; name?: string }): Promise<RulesetView> {
  assertCan(ctx.actor, 'ruleset.write');
  return inTransaction(ctx, async (trx) => {
    const source = await findRuleset(trx, request.rulesetId);
    if (!source) throw notFound('rule set');
    return insertDraft(trx, ctx, { recordType: source.record_type, name: request.name ?? source.name, rules: source.rules as unknown as Rule[], copiedFrom: `version ${source.number}` });
  });
}
