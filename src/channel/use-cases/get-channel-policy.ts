import { assertCan } from '../../platform/access/can.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { type ChannelPolicy, channelPolicy } from '../channel-context.js';

export async function getChannelPolicy(ctx: UseCaseContext): Promise<ChannelPolicy> {
  assertCan(ctx.actor, 'partner.read');
  return channelPolicy(ctx.db);
}
