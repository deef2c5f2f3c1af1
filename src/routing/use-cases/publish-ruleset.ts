import type { Selectable } from 'kysely';
import { assertCan } from '../../platform/access/can.js';
import { rolePermissions } from '../../platform/access/permissions.js';
import type { Database, Role, Trx } from '../../platform/db/database.js';
import { AppError, notFound } from '../../platform/errors.js';
import { assertVersion } from '../../platform/http/etag.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, actorOf, inTransaction } from '../../platform/use-case-context.js';
import { notify } from '../append-assignment.js';
import type { Rule } from '../core/ruleset.js';
import { assertValidRules } from '../ruleset-checks.js';
import { routingPolicy } from '../store.js';
import { type RulesetView, rulesetView } from '../views.js';

type RulesetRow = Selectable<Database['rulesets']>;
export type PublishOutcome = { ruleset: RulesetView; pendingApproval: boolean };

/**
 * Puts a draft live — or, when the routing policy asks for a second pair of eyes, submits it for approval
 * (the author can never approve their own version). Publishing needs a catch-all rule, so no record can
 * fall through a published rule set.
 */
export async function publishRuleset(ctx: UseCaseContext, request: { rulesetId: string; expectedVersion: number }): Promise<PublishOutcome> {
  assertCan(ctx.actor, 'ruleset.write');
  return inTransaction(ctx, async (trx) => {
    const draft = await lockRuleset(trx, request.rulesetId);
    assertVersion(draft.version, request.expectedVersion);
    if (draft.status !== 'draft') throw new AppError('rule_violation', `Only a draft can be published; this version is ${draft.status}.`, [{ path: 'status', message: draft.status }]);
    await assertValidRules(trx, draft.record_type, draft.rules as unknown as Rule[], { forPublish: true });
    const policy = await routingPolicy(trx);
    if (!policy.publish_requires_approval) {
      assertCan(ctx.actor, 'ruleset.publish');
      return { ruleset: await putLive(trx, ctx, draft, null), pendingApproval: false };
    }
    const submitter = actorOf(ctx);
    const row = await trx
      .updateTable('rulesets')
      .set({ status: 'pending_approval', submitted_by: submitter.id, version: draft.version + 1, updated_at: ctx.clock.now() })
      .where('id', '=', draft.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const after = rulesetView(row);
    await recordChange(trx, ctx, { event: 'ruleset.submitted', entityType: 'ruleset', entityId: row.id, before: rulesetView(draft), after });
    for (const approverId of await approvers(trx, submitter.id)) {
      await notify(trx, ctx, {
        userId: approverId,
        kind: 'approval_needed',
        recordType: 'ruleset',
        recordId: row.id,
        title: `Approve ${row.record_type} rule set v${row.number}`,
        body: `${submitter.label} submitted "${row.name}" for publishing.`,
      });
    }
    return { ruleset: after, pendingApproval: true };
  });
}

export async function lockRuleset(trx: Trx, id: string): Promise<RulesetRow> {
  const row = await trx.selectFrom('rulesets').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) throw notFound('rule set');
  return row;
}

/** Retires the live version of the record type and publishes this one, in the caller's transaction. */
export async function putLive(trx: Trx, ctx: UseCaseContext, next: RulesetRow, approvedBy: string | null): Promise<RulesetView> {
  const now = ctx.clock.now();
  const live = await trx.selectFrom('rulesets').selectAll().where('record_type', '=', next.record_type).where('status', '=', 'published').forUpdate().executeTakeFirst();
  if (live) {
    const retired = await trx.updateTable('rulesets').set({ status: 'retired', retired_at: now, version: live.version + 1, updated_at: now }).where('id', '=', live.id).returningAll().executeTakeFirstOrThrow();
    await recordChange(trx, ctx, { event: 'ruleset.retired', entityType: 'ruleset', entityId: live.id, reason: `replaced by version ${next.number}`, before: rulesetView(live), after: rulesetView(retired) });
  }
  const row = await trx
    .updateTable('rulesets')
    .set({ status: 'published', published_at: now, approved_by: approvedBy, version: next.version + 1, updated_at: now })
    .where('id', '=', next.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const after = rulesetView(row);
  await recordChange(trx, ctx, { event: 'ruleset.published', entityType: 'ruleset', entityId: row.id, reason: live ? `replaces version ${live.number}` : undefined, before: rulesetView(next), after });
  return after;
}

async function approvers(trx: Trx, except: string | null): Promise<string[]> {
  const roles = (Object.keys(rolePermissions) as Role[]).filter((role) => rolePermissions[role].includes('ruleset.publish'));
  let q = trx.selectFrom('users').select('id').where('role', 'in', roles).where('status', '=', 'active');
  if (except) q = q.where('id', '!=', except);
  return (await q.execute()).map((u) => u.id);
}
