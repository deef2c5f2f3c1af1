import { assertCan } from '../../platform/access/can.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { locationView } from '../views.js';

export async function listLocations(ctx: UseCaseContext) {
  assertCan(ctx.actor, 'order.read');
  return { items: (await ctx.db.selectFrom('locations').selectAll().orderBy('code').limit(1000).execute()).map(locationView), nextCursor: null };
}
