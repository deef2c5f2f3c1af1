import { randomUUID } from 'node:crypto';
import { auditNewMatches, findAccountMatch, matchAccount, newMatchesInsert, recordNewMatches } from '../../channel/match-account.js';
import { assertCan } from '../../platform/access/can.js';
import type { Trx } from '../../platform/db/database.js';
import { together } from '../../platform/db/together.js';
import { invalidField } from '../../platform/errors.js';
import { type Settled, groupCommit, settle } from '../../platform/group-commit.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import type { MatchDecision } from '../core/account-matching.js';
import type { CreateLeadInput } from '../schemas.js';
import { leadDomain, leadRow } from '../record-rows.js';
import { type LeadRow, decisionInputsOf, findAccount, policyAndPublishedRuleset, selectAccountsWithRegistrations } from '../store.js';
import { type LeadView, leadView } from '../views.js';
import { insertedLeadSubject, insertedLeadSubjects } from '../subjects.js';
import { type RoutingDecision, isCompiled, routeRecord } from './route-record.js';
import { routeChunk } from './route-records-batch.js';

export type CreatedLead = LeadView & { assignment: RoutingDecision };
type LeadCall = { ctx: UseCaseContext; input: CreateLeadInput; match: MatchDecision | null };

const FOREIGN_KEY_VIOLATION = '23503';

/** The most leads one transaction takes from the queue (see createTogether). */
const BATCH_MAX = 64;

/**
 * A new lead is routed in the same transaction: it is never visible without its first routing decision. A lead
 * without an account is first matched to one (domain, then company name with a supporting field; the match and
 * its evidence are stored) — never creating an account — so the routing that follows sees the account, and the
 * inbound guard sends a partner-owned or registered account's lead to the channel manager.
 *
 * Leads that arrive while others are being created are created together, in one transaction (group commit, see
 * createTogether): one pool lock, one set of multi-row writes and one commit for all of them, while each caller
 * still gets its own lead, decision and explanation, and its own audit rows. Such a lead's account match is
 * looked up before it joins (matching only reads; each caller on its own connection, side by side), so the batch
 * itself only records it.
 */
export async function createLead(ctx: UseCaseContext, input: CreateLeadInput): Promise<CreatedLead> {
  assertCan(ctx.actor, 'record.write');
  // A partner's row-level scope and an idempotency key's commit mark belong to one caller's transaction.
  if (ctx.actor.partnerId !== null || ctx.idempotency !== undefined) return inTransaction(ctx, (trx) => createOne(trx, ctx, input, null));
  const match = input.accountId || !needsMatch(input) ? null : await findAccountMatch(ctx.db, matchIdentity(input));
  return createTogether(ctx.db, { ctx, input, match });
}

const needsMatch = (input: CreateLeadInput) => Boolean(input.company || leadDomain(input));
const matchIdentity = (input: CreateLeadInput) => ({
  name: input.company ?? '',
  domain: input.domain,
  email: input.email,
  country: input.country,
  region: input.region,
});

/** One lead creation at a time per database in this process; whoever arrives meanwhile joins the next batch. */
const createTogether = groupCommit((_db: object, calls: LeadCall[]) => createBatch(calls), { max: BATCH_MAX });

const alone = (call: LeadCall) => settle(inTransaction(call.ctx, (trx) => createOne(trx, call.ctx, call.input, call.match)));

/**
 * A batch of one is an ordinary single creation. A larger batch that fails as a whole throws, and group commit
 * runs each call again on its own, so one lead's error is that caller's answer only.
 */
async function createBatch(calls: LeadCall[]): Promise<Array<Settled<CreatedLead>>> {
  if (calls.length === 1) return [await alone(calls[0]!)];
  return inTransaction(calls[0]!.ctx, (trx) => createMany(trx, calls));
}

/** The account a lead names (it must exist), or the one matching finds for it; null when neither. */
async function accountFor(
  trx: Trx,
  ctx: UseCaseContext,
  input: CreateLeadInput,
  id: string,
  match: MatchDecision | null,
): Promise<string | null> {
  if (input.accountId) {
    if (!(await findAccount(trx, input.accountId))) throw invalidField('accountId', 'no such account');
    return input.accountId;
  }
  if (!needsMatch(input)) return null;
  return (
    await matchAccount(trx, ctx, { type: 'lead', id, ...matchIdentity(input) }, { createIfNone: false, decision: match ?? undefined })
  ).accountId;
}

async function createOne(trx: Trx, ctx: UseCaseContext, input: CreateLeadInput, match: MatchDecision | null): Promise<CreatedLead> {
  const id = randomUUID();
  // A partner's named account is checked under the partner's scope first (a foreign key ignores row-level
  // security), and a match not looked up before the transaction is made in it; otherwise the account is known.
  const account =
    ctx.actor.partnerId === null && (input.accountId || match || !needsMatch(input))
      ? { id: input.accountId ?? match?.accountId ?? null, newMatch: input.accountId ? null : match }
      : { id: await accountFor(trx, ctx, input, id, match), newMatch: null };
  const { row, subject, inputs } = await insertLead(trx, ctx, input, id, account);
  await recordChange(trx, ctx, { event: 'lead.created', entityType: 'lead', entityId: row.id, after: leadView(row) });
  return answerOf(row, await routeRecord(trx, ctx, { recordType: 'lead', recordId: row.id, fresh: true, subject, inputs }));
}

