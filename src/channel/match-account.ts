// TEMPORARY (branch c2-registrations only): a local stand-in with the agreed signature so registrations can be
// built and tested before the matching helper's real matchAccount lands on main. On `git merge main`, take
// main's file and delete this one.
import { sql } from 'kysely';
import type { Trx } from '../platform/db/database.js';
import type { UseCaseContext } from '../platform/use-case-context.js';
import { channelPolicy } from './channel-context.js';

export type MatchSubject = {
  type: 'lead' | 'registration';
  id: string;
  name: string;
  domain: string | null;
  country: string | null;
  region: string | null;
  postalCode: string | null;
  phone: string | null;
};

export type MatchResult = {
  accountId: string | null;
  method: 'domain' | 'name' | 'none';
  score: number;
  nearMatchId: string | null;
  createdAccount: boolean;
};

export async function matchAccount(
  trx: Trx,
  ctx: UseCaseContext,
  subject: MatchSubject,
  options: { createIfNone: boolean },
): Promise<MatchResult> {
  const now = ctx.clock.now();
  const policy = await channelPolicy(trx);
  let result: MatchResult = { accountId: null, method: 'none', score: 0, nearMatchId: null, createdAccount: false };
  const candidates: unknown[] = [];
  if (subject.domain) {
    const hit = await trx
      .selectFrom('accounts')
      .select('id')
      .where('domain', '=', subject.domain.toLowerCase())
      .orderBy('created_at')
      .orderBy('id')
      .executeTakeFirst();
    if (hit) result = { ...result, accountId: hit.id, method: 'domain', score: 1 };
  }
  if (!result.accountId) {
    const rows = await sql<{ id: string; score: number; country: string | null; region: string | null; postal_code: string | null }>`
      select id, similarity(normalized_name, baton_normalize_name(${subject.name}))::float8 as score, country, region, postal_code
      from accounts where similarity(normalized_name, baton_normalize_name(${subject.name})) >= ${policy.nearMatchThreshold}
      order by score desc, created_at, id limit 10`.execute(trx);
    for (const r of rows.rows) {
      const supporting =
        (subject.country !== null && r.country === subject.country) ||
        (subject.region !== null && r.region === subject.region) ||
        (subject.postalCode !== null && r.postal_code === subject.postalCode);
      candidates.push({ accountId: r.id, score: r.score, supporting });
      if (!result.accountId && r.score >= policy.nameMatchThreshold && supporting)
        result = { ...result, accountId: r.id, method: 'name', score: r.score };
      else if (!result.nearMatchId) result.nearMatchId = r.id;
    }
  }
  if (!result.accountId && options.createIfNone) {
    const created = await trx
      .insertInto('accounts')
      .values({
        name: subject.name,
        domain: subject.domain?.toLowerCase() ?? null,
        country: subject.country,
        region: subject.region,
        postal_code: subject.postalCode,
        phone: subject.phone,
        needs_review: result.nearMatchId !== null,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    result = { ...result, accountId: created.id, createdAccount: true };
  }
  if (result.accountId) result.nearMatchId = result.method === 'none' ? result.nearMatchId : null;
  await trx
    .insertInto('account_matches')
    .values({
      subject_type: subject.type,
      subject_id: subject.id,
      account_id: result.accountId,
      method: result.method,
      score: result.score,
      evidence: JSON.stringify({ candidates }),
      near_match_id: result.nearMatchId,
      created_account: result.createdAccount,
      created_at: now,
    })
    .execute();
  return result;
}
