import { sql } from 'kysely';
import type { Trx } from '../platform/db/database.js';
import type { MatchCandidate } from '../routing/core/account-matching.js';

/** How many candidates a match considers (and lists in its evidence). */
export const MATCH_CANDIDATE_LIMIT = 10;

/**
 * Candidate accounts for an identity, in one statement: accounts with exactly this domain, and accounts whose
 * normalised name is trigram-similar (`%`, answered by the GIN index `accounts_normalized_name_trgm`) at or
 * above `threshold` — the similarity threshold is set for this transaction only, so it never leaks into the
 * pooled connection. Domain matches first, then by similarity; the subject's normalised name comes back even
 * when nothing matches (the same `baton_normalize_name` the generated column uses).
 */
export async function findMatchCandidates(
  trx: Trx,
  identity: { name: string; domain: string | null },
  threshold: number,
  limit = MATCH_CANDIDATE_LIMIT,
): Promise<{ normalizedName: string; candidates: MatchCandidate[] }> {
  await sql`select set_config('pg_trgm.similarity_threshold', ${String(threshold)}, true)`.execute(trx);
  const domain = identity.domain;
  const byDomain = domain ? sql`a.domain = ${domain}` : sql`false`;
  const result = await sql<{
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
  }>`
    with s as (select baton_normalize_name(${identity.name}) as n)
    select s.n as subject_normalized, c.*
    from s
    left join lateral (
      select a.id, a.name, a.normalized_name, similarity(a.normalized_name, s.n) as similarity, a.domain, a.country, a.region,
             a.postal_code, a.phone, a.channel_partner_id is not null as has_channel_owner,
             exists (select 1 from registrations r where r.account_id = a.id and r.status = 'approved') as has_active_registration,
             a.created_at
      from accounts a
      where a.status = 'active' and (${byDomain} or (s.n <> '' and a.normalized_name % s.n))
      order by ${byDomain} desc, similarity desc, a.created_at, a.id
      limit ${limit}
    ) c on true`.execute(trx);
  const rows = result.rows;
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