/**
 * The lead's account facts, its insert, the routing policy and its new account match go to the server together,
 * so the decision waits for the server once before it locks its target, not four times. A named account that
 * does not exist fails the insert.
 */
async function insertLead(
  trx: Trx,
  ctx: UseCaseContext,
  input: CreateLeadInput,
  id: string,
  account: { id: string | null; newMatch: MatchDecision | null },
) {
  const now = ctx.clock.now();
  const matches = account.newMatch ? [{ ctx, type: 'lead' as const, id, decision: account.newMatch }] : [];
  const [accounts, [row], [policy]] = await together(
    trx,
    selectAccountsWithRegistrations(trx).where('accounts.id', '=', account.id),
    trx
      .insertInto('leads')
      .values({ id, ...leadRow(input, account.id, now) })
      .returningAll(),
    policyAndPublishedRuleset(trx, 'lead'),
    ...(matches.length ? [newMatchesInsert(trx, matches)] : []),
  ).catch((error: unknown) => {
    throw (error as { code?: string }).code === FOREIGN_KEY_VIOLATION && input.accountId
      ? invalidField('accountId', 'no such account')
      : error;
  });
  await auditNewMatches(trx, matches);
  return {
    row: row!,
    subject: insertedLeadSubject(row!, accounts[0], now),
    inputs: await decisionInputsOf(trx, policy!, isCompiled),
  };
}

/** The new lead as its caller sees it: owned by its first decision, if that placed it. */
function answerOf(row: LeadRow, assignment: RoutingDecision): CreatedLead {
  const owned = assignment.assignmentId ? { owner_id: assignment.ownerId, current_assignment_id: assignment.assignmentId } : {};
  return { ...leadView({ ...row, ...owned }), assignment };
}

/**
 * Many callers' leads in one transaction: each is validated and matched as its own, the valid ones are inserted
 * with one statement and routed together (routeChunk, one lock per pool), and each caller is answered with its
 * own lead and decision. A caller whose lead is invalid gets its own error; the others go on.
 */
async function createMany(trx: Trx, calls: LeadCall[]): Promise<Array<Settled<CreatedLead>>> {
  const wanted = [...new Set(calls.flatMap((c) => (c.input.accountId ? [c.input.accountId] : [])))];
  const named = new Set(
    wanted.length ? (await trx.selectFrom('accounts').select('id').where('id', 'in', wanted).execute()).map((a) => a.id) : [],
  );
  const answers: Array<Settled<CreatedLead> | null> = calls.map(() => null);
  const rows: Array<{ index: number; values: { id: string } & ReturnType<typeof leadRow> }> = [];
  const matches: Parameters<typeof recordNewMatches>[1] = [];
  for (const [index, { ctx, input, match }] of calls.entries()) {
    const id = randomUUID();
    if (input.accountId && !named.has(input.accountId)) {
      answers[index] = { ok: false, error: invalidField('accountId', 'no such account') };
      continue;
    }
    if (!input.accountId && match) matches.push({ ctx, type: 'lead', id, decision: match });
    rows.push({ index, values: { id, ...leadRow(input, input.accountId ?? match?.accountId ?? null, ctx.clock.now()) } });
  }
  if (rows.length === 0) return answers as Array<Settled<CreatedLead>>;
  await recordNewMatches(trx, matches);
  const inserted = new Map(
    (
      await trx
        .insertInto('leads')
        .values(rows.map((r) => r.values))
        .returningAll()
        .execute()
    ).map((row) => [row.id, row]),
  );
  const callOf = new Map(rows.map((r) => [r.values.id, calls[r.index]!]));
  for (const row of inserted.values())
    await recordChange(trx, callOf.get(row.id)!.ctx, { event: 'lead.created', entityType: 'lead', entityId: row.id, after: leadView(row) });
  // In arrival order: within a pool, the leads are served as they came.
  const subjects = await insertedLeadSubjects(
    trx,
    rows.map((r) => inserted.get(r.values.id)!),
    calls[0]!.ctx.clock.now(),
  );
  const { decisions } = await routeChunk(trx, calls[0]!.ctx, 'lead', [...inserted.keys()], {
    oneByOne: { contextOf: (recordId) => callOf.get(recordId)!.ctx, subjects },
  });
  for (const { index, values } of rows) answers[index] = { ok: true, value: answerOf(inserted.get(values.id)!, decisions.get(values.id)!) };
  return answers as Array<Settled<CreatedLead>>;
}
