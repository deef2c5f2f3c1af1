import type { Trx } from '../platform/db/database.js';
import { type AccountFacts, type ActiveRegistration, type Facts, accountFacts, leadFacts, opportunityFacts } from './core/facts.js';
import { sql } from 'kysely';
import { ROUTABLE_TABLES, type RoutableRecordType } from './core/record-types.js';
import { type AccountRow, type LeadRow, type OpportunityRow, accountFactsOf, selectAccountsWithRegistrations } from './store.js';

/** A record about to be routed: locked for the rest of the transaction, with the facts rules will see. */
export type Subject = { recordType: RoutableRecordType; recordId: string; title: string; ownerId: string | null; facts: Facts };

const ms = (d: Date | null) => (d ? d.getTime() : null);
const num = (v: string | null) => (v === null ? null : Number(v));

function leadSubject(lead: LeadRow, account: AccountFacts | null, nowMs: number): Subject {
  const facts = leadFacts(
    {
      id: lead.id,
      name: lead.name,
      company: lead.company,
      email: lead.email,
      domain: lead.domain,
      region: lead.region,
      country: lead.country,
      product: lead.product,
      productLine: lead.product_line,
      amount: num(lead.amount),
      source: lead.source,
      status: lead.status,
      createdAt: lead.created_at.getTime(),
      attributes: lead.attributes,
    },
    account,
    nowMs,
  );
  return { recordType: 'lead', recordId: lead.id, title: `Lead ${lead.name}`, ownerId: lead.owner_id, facts: { ...facts, ownerId: lead.owner_id } };
}

function opportunitySubject(opp: OpportunityRow, account: AccountFacts | null, nowMs: number, previous?: Record<string, unknown>): Subject {
  const facts = opportunityFacts(
    {
      id: opp.id,
      name: opp.name,
      stage: opp.stage,
      status: opp.status,
      amount: num(opp.amount),
      product: opp.product,
      productLine: opp.product_line,
      region: opp.region,
      closeDate: ms(opp.close_date),
      stageChangedAt: opp.stage_changed_at.getTime(),
      createdAt: opp.created_at.getTime(),
      attributes: opp.attributes,
    },
    account,
    nowMs,
    previous,
  );
  return { recordType: 'opportunity', recordId: opp.id, title: `Opportunity ${opp.name}`, ownerId: opp.owner_id, facts: { ...facts, ownerId: opp.owner_id } };
}

type AccountWithRegistrations = AccountRow & { active_registrations: ActiveRegistration[] };

const accountSubject = (account: AccountWithRegistrations): Subject => ({
  recordType: 'account',
  recordId: account.id,
  title: `Account ${account.name}`,
  ownerId: account.owner_id,
  facts: { ...accountFacts(accountFactsOf(account, account.active_registrations)), ownerId: account.owner_id },
});

async function accountsById(trx: Trx, ids: Array<string | null>): Promise<Map<string, AccountFacts>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await selectAccountsWithRegistrations(trx).where('accounts.id', 'in', wanted).execute();
  return new Map(rows.map((r) => [r.id, accountFactsOf(r, r.active_registrations)]));
}

/**
 * Locks the records (in id order, so concurrent batches cannot deadlock on each other) and builds their
 * facts with two queries whatever the batch size. Missing ids are simply absent from the result.
 */
