import type { Selectable } from 'kysely';
import { assertCan } from '../../platform/access/can.js';
import type { Database } from '../../platform/db/database.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { routingPolicy } from '../store.js';

export const routingPolicyView = (p: Selectable<Database['routing_policy']>) => ({
  publishRequiresApproval: p.publish_requires_approval,
  overrideApprovalCrossTeam: p.override_approval_cross_team,
  overrideApprovalMinAmount: p.override_approval_min_amount === null ? null : Number(p.override_approval_min_amount),
  defaultSlaHours: Number(p.default_sla_hours),
  dueSoonHours: Number(p.due_soon_hours),
  version: p.version,
  updatedAt: p.updated_at.toISOString(),
});
export type RoutingPolicyView = ReturnType<typeof routingPolicyView>;

export async function getRoutingPolicy(ctx: UseCaseContext): Promise<RoutingPolicyView> {
  assertCan(ctx.actor, 'routing.configure');
  return routingPolicyView(await routingPolicy(ctx.db));
}
