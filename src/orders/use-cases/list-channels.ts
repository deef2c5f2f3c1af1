import { assertCan } from '../../platform/access/can.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { channelView } from '../views.js';

/** Channels are a small reference list: one call returns it whole (capped). */
export async function listChannels(ctx: UseCaseContext) {
  assertCan(ctx.actor, 'order.read');
  const channels = await ctx.db.selectFrom('channels').selectAll().orderBy('code').limit(1000).execute();
  const links = await ctx.db.selectFrom('channel_locations').selectAll().orderBy('position').execute();
  return { items: channels.map((c) => channelView(c, links.filter((l) => l.channel_id === c.id).map((l) => l.location_id))), nextCursor: null };
}
