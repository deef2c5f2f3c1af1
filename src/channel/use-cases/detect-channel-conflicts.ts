import { assertCan } from '../../platform/access/can.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { type ConflictCandidate, findConflictCandidates, coveredByCase } from '../conflict-store.js';
import { openConflictCase } from '../open-conflict-case.js';

/** Each scan looks back this far past the previous horizon, for acts whose transactions committed late. */
export const SCAN_OVERLAP_MS = 10 * 60_000;

export type ScanResult = { scannedFrom: string | null; scannedThrough: string; candidates: number; opened: number; openedIds: string[] };

const describe = (c: ConflictCandidate): string => {
  switch (c.kind) {
    case 'direct_opportunity_on_partner_account':
      return `Direct opportunity “${c.subject}” opened on ${c.accountName}, which ${c.partnerName} holds through the channel.`;
    case 'direct_activity_on_partner_account':
      return `Direct activity (${c.subject}) logged on ${c.accountName}, which ${c.partnerName} holds through the channel.`;
    default:
      return `${c.partnerName} holds an approved registration on ${c.accountName}, which has an open direct opportunity “${c.subject}”.`;
  }
};

/**
 * Continuous conflict detection (every minute, and on demand): opens one routed conflict case per colliding
 * act. The scan state row is locked for the whole scan, so two scans never interleave; a repeated scan over
 * the same acts opens nothing new (one case per act and account). Direct activity on an account that already
 * has a case for the same partner that was open at the time adds nothing — that case is where the collision is handled.
 */
export async function detectChannelConflicts(ctx: UseCaseContext): Promise<ScanResult> {
  assertCan(ctx.actor, 'conflict.resolve');
  return inTransaction(ctx, async (trx) => {
    const state = await trx.selectFrom('conflict_scan_state').selectAll().forUpdate().executeTakeFirstOrThrow();
    const until = ctx.clock.now();
    const since = state.scanned_through ? new Date(state.scanned_through.getTime() - SCAN_OVERLAP_MS) : null;
    const candidates = await findConflictCandidates(trx, since, until);
    const openedIds: string[] = [];
    for (const c of candidates) {
      if (c.kind === 'direct_activity_on_partner_account' && (await coveredByCase(trx, c.accountId, c.partnerId, c.at))) continue;
      const opened = await openConflictCase(trx, ctx, {
        accountId: c.accountId,
        kind: c.kind,
        partnerId: c.partnerId,
        registrationId: c.registrationId,
        sourceType: c.sourceType,
        sourceId: c.sourceId,
        detail: describe(c),
      });
      if (opened) openedIds.push(opened.id);
    }
    const through = state.scanned_through && state.scanned_through > until ? state.scanned_through : until;
    await trx.updateTable('conflict_scan_state').set({ scanned_through: through, last_run_at: until, last_opened: openedIds.length }).execute();
    return { scannedFrom: since?.toISOString() ?? null, scannedThrough: until.toISOString(), candidates: candidates.length, opened: openedIds.length, openedIds };
  });
}
