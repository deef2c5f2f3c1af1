import type { Trx } from '../platform/db/database.js';
import { recordChange } from '../platform/record-change.js';
import type { UseCaseContext } from '../platform/use-case-context.js';
import { type MatchDecision, type MatchIdentity, decideMatch, evidenceDomain } from '../routing/core/account-matching.js';
import { insertAccount } from '../routing/use-cases/create-account.js';
import { channelPolicy } from './channel-context.js';
import { findMatchCandidates } from './match-store.js';

export type MatchSubject = {
  type: 'lead' | 'registration';
  id: string;
  name: string;
  domain?: string | null;
  email?: string | null;
  country?: string | null;
  region?: string | null;
  postalCode?: string | null;
  phone?: string | null;
};

export type AccountMatchResult = {
  accountId: string | null;
  method: 'domain' | 'name' | 'none';
  score: number;
  evidence: Record<string, unknown>;
  createdAccount: boolean;
  nearMatchId: string | null;
};

/**
 * The match an identity would get, reading only: candidates from the store, the decision from the pure core,
 * thresholds from channel policy. `matchAccount` and the preview endpoint both use exactly this.
 */
export async function findAccountMatch(trx: Trx, identity: MatchIdentity): Promise<MatchDecision> {
  const policy = await channelPolicy(trx);
  const { domain } = evidenceDomain(identity);
  const threshold = Math.min(policy.nearMatchThreshold, policy.nameMatchThreshold);
  const { normalizedName, candidates } = await findMatchCandidates(trx, { name: identity.name, domain }, threshold);
  return decideMatch(identity, candidates, { nameMatchThreshold: policy.nameMatchThreshold, nearMatchThreshold: policy.nearMatchThreshold }, normalizedName);
}

/**
 * Matches a lead or a registration to an account in the caller's transaction and stores the outcome (one
 * `account_matches` row per subject; a repeated match of the same subject replaces it) with its evidence,
 * audited as `account.match_recorded`. With `createIfNone`, no match creates the account through routing's
 * own creation path (audited, routed like any other), flagged `needs_review` when a near match exists.
 * Runs as the internal role: call it outside `asPartner` (accounts are behind the partner wall).
 */
export async function matchAccount(trx: Trx, ctx: UseCaseContext, subject: MatchSubject, options: { createIfNone: boolean }): Promise<AccountMatchResult> {
  const { type, id, ...identity } = subject;
  const decision = await findAccountMatch(trx, identity);
  let accountId = decision.accountId;
  let createdAccount = false;
  if (!accountId && options.createIfNone) {
    const created = await insertAccount(trx, ctx, {
      name: identity.name.trim(),
      domain: decision.evidence.subject.domain,
      country: identity.country ?? null,
      region: identity.region ?? null,
      postalCode: identity.postalCode ?? null,
      phone: identity.phone ?? null,
      needsReview: decision.nearMatchId !== null,
    });
    accountId = created.id;
    createdAccount = true;
  }
  const evidence = decision.evidence as unknown as Record<string, unknown>;
  const now = ctx.clock.now();
  const values = {
    account_id: accountId,
    method: decision.method,
    score: decision.score,
    evidence: JSON.stringify(evidence),
    near_match_id: decision.nearMatchId,
    created_account: createdAccount,
    created_at: now,
  };
  const previous = await trx
    .selectFrom('account_matches')
    .select(['account_id', 'method', 'score', 'near_match_id', 'created_account'])
    .where('subject_type', '=', type)
    .where('subject_id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  await trx
    .insertInto('account_matches')
    .values({ subject_type: type, subject_id: id, ...values })
    .onConflict((oc) => oc.columns(['subject_type', 'subject_id']).doUpdateSet(values))
    .execute();
  await recordChange(trx, ctx, {
    event: 'account.match_recorded',
    entityType: type,
    entityId: id,
    reason: decision.evidence.summary,
    before: previous
      ? { accountId: previous.account_id, method: previous.method, score: Number(previous.score), nearMatchId: previous.near_match_id, createdAccount: previous.created_account }
      : null,
    after: { accountId, method: decision.method, score: decision.score, nearMatchId: decision.nearMatchId, createdAccount, candidates: decision.evidence.candidates.length },
  });
  return { accountId, method: decision.method, score: decision.score, evidence, createdAccount, nearMatchId: decision.nearMatchId };
}
