import type { AuditedChange } from '../../platform/audit/events.js';
import type { Trx } from '../../platform/db/database.js';
import { recordChanges } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { type NotificationInput, notifyMany } from '../../routing/append-assignment.js';
import { routeOrAssign } from '../../routing/use-cases/route-or-assign.js';
import { type ChannelPolicy, channelManagerOf, channelPolicy } from '../channel-context.js';
import { partnerNotice } from '../core/decision-messages.js';
import { type RegistrationRow, registrationFacts } from '../registration-store.js';

export type ExpirySweepResult = { warned: number; expired: number };

/**
 * Timers are data: approved registrations whose warning date has passed are warned (partner inbox + the
 * channel manager's notifications), and those whose exclusivity has run out expire and open an expiry
 * decision routed to the channel manager. Rows are claimed `FOR UPDATE SKIP LOCKED` and changed in the same
 * transaction as their effects, so concurrent sweepers split the work, a crash rolls its batch back for the
 * next sweep, and every warning and expiry happens exactly once.
 */
export async function sweepRegistrationExpiry(ctx: UseCaseContext, options: { batchSize?: number } = {}): Promise<ExpirySweepResult> {
  const batchSize = options.batchSize ?? 100;
  const result: ExpirySweepResult = { warned: 0, expired: 0 };
  for (;;) {
    const n = await inTransaction(ctx, (trx) => warnBatch(trx, ctx, batchSize));
    result.warned += n;
    if (n < batchSize) break;
  }
  for (;;) {
    const n = await inTransaction(ctx, (trx) => expireBatch(trx, ctx, batchSize));
    result.expired += n;
    if (n < batchSize) break;
  }
  return result;
}

async function managers(trx: Trx, rows: RegistrationRow[]): Promise<Map<string, string | null>> {
  const map = new Map<string, string | null>();
  for (const partnerId of new Set(rows.map((r) => r.partner_id))) map.set(partnerId, await channelManagerOf(trx, partnerId));
  return map;
}

async function warnBatch(trx: Trx, ctx: UseCaseContext, batchSize: number): Promise<number> {
  const now = ctx.clock.now();
  // Already past expiry: the expiry phase handles it, a warning would only be noise.
  const rows = await trx
    .selectFrom('registrations')
    .selectAll()
    .where('status', '=', 'approved')
    .where('warned_at', 'is', null)
    .where('warn_at', '<=', now)
    .where('expires_at', '>', now)
    .orderBy('warn_at')
    .limit(batchSize)
    .forUpdate()
    .skipLocked()
    .execute();
  if (rows.length === 0) return 0;
  await trx
    .updateTable('registrations')
    .set({ warned_at: now })
    .where(
      'id',
      'in',
      rows.map((r) => r.id),
    )
    .execute();
  const cms = await managers(trx, rows);
  const notes: NotificationInput[] = [];
  const changes: AuditedChange[] = [];
  await trx
    .insertInto('partner_notices')
    .values(
      rows.map((r) => ({
        partner_id: r.partner_id,
        registration_id: r.id,
        ...partnerNotice({ kind: 'expiry_warning', customerName: r.customer_name, expiresAt: r.expires_at! }),
        created_at: now,
      })),
    )
    .execute();
  for (const r of rows) {
    const cm = cms.get(r.partner_id);
    if (cm) {
      notes.push({
        userId: cm,
        kind: 'due_soon',
        recordType: 'registration',
        recordId: r.id,
        title: `Registration expiring: ${r.customer_name}`,
        body: `Exclusivity on ${r.customer_name} (${r.product_line}) ends ${r.expires_at!.toISOString()} unless activity is logged.`,
      });
    }
    changes.push({
      event: 'registration.expiry_warned',
      entityType: 'registration',
      entityId: r.id,
      after: { expiresAt: r.expires_at!.toISOString(), warnedAt: now.toISOString(), channelManagerId: cm ?? null },
    });
  }
  await notifyMany(trx, ctx, notes);
  await recordChanges(trx, ctx, changes);
  return rows.length;
}

async function expireBatch(trx: Trx, ctx: UseCaseContext, batchSize: number): Promise<number> {
  const now = ctx.clock.now();
  const rows = await trx
    .selectFrom('registrations')
    .selectAll()
    .where('status', '=', 'approved')
    .where('expires_at', '<=', now)
    .orderBy('expires_at')
    .limit(batchSize)
    .forUpdate()
    .skipLocked()
    .execute();
  if (rows.length === 0) return 0;
  const policy = await channelPolicy(trx);
  const cms = await managers(trx, rows);
  for (const r of rows) await expireOne(trx, ctx, r, policy, cms.get(r.partner_id) ?? null, now);
  return rows.length;
}

async function expireOne(
  trx: Trx,
  ctx: UseCaseContext,
  r: RegistrationRow,
  policy: ChannelPolicy,
  cm: string | null,
  now: Date,
): Promise<void> {
  const expired = await trx
    .updateTable('registrations')
    .set({ status: 'expired', closed_at: now, expiry_outcome: null, version: r.version + 1, updated_at: now })
    .where('id', '=', r.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const decision = await trx
    .insertInto('expiry_decisions')
    .values({
      registration_id: r.id,
      due_at: new Date(now.getTime() + policy.decisionSlaHours * 3_600_000),
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('partner_notices')
    .values({
      partner_id: r.partner_id,
      registration_id: r.id,
      ...partnerNotice({ kind: 'expired', customerName: r.customer_name }),
      created_at: now,
    })
    .execute();
  await recordChanges(trx, ctx, [
    {
      event: 'registration.expired',
      entityType: 'registration',
      entityId: r.id,
      reason: `no activity since ${r.last_activity_at?.toISOString() ?? 'approval'}`,
      before: { status: 'approved', expiresAt: r.expires_at?.toISOString() ?? null },
      after: { status: 'expired', expiryDecisionId: decision.id },
    },
    {
      event: 'expiry_decision.opened',
      entityType: 'expiry_decision',
      entityId: decision.id,
      after: { registrationId: r.id, partnerId: r.partner_id },
    },
  ]);
  const facts = await registrationFacts(trx, expired, (expired.flags as unknown[]).length > 0);
  const placement = await routeOrAssign(trx, ctx, {
    recordType: 'expiry_decision',
    recordId: decision.id,
    title: `Expired registration: ${r.customer_name} (${r.product_line})`,
    facts: {
      id: decision.id,
      partnerId: facts.partnerId,
      partnerTier: facts.partnerTier,
      productLine: facts.productLine,
      region: facts.region,
      account: facts.account,
    },
    fallback: {
      ownerId: cm,
      reasonCode: 'channel_manager',
      reason: 'expired registration: the partner’s channel manager decides',
      slaHours: policy.decisionSlaHours,
    },
  });
  if (placement.dueAt) await trx.updateTable('expiry_decisions').set({ due_at: placement.dueAt }).where('id', '=', decision.id).execute();
}
