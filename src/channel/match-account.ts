import { sql } from 'kysely';
import type { Executor, Trx } from '../platform/db/database.js';
import { unnestInsert } from '../platform/db/unnest-insert.js';
import { recordChange } from '../platform/record-change.js';
import type { UseCaseContext } from '../platform/use-case-context.js';
import { type MatchDecision, type MatchIdentity, decideMatch, evidenceDomain } from '../routing/core/account-matching.js';
import { insertAccount } from '../routing/use-cases/create-account.js';
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
export async function findAccountMatch(trx: Executor, identity: MatchIdentity): Promise<MatchDecision> {
  const { domain } = evidenceDomain(identity);
  const { normalizedName, thresholds, candidates } = await findMatchCandidates(trx, { name: identity.name, domain });
  return decideMatch(identity, candidates, thresholds, normalizedName);
}

/**
 * Matches a lead or a registration to an account in the caller's transaction and stores the outcome (one
 * `account_matches` row per subject; a repeated match of the same subject replaces it) with its evidence,
 * audited as `account.match_recorded`. With `createIfNone`, no match creates the account through routing's
 * own creation path (audited, routed like any other), flagged `needs_review` when a near match exists.
 * Runs as the internal role: call it outside `asPartner` (accounts are behind the partner wall).
 */
export async function matchAccount(
  trx: Trx,
  ctx: UseCaseContext,
  subject: MatchSubject,
  /** `decision`: the match already found by `findAccountMatch` (which only reads), e.g. before a batch began. */
  options: { createIfNone: boolean; decision?: MatchDecision },
): Promise<AccountMatchResult> {
  const { type, id, ...identity } = subject;
  const decision = options.decision ?? (await findAccountMatch(trx, identity));
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
  // The previous match of this subject (for the audit's before) and the upsert, in one statement.
  const { rows } = await sql<{
    previous: { account_id: string | null; method: string; score: number; near_match_id: string | null; created_account: boolean } | null;
  }>`
    with previous as (
      select account_id, method, score, near_match_id, created_account from account_matches
      where subject_type = ${type} and subject_id = ${id} for update
    )
    insert into account_matches (subject_type, subject_id, account_id, method, score, evidence, near_match_id, created_account, created_at)
    values (${type}, ${id}, ${accountId}, ${decision.method}, ${decision.score}, ${JSON.stringify(evidence)}::jsonb, ${decision.nearMatchId}, ${createdAccount}, ${now})
    on conflict (subject_type, subject_id) do update
      set account_id = excluded.account_id, method = excluded.method, score = excluded.score, evidence = excluded.evidence,
          near_match_id = excluded.near_match_id, created_account = excluded.created_account, created_at = excluded.created_at
    returning (select row_to_json(previous) from previous) as previous`.execute(trx);
  const previous = rows[0]?.previous ?? null;
  await recordChange(trx, ctx, {
    event: 'account.match_recorded',
    entityType: type,
    entityId: id,
    reason: decision.evidence.summary,
    before: previous
      ? {
          accountId: previous.account_id,
          method: previous.method,
          score: Number(previous.score),
          nearMatchId: previous.near_match_id,
          createdAccount: previous.created_account,
        }
      : null,
    after: matchAfter(decision, accountId, createdAccount),
  });
  return { accountId, method: decision.method, score: decision.score, evidence, createdAccount, nearMatchId: decision.nearMatchId };
}

const matchAfter = (decision: MatchDecision, accountId: string | null, createdAccount: boolean) => ({
  accountId,
  method: decision.method,
  score: decision.score,
  nearMatchId: decision.nearMatchId,
  createdAccount,
  candidates: decision.evidence.candidates.length,
});

type NewMatch = { ctx: UseCaseContext; type: MatchSubject['type']; id: string; decision: MatchDecision };

/**
 * The matches of subjects created in this transaction (so none has an earlier match to replace), already found
 * by `findAccountMatch`: one insert for all of them, each audited as its own caller. Never creates an account.
 */
export async function recordNewMatches(trx: Trx, matches: NewMatch[]): Promise<void> {
  if (matches.length === 0) return;
  await newMatchesInsert(trx, matches).execute();
  await auditNewMatches(trx, matches);
}

/** The insert of `recordNewMatches`, for a caller that sends it together with other statements (then audit them). */
export const newMatchesInsert = (trx: Trx, matches: NewMatch[]) =>
  unnestInsert(
    trx,
    'account_matches',
    {
      subject_type: 'text',
      subject_id: 'uuid',
      account_id: 'uuid',
      method: 'text',
      score: 'numeric',
      evidence: 'jsonb',
      near_match_id: 'uuid',
      created_account: 'bool',
      created_at: 'timestamptz',
    },
    matches.map(({ ctx, type, id, decision }) => ({
      subject_type: type,
      subject_id: id,
      account_id: decision.accountId,
      method: decision.method,
      score: decision.score,
      evidence: JSON.stringify(decision.evidence),
      near_match_id: decision.nearMatchId,
      created_account: false,
      created_at: ctx.clock.now(),
    })),
  );

export async function auditNewMatches(trx: Trx, matches: NewMatch[]): Promise<void> {
  for (const { ctx, type, id, decision } of matches)
    await recordChange(trx, ctx, {
      event: 'account.match_recorded',
      entityType: type,
      entityId: id,
      reason: decision.evidence.summary,
      before: null,
      after: matchAfter(decision, decision.accountId, false),
    });
}
