import { assertCan } from '../../platform/access/can.js';
import { notFound } from '../../platform/errors.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { type ExpiryDecisionView, expiryDecisionView } from '../expiry-decision-view.js';
import { registrationView } from '../registration-store.js';
import type { RegistrationListItem } from './list-registrations.js';

type Summary = {
  id: string;
  partnerId: string;
  partnerName: string;
  customerName: string;
  productLine: string;
  amountMinor: number;
  status: string;
  accountId: string | null;
  expiresAt: string | null;
  createdAt: string;
};
type AccountBrief = { id: string; name: string; domain: string | null; region: string | null; country: string | null };

export type RegistrationDetail = RegistrationListItem & {
  match: {
    method: string;
    score: number;
    accountId: string | null;
    nearMatchId: string | null;
    createdAccount: boolean;
    evidence: unknown;
  } | null;
  account: (AccountBrief & { channelPartnerId: string | null; directOnly: boolean; needsReview: boolean }) | null;
  /** Other registrations on the same account and product line, any partner, any status: the reviewer's side-by-side. */
  duplicates: Summary[];
  /** Accounts the matcher found close but not close enough, with their registrations. */
  nearMatches: Array<{ account: AccountBrief; registrations: Summary[] }>;
  conflictCases: Array<{ id: string; kind: string; status: string; dueAt: string }>;
  expiryDecisions: ExpiryDecisionView[];
  timeline: Array<{
    at: string;
    type: 'audit' | 'activity';
    event: string;
    actorId: string | null;
    actorLabel: string | null;
    partnerId: string | null;
    detail: string | null;
  }>;
};

/** One registration for the reviewer: match evidence, flags, duplicates side by side, and its timeline. */
export async function getRegistration(ctx: UseCaseContext, id: string): Promise<RegistrationDetail> {
  assertCan(ctx.actor, 'registration.read');
  const db = ctx.db;
  const row = await db
    .selectFrom('registrations as r')
    .innerJoin('partners as p', 'p.id', 'r.partner_id')
    .leftJoin('accounts as a', 'a.id', 'r.account_id')
    .leftJoin('assignments as asg', (j) =>
      j.onRef('asg.record_id', '=', 'r.id').on('asg.record_type', '=', 'registration').on('asg.closed_at', 'is', null),
    )
    .selectAll('r')
    .select(['p.name as partner_name', 'a.name as account_name', 'asg.due_at as review_due_at'])
    .where('r.id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('registration');

  const summaries = (accountId: string, productLine: string | null) => {
    let q = db
      .selectFrom('registrations as r')
      .innerJoin('partners as p', 'p.id', 'r.partner_id')
      .select([
        'r.id',
        'r.partner_id',
        'p.name',
        'r.customer_name',
        'r.product_line',
        'r.amount_minor',
        'r.status',
        'r.account_id',
        'r.expires_at',
        'r.created_at',
      ])
      .where('r.account_id', '=', accountId)
      .where('r.id', '!=', id);
    if (productLine) q = q.where('r.product_line', '=', productLine);
    return q
      .orderBy('r.created_at')
      .execute()
      .then((rows) =>
        rows.map((s) => ({
          id: s.id,
          partnerId: s.partner_id,
          partnerName: s.name,
          customerName: s.customer_name,
          productLine: s.product_line,
          amountMinor: Number(s.amount_minor),
          status: s.status,
          accountId: s.account_id,
          expiresAt: s.expires_at?.toISOString() ?? null,
          createdAt: s.created_at.toISOString(),
        })),
      );
  };

  const match = await db
    .selectFrom('account_matches')
    .selectAll()
    .where('subject_type', '=', 'registration')
    .where('subject_id', '=', id)
    .executeTakeFirst();
  const account = row.account_id
    ? await db.selectFrom('accounts').selectAll().where('id', '=', row.account_id).executeTakeFirst()
    : undefined;
  const brief = (a: { id: string; name: string; domain: string | null; region: string | null; country: string | null }): AccountBrief => ({
    id: a.id,
    name: a.name,
    domain: a.domain,
    region: a.region,
    country: a.country,
  });

  const nearIds = match?.near_match_id ? [match.near_match_id] : [];
  const nearMatches = [];
  for (const nearId of nearIds) {
    const near = await db.selectFrom('accounts').selectAll().where('id', '=', nearId).executeTakeFirst();
    if (near) nearMatches.push({ account: brief(near), registrations: await summaries(near.id, null) });
  }
  const cases = await db
    .selectFrom('conflict_cases')
    .select(['id', 'kind', 'status', 'due_at'])
    .where('registration_id', '=', id)
    .orderBy('created_at')
    .execute();
  const decisions = await db.selectFrom('expiry_decisions').selectAll().where('registration_id', '=', id).orderBy('created_at').execute();
  const audit = await db
    .selectFrom('audit_events')
    .select(['occurred_at', 'event_name', 'actor_id', 'actor_label', 'reason'])
    .where('entity_type', '=', 'registration')
    .where('entity_id', '=', id)
    .orderBy('seq')
    .execute();
  const activities = await db
    .selectFrom('activities')
    .selectAll()
    .where('record_type', '=', 'registration')
    .where('record_id', '=', id)
    .orderBy('occurred_at')
    .execute();
  const timeline = [
    ...audit.map((e) => ({
      at: new Date(e.occurred_at).toISOString(),
      type: 'audit' as const,
      event: e.event_name,
      actorId: e.actor_id,
      actorLabel: e.actor_label,
      partnerId: null,
      detail: e.reason,
    })),
    ...activities.map((a) => ({
      at: a.occurred_at.toISOString(),
      type: 'activity' as const,
      event: a.kind,
      actorId: a.actor_id,
      actorLabel: null,
      partnerId: a.partner_id,
      detail: a.subject,
    })),
  ].sort((x, y) => x.at.localeCompare(y.at));

  return {
    ...registrationView(row),
    partnerName: row.partner_name,
    accountName: row.account_name,
    dueAt: row.review_due_at?.toISOString() ?? null,
    match: match
      ? {
          method: match.method,
          score: Number(match.score),
          accountId: match.account_id,
          nearMatchId: match.near_match_id,
          createdAccount: match.created_account,
          evidence: match.evidence,
        }
      : null,
    account: account
      ? {
          ...brief(account),
          channelPartnerId: account.channel_partner_id,
          directOnly: account.direct_only,
          needsReview: account.needs_review,
        }
      : null,
    duplicates: row.account_id ? await summaries(row.account_id, row.product_line) : [],
    nearMatches,
    conflictCases: cases.map((c) => ({ id: c.id, kind: c.kind, status: c.status, dueAt: c.due_at.toISOString() })),
    expiryDecisions: decisions.map(expiryDecisionView),
    timeline,
  };
}
