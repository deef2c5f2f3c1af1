import { sql } from 'kysely';
import { assertCan } from '../../platform/access/can.js';
import type { Trx } from '../../platform/db/database.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, actorOf, inTransaction } from '../../platform/use-case-context.js';
import type { Rule } from '../core/ruleset.js';
import { assertValidRules, withRuleIds } from '../ruleset-checks.js';
import type { CreateRulesetInput } from '../schemas.js';
import { type RulesetView, rulesetView } from '../views.js';

/** A new draft version. Drafts may be incomplete (no catch-all yet) but never refer to things that do not exist. */
export async function createRuleset(ctx: UseCaseContext, input: CreateRulesetInput): Promise<RulesetView> {
  assertCan(ctx.actor, 'ruleset.write');
  return inTransaction(ctx, (trx) => insertDraft(trx, ctx, { recordType: input.recordType, name: input.name, rules: input.rules }));
}

export async function insertDraft(trx: Trx, ctx: UseCaseContext, draft: { recordType: string; name: string; rules: Rule[]; copiedFrom?: string }): Promise<RulesetView> {
  const rules = withRuleIds(draft.rules);
  await assertValidRules(trx, draft.recordType, rules, { forPublish: false });
  // Version numbers are per record type and gap-free; serialise their allocation.
  await sql`select pg_advisory_xact_lock(hashtext(${`rulesets:${draft.recordType}`}))`.execute(trx);
  const { next } = await trx.selectFrom('rulesets').select((eb) => eb(eb.fn.coalesce(eb.fn.max('number'), eb.lit(0)), '+', 1).as('next')).where('record_type', '=', draft.recordType as never).executeTakeFirstOrThrow();
  const now = ctx.clock.now();
  const row = await trx
    .insertInto('rulesets')
    .values({ record_type: draft.recordType as never, name: draft.name, number: Number(next), status: 'draft', rules: JSON.stringify(rules), author_id: actorOf(ctx).id, created_at: now, updated_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
  const view = rulesetView(row);
  await recordChange(trx, ctx, { event: 'ruleset.created', entityType: 'ruleset', entityId: row.id, reason: draft.copiedFrom ? `copied from ${draft.copiedFrom}` : undefined, after: view });
  return view;
}
