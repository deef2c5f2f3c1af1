import { assertCan } from '../../platform/access/can.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import type { MatchDecision } from '../../routing/core/account-matching.js';
import { readOnly } from '../../routing/simulation.js';
import { findAccountMatch } from '../match-account.js';
import type { MatchPreviewInput } from '../match-schemas.js';

export type MatchPreview = Omit<MatchDecision, 'evidence'> & {
  evidence: MatchDecision['evidence'];
  wouldCreateAccount: boolean;
  wouldNeedReview: boolean;
};

/**
 * `POST /accounts/match`: the match an identity would get right now — the same code `matchAccount` runs, in a
 * read-only transaction that is rolled back. Nothing is written, not even the match row.
 */
export async function previewAccountMatch(ctx: UseCaseContext, input: MatchPreviewInput): Promise<MatchPreview> {
  assertCan(ctx.actor, 'record.read');
  const decision = await readOnly(ctx.db, (trx) => findAccountMatch(trx, input));
  return {
    ...decision,
    wouldCreateAccount: decision.accountId === null,
    wouldNeedReview: decision.accountId === null && decision.nearMatchId !== null,
  };
}
