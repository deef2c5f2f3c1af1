import { type RawBuilder, sql } from 'kysely';
import type { Trx } from '../platform/db/database.js';
import type { MatchCandidate, MatchThresholds } from '../routing/core/account-matching.js';

/** How many candidates a match considers (and lists in its evidence). */
export const MATCH_CANDIDATE_LIMIT = 10;

type CandidateRow = {
  subject_normalized: string;
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
 * The candidate statement: accounts with exactly this domain (btree `accounts_domain`), and the accounts whose
 * normalised names are nearest to the subject's and at least `pg_trgm.similarity_threshold` similar (`%` and
 * `<->` on `account_match_names`, a nearest-neighbour scan of its GiST trigram index — accounts itself has
 * row-level security, under which `%` can never use an index), read back from accounts by id with policies
 * applied. Domain matches first, then by similarity and the tie-breakers. The subject's normalised name comes
 * back even when nothing matches (the same `baton_normalize_name` the generated column uses).
 *
 * The statement is prepared once per connection (kysely.ts), so its plan must not depend on the values: the
 * normalised name is computed once (an InitPlan, which index conditions and the nearest-neighbour order accept
 * like a constant) and the hits are materialised once, then joined to accounts by primary key.
 */
export function candidateQuery(identity: { name: string; domain: string | null }, limit = MATCH_CANDIDATE_LIMIT): RawBuilder<CandidateRow> {
  const domain = identity.domain;
  const normalized = sql`(select n from subject)`;
  // Twice the limit from the index, so ties at the cut are still ordered by the tie-breakers below.
  const nearest = sql`(select m.account_id as id from account_match_names m where m.normalized_name % ${normalized}
                       order by m.normalized_name <-> ${normalized} limit ${limit * 2})`;
  const hits = domain ? sql`${nearest} union all (select a.id from accounts a where a.domain = ${domain})` : nearest;
  return sql<CandidateRow>`
    with subject as materialized (select baton_normalize_name(${identity.name}) as n),
         hit as materialized (${hits})
    select ${normalized} as subject_normalized, c.*
    from (select 1) as one
    left join lateral (
      select a.id, a.name, a.normalized_name, similarity(a.normalized_name, ${normalized}) as similarity, a.domain, a.country, a.region,
             a.postal_code, a.phone, a.channel_partner_id is not null as has_channel_owner,
             exists (select 1 from registrations r where r.account_id = a.id and r.status = 'approved') as has_active_registration,
             a.created_at
      from accounts a
      where a.id in (select id from hit) and a.status = 'active'
      order by ${domain ? sql`(a.domain is not distinct from ${domain}) desc,` : sql``} similarity desc, a.created_at, a.id
      limit ${limit}
    ) c on true`;
}

/**
 * The policy's thresholds, with the trigram threshold `%` uses set to the lower of them for this transaction
 * only (`set_config(…, true)`, so it never leaks into the pooled connection) — one statement.
 */
export async function matchThresholds(trx: Trx): Promise<MatchThresholds> {
  const { rows } = await sql<{ name: string; near: string }>`
    select name_match_threshold as name, near_match_threshold as near,
           set_config('pg_trgm.similarity_threshold', least(name_match_threshold, near_match_threshold)::text, true)
    from channel_policy`.execute(trx);
  return { nameMatchThreshold: Number(rows[0]!.name), nearMatchThreshold: Number(rows[0]!.near) };
}

/** Candidate accounts for an identity, in one statement (see `candidateQuery`); call `matchThresholds` first. */
export async function findMatchCandidates(
  trx: Trx,
  identity: { name: string; domain: string | null },
  limit = MATCH_CANDIDATE_LIMIT,
): Promise<{ normalizedName: string; candidates: MatchCandidate[] }> {
  const rows = (await candidateQuery(identity, limit).execute(trx)).rows;
  return {
    normalizedName: rows[0]?.subject_normalized ?? '',
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
