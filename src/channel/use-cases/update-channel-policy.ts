import { assertCan } from '../../platform/access/can.js';
import { invalidField } from '../../platform/errors.js';
import { assertVersion } from '../../platform/http/etag.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { type ChannelPolicy, channelPolicy } from '../channel-context.js';
import type { UpdateChannelPolicyInput } from '../schemas/partners.js';

/**
 * The programme's numbers. Single fields are bounded by the schema (the database CHECKs); relations
 * between fields are checked here against the merged result, naming the field that was sent.
 */
export async function updateChannelPolicy(ctx: UseCaseContext, options: { expectedVersion: number; changes: UpdateChannelPolicyInput }): Promise<ChannelPolicy> {
  assertCan(ctx.actor, 'channel.configure');
  const { reason, ...changes } = options.changes;
  return inTransaction(ctx, async (trx) => {
    await trx.selectFrom('channel_policy').select('id').forUpdate().executeTakeFirstOrThrow();
    const before = await channelPolicy(trx);
    assertVersion(before.version, options.expectedVersion);
    const merged = { ...before, ...changes };
    if (merged.hardCapDays < merged.inactivityDays) {
      throw invalidField(changes.hardCapDays !== undefined ? 'hardCapDays' : 'inactivityDays', 'the hard cap must be at least the inactivity window');
    }
    if (merged.nearMatchThreshold > merged.nameMatchThreshold) {
      throw invalidField(changes.nearMatchThreshold !== undefined ? 'nearMatchThreshold' : 'nameMatchThreshold', 'the near-match threshold must not exceed the name-match threshold');
    }
    await trx
      .updateTable('channel_policy')
      .set({
        ...(changes.inactivityDays !== undefined && { inactivity_days: changes.inactivityDays }),
        ...(changes.hardCapDays !== undefined && { hard_cap_days: changes.hardCapDays }),
        ...(changes.warnDaysBefore !== undefined && { warn_days_before: changes.warnDaysBefore }),
        ...(changes.reviewSlaHours !== undefined && { review_sla_hours: changes.reviewSlaHours }),
        ...(changes.conflictSlaHours !== undefined && { conflict_sla_hours: changes.conflictSlaHours }),
        ...(changes.decisionSlaHours !== undefined && { decision_sla_hours: changes.decisionSlaHours }),
        ...(changes.nameMatchThreshold !== undefined && { name_match_threshold: changes.nameMatchThreshold }),
        ...(changes.nearMatchThreshold !== undefined && { near_match_threshold: changes.nearMatchThreshold }),
        ...(changes.paperMinActive !== undefined && { paper_min_active: changes.paperMinActive }),
        ...(changes.paperMaxWinRate !== undefined && { paper_max_win_rate: changes.paperMaxWinRate }),
        ...(changes.paperWindowDays !== undefined && { paper_window_days: changes.paperWindowDays }),
        ...(changes.maxAmountMinor !== undefined && { max_amount_minor: changes.maxAmountMinor }),
        version: before.version + 1,
        updated_at: ctx.clock.now(),
      })
      .execute();
    const after = await channelPolicy(trx);
    await recordChange(trx, ctx, { event: 'channel_policy.updated', entityType: 'channel_policy', entityId: 'channel_policy', reason, before, after });
    return after;
  });
}
