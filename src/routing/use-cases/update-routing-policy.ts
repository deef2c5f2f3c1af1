import type { z } from 'zod';
import { assertCan } from '../../platform/access/can.js';
import { assertVersion } from '../../platform/http/etag.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import type { RoutingPolicySchema } from '../schemas.js';
import { type RoutingPolicyView, routingPolicyView } from './get-routing-policy.js';

export async function updateRoutingPolicy(ctx: UseCaseContext, options: { expectedVersion: number; changes: z.infer<typeof RoutingPolicySchema> }): Promise<RoutingPolicyView> {
  assertCan(ctx.actor, 'routing.configure');
  const { changes } = options;
  return inTransaction(ctx, async (trx) => {
    const current = await trx.selectFrom('routing_policy').selectAll().forUpdate().executeTakeFirstOrThrow();
    assertVersion(current.version, options.expectedVersion);
    const row = await trx
      .updateTable('routing_policy')
      .set({
        ...(changes.publishRequiresApproval !== undefined && { publish_requires_approval: changes.publishRequiresApproval }),
        ...(changes.overrideApprovalCrossTeam !== undefined && { override_approval_cross_team: changes.overrideApprovalCrossTeam }),
        ...(changes.overrideApprovalMinAmount !== undefined && {
          override_approval_min_amount: changes.overrideApprovalMinAmount === null ? null : String(changes.overrideApprovalMinAmount),
        }),
        ...(changes.defaultSlaHours !== undefined && { default_sla_hours: changes.defaultSlaHours }),
        ...(changes.dueSoonHours !== undefined && { due_soon_hours: changes.dueSoonHours }),
        version: current.version + 1,
        updated_at: ctx.clock.now(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const after = routingPolicyView(row);
    await recordChange(trx, ctx, { event: 'routing_policy.updated', entityType: 'routing_policy', entityId: 'routing_policy', before: routingPolicyView(current), after });
    return after;
  });
}
