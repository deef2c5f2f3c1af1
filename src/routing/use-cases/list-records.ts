import { assertCan } from '../../platform/access/can.js';
import { notFound } from '../../platform/errors.js';
import { type Page, decodeCursor, toPage } from '../../platform/pagination.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { findAccount, findLead, findOpportunity } from '../store.js';
import { type AccountView, type LeadView, type OpportunityView, accountView, leadView, opportunityView } from '../views.js';

export type RecordListQuery = { limit: number; cursor?: string; ownerId?: string; q?: string; status?: string; unowned?: boolean };

const keyOf = (r: { created_at: Date; id: string }) => [r.created_at.toISOString(), r.id];

export async function listLeads(ctx: UseCaseContext, query: RecordListQuery): Promise<Page<LeadView>> {
  assertCan(ctx.actor, 'record.read');
  let q = ctx.db.selectFrom('leads').selectAll();
  if (query.ownerId) q = q.where('owner_id', '=', query.ownerId);
  if (query.unowned) q = q.where('owner_id', 'is', null);
  if (query.status) q = q.where('status', '=', query.status as never);
  if (query.q) q = q.where((eb) => eb.or([eb('name', 'ilike', `%${query.q}%`), eb('company', 'ilike', `%${query.q}%`)]));
  if (query.cursor) {
    const [at, id] = decodeCursor(query.cursor, 2) as [string, string];
    q = q.where((eb) => eb.or([eb('created_at', '<', new Date(at)), eb.and([eb('created_at', '=', new Date(at)), eb('id', '<', id)])]));
  }
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(query.limit + 1).execute();
  return toPage(rows, query.limit, leadView, keyOf);
}

export async function listAccounts(ctx: UseCaseContext, query: RecordListQuery): Promise<Page<AccountView>> {
  assertCan(ctx.actor, 'record.read');
  let q = ctx.db.selectFrom('accounts').selectAll();
  if (query.ownerId) q = q.where('owner_id', '=', query.ownerId);
  if (query.unowned) q = q.where('owner_id', 'is', null);
  if (query.status) q = q.where('status', '=', query.status as never);
  if (query.q) q = q.where((eb) => eb.or([eb('name', 'ilike', `%${query.q}%`), eb('domain', 'ilike', `%${query.q}%`)]));
  if (query.cursor) {
    const [at, id] = decodeCursor(query.cursor, 2) as [string, string];
    q = q.where((eb) => eb.or([eb('created_at', '<', new Date(at)), eb.and([eb('created_at', '=', new Date(at)), eb('id', '<', id)])]));
  }
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(query.limit + 1).execute();
  return toPage(rows, query.limit, accountView, keyOf);
}

export async function listOpportunities(ctx: UseCaseContext, query: RecordListQuery): Promise<Page<OpportunityView>> {
  assertCan(ctx.actor, 'record.read');
  let q = ctx.db.selectFrom('opportunities').selectAll();
  if (query.ownerId) q = q.where('owner_id', '=', query.ownerId);
  if (query.unowned) q = q.where('owner_id', 'is', null);
  if (query.status) q = q.where('status', '=', query.status as never);
  if (query.q) q = q.where('name', 'ilike', `%${query.q}%`);
  if (query.cursor) {
    const [at, id] = decodeCursor(query.cursor, 2) as [string, string];
    q = q.where((eb) => eb.or([eb('created_at', '<', new Date(at)), eb.and([eb('created_at', '=', new Date(at)), eb('id', '<', id)])]));
  }
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(query.limit + 1).execute();
  return toPage(rows, query.limit, opportunityView, keyOf);
}

export async function getLead(ctx: UseCaseContext, id: string): Promise<LeadView> {
  assertCan(ctx.actor, 'record.read');
  const row = await findLead(ctx.db, id);
  if (!row) throw notFound('lead');
  return leadView(row);
}

export async function getAccount(ctx: UseCaseContext, id: string): Promise<AccountView> {
  assertCan(ctx.actor, 'record.read');
  const row = await findAccount(ctx.db, id);
  if (!row) throw notFound('account');
  return accountView(row);
}

export async function getOpportunity(ctx: UseCaseContext, id: string): Promise<OpportunityView> {
  assertCan(ctx.actor, 'record.read');
  const row = await findOpportunity(ctx.db, id);
  if (!row) throw notFound('opportunity');
  return opportunityView(row);
}