export async function lockSubjects(
  trx: Trx,
  recordType: RoutableRecordType,
  recordIds: string[],
  now: Date,
  previous?: Record<string, unknown>,
  facts?: Record<string, unknown>,
): Promise<Subject[]> {
  if (recordIds.length === 0) return [];
  const ids = [...new Set(recordIds)].sort();
  const nowMs = now.getTime();
  switch (recordType) {
    case 'lead': {
      const leads = await trx.selectFrom('leads').selectAll().where('id', 'in', ids).orderBy('id').forUpdate().execute();
      const accounts = await accountsById(trx, leads.map((l) => l.account_id));
      return leads.map((l) => leadSubject(l, (l.account_id && accounts.get(l.account_id)) || null, nowMs));
    }
    case 'account': {
      const accounts = await selectAccountsWithRegistrations(trx).where('accounts.id', 'in', ids).orderBy('accounts.id').forUpdate().execute();
      return accounts.map(accountSubject);
    }
    case 'opportunity': {
      const opps = await trx.selectFrom('opportunities').selectAll().where('id', 'in', ids).orderBy('id').forUpdate().execute();
      const accounts = await accountsById(trx, opps.map((o) => o.account_id));
      return opps.map((o) => opportunitySubject(o, (o.account_id && accounts.get(o.account_id)) || null, nowMs, previous));
    }
    default:
      return lockForeignSubjects(trx, recordType, ids, facts ?? {});
  }
}

/**
 * Routable records of other features (registrations, cases, orders): routing locks the row in the table the
 * registry names and routes on the facts the calling feature passed in.
 */
async function lockForeignSubjects(trx: Trx, recordType: RoutableRecordType, ids: string[], facts: Record<string, unknown>): Promise<Subject[]> {
  const rows = await sql<{ id: string; owner_id: string | null }>`select id, owner_id from ${sql.table(ROUTABLE_TABLES[recordType])} where id = any(${ids}::uuid[]) order by id for update`.execute(trx);
  return rows.rows.map((r) => ({
    recordType,
    recordId: r.id,
    title: typeof facts.title === 'string' ? facts.title : `${recordType} ${r.id.slice(0, 8)}`,
    ownerId: r.owner_id,
    facts: { ...facts, ownerId: r.owner_id },
  }));
}

/** A lead inserted in this transaction (so already locked by it) as a subject, with its account as read with it. */
export const insertedLeadSubject = (lead: LeadRow, account: AccountWithRegistrations | undefined, now: Date): Subject =>
  leadSubject(lead, account ? accountFactsOf(account, account.active_registrations) : null, now.getTime());

/** Leads inserted in this transaction (so already locked by it) as subjects, without reading them back. */
export async function insertedLeadSubjects(trx: Trx, leads: LeadRow[], now: Date): Promise<Subject[]> {
  const accounts = await accountsById(trx, leads.map((l) => l.account_id));
  return leads.map((l) => leadSubject(l, (l.account_id && accounts.get(l.account_id)) || null, now.getTime()));
}

export async function lockSubject(
  trx: Trx,
  recordType: RoutableRecordType,
  recordId: string,
  now: Date,
  previous?: Record<string, unknown>,
  facts?: Record<string, unknown>,
): Promise<Subject | null> {
  return (await lockSubjects(trx, recordType, [recordId], now, previous, facts))[0] ?? null;
}

/**
 * The same facts as `lockSubjects` without taking any lock, for simulations and "test a record" (which
 * never write). Only the record types routing describes itself; others have no facts to read here.
 */
export async function readSubjects(trx: Trx, recordType: RoutableRecordType, recordIds: string[], now: Date): Promise<Subject[]> {
  if (recordIds.length === 0) return [];
  const ids = [...new Set(recordIds)];
  const nowMs = now.getTime();
  switch (recordType) {
    case 'lead': {
      const leads = await trx.selectFrom('leads').selectAll().where('id', 'in', ids).orderBy('id').execute();
      const accounts = await accountsById(trx, leads.map((l) => l.account_id));
      return leads.map((l) => leadSubject(l, (l.account_id && accounts.get(l.account_id)) || null, nowMs));
    }
    case 'account':
      return (await selectAccountsWithRegistrations(trx).where('accounts.id', 'in', ids).orderBy('accounts.id').execute()).map(accountSubject);
    case 'opportunity': {
      const opps = await trx.selectFrom('opportunities').selectAll().where('id', 'in', ids).orderBy('id').execute();
      const accounts = await accountsById(trx, opps.map((o) => o.account_id));
      return opps.map((o) => opportunitySubject(o, (o.account_id && accounts.get(o.account_id)) || null, nowMs));
    }
    default:
      return [];
  }
}
