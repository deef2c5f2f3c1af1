import { type RawBuilder, sql } from 'kysely';
import type { Executor } from '../platform/db/database.js';
import type { MatchCandidate, MatchThresholds } from '../routing/core/account-matching.js';

/** How many candidates a match considers (and lists in its evidence). */
export const MATCH_CANDIDATE_LIMIT = 10;

type CandidateRow = {
  subject_normalized: string;
  name_match_threshold: string;
  near_match_threshold: string;
  id: string | null;
  name: string;
  normalized_name: string;
  similarity: number;
  domain: string | null;
  country: string | null;
  region: string | null;
  postal_code: string | null;
  phone: string | null;
  has_channel_owner: boolean;
  has_active_registration: boolean;
  created_at: Date;
};

/**
 * The candidate statement, with the channel policy's thresholds: accounts with exactly this domain (btree
 * `accounts_domain`), and the accounts whose normalised names are nearest to the subject's (`<->` on
 * `account_match_names`, a nearest-neighbour scan of its GiST trigram index — accounts itself has row-level
 * security, under which no trigram operator can use an index) and at least as similar as the lower threshold,
 * read back from accounts by id with policies applied. Domain matches first, then by similarity and the
 * tie-breakers. The subject's normalised name comes back even when nothing matches (the same
 * `baton_normalize_name` the generated column uses).
 *
 * Similarity falls as distance grows, so "the nearest n, then those above the threshold" is exactly "the nearest
 * n above the threshold" — without setting `pg_trgm.similarity_threshold` first (one statement, not two).
 * The statement is prepared once per connection (kysely.ts), so its plan must not depend on the values: the
 * normalised name is computed once (an InitPlan, which the nearest-neighbour order accepts like a constant)
 * and the hits are materialised once, then joined to accounts by primary key.
 */
export function candidateQuery(identity: { name: string; domain: string | null }, limit = MATCH_CANDIDATE_LIMIT): RawBuilder<CandidateRow> {
  const domain = identity.domain;
  const normalized = sql`(select n from subject)`;
  // Twice the limit from the index, so ties at the cut are still ordered by the tie-breakers below. The limits
  // are literals: as parameters, a generic plan would expect a tenth of all accounts and scan them.
  const nearest = sql`(select nn.id from (select m.account_id as id, m.normalized_name from account_match_names m
                                          order by m.normalized_name <-> ${normalized} limit ${sql.lit(limit * 2)}) as nn
                       where similarity(nn.normalized_name, ${normalized}) >= (select least(name_t, near_t) from subject))`;
  const hits = domain ? sql`${nearest} union all (select a.id from accounts a where a.domain = ${domain})` : nearest;
  return sql<CandidateRow>`
    with subject as materialized (
           -- One row by construction (not a scan of channel_policy), so the planner expects a handful of hits.
           select baton_normalize_name(${identity.name}) as n,
                  (select name_match_threshold from channel_policy) as name_t, (select near_match_threshold from channel_policy) as near_t),
         hit as materialized (${hits})
    select s.n as subject_normalized, s.name_t as name_match_threshold, s.near_t as near_match_threshold, c.*
    from subject s
    left join lateral (
      select a.id, a.name, a.normalized_name, similarity(a.normalized_name, s.n) as similarity, a.domain, a.country, a.region,
             a.postal_code, a.phone, a.channel_partner_id is not null as has_channel_owner,
             exists (select 1 from registrations r where r.account_id = a.id and r.status = 'approved') as has_active_registration,
             a.created_at
      from accounts a
      where a.id in (select id from hit) and a.status = 'active'
      order by ${domain ? sql`(a.domain is not distinct from ${domain}) desc,` : sql``} similarity desc, a.created_at, a.id
      limit ${sql.lit(limit)}
    ) c on true`;
}

/** Candidate accounts for an identity and the thresholds to judge them by, in one statement (see `candidateQuery`). */
export async function findMatchCandidates(
  trx: Executor,
  identity: { name: string; domain: string | null },
  limit = MATCH_CANDIDATE_LIMIT,
): Promise<{ normalizedName: string; thresholds: MatchThresholds; candidates: MatchCandidate[] }> {
  const rows = (await candidateQuery(identity, limit).execute(trx)).rows;
  const subject = rows[0]!;
  return {
    normalizedName: subject.subject_normalized,
    thresholds: { nameMatchThreshold: Number(subject.name_match_threshold), nearMatchThreshold: Number(subject.near_match_threshold) },
    candidates: rows
      .filter((r) => r.id !== null)
      .map((r) => ({
        id: r.id!,
        name: r.name,
        normalizedName: r.normalized_name,
        similarity: Number(r.similarity),
        domain: r.domain,
        country: r.country,
        region: r.region,
        postalCode: r.postal_code,
        phone: r.phone,
        hasChannelOwner: r.has_channel_owner,
        hasActiveRegistration: r.has_active_registration,
        createdAt: r.created_at,
      })),
  };
}
