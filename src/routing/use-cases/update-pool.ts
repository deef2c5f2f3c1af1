import type { z } from 'zod';
import { assertCan } from '../../platform/access/can.js';
import { notFound } from '../../platform/errors.js';
import { assertVersion } from '../../platform/http/etag.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { checkPoolDefinition } from '../pool-checks.js';
import type { PoolMemberSchema, UpdatePoolInput } from '../schemas.js';
import { lockPool } from '../store.js';
import { type PoolView, poolView } from '../views.js';

export const memberRows = (poolId: string, members: Array<z.infer<typeof PoolMemberSchema>>) =>
  members.map((m, position) => ({
    pool_id: poolId,
    user_id: m.userId,
    position,
    weight: m.weight ?? 1,
    wip_cap: m.wipCap ?? null,
    rate_per_day: m.rateCap?.perDay ?? null,
    rate_per_week: m.rateCap?.perWeek ?? null,
    regions: m.regions ?? [],
    product_lines: m.productLines ?? [],
  }));

/**
 * Changing a pool keeps its fairness state for members who stay (their pointer position and credits), so
 * editing the list never resets the rotation — the complaint users have about HubSpot's rotate action.
 */
export async function updatePool(ctx: UseCaseContext, options: { poolId: string; expectedVersion: number; changes: UpdatePoolInput }): Promise<PoolView> {
  assertCan(ctx.actor, 'pool.manage');
  const { reason, ...changes } = options.changes;
  return inTransaction(ctx, async (trx) => {
    const current = await lockPool(trx, options.poolId);
    if (!current) throw notFound('pool');
    assertVersion(current.version, options.expectedVersion);
    await checkPoolDefinition(trx, current.id, changes);
    const beforeMembers = await trx.selectFrom('pool_members').selectAll().where('pool_id', '=', current.id).orderBy('position').execute();
    const row = await trx
      .updateTable('pools')
      .set({
        ...(changes.name !== undefined && { name: changes.name }),
        ...(changes.strategy !== undefined && { strategy: changes.strategy }),
        ...(changes.returnPolicy !== undefined && { return_policy: changes.returnPolicy }),
        ...(changes.useSkills !== undefined && { use_skills: changes.useSkills }),
        ...(changes.respectHours !== undefined && { respect_hours: changes.respectHours }),
        ...(changes.criteriaCaps !== undefined && { criteria_caps: JSON.stringify(changes.criteriaCaps) }),
        ...(changes.fallback !== undefined && { fallback_type: changes.fallback?.type ?? null, fallback_id: changes.fallback?.id ?? null }),
        version: current.version + 1,
        updated_at: ctx.clock.now(),
      })
      .where('id', '=', current.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    let members = beforeMembers;
    if (changes.members !== undefined) {
      await trx.deleteFrom('pool_members').where('pool_id', '=', current.id).execute();
      members = changes.members.length ? await trx.insertInto('pool_members').values(memberRows(current.id, changes.members)).returningAll().execute() : [];
    }
    const after = poolView(row, members);
    await recordChange(trx, ctx, { event: 'pool.updated', entityType: 'pool', entityId: row.id, reason: reason ?? null, before: poolView(current, beforeMembers), after });
    return after;
  });
}
