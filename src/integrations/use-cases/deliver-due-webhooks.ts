import { guardedPost } from '../guarded-post.js';
import { sql } from 'kysely';
import { systemActor } from '../../platform/access/actor.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { nextAttemptAt, retryAfterSeconds } from '../core/backoff.js';
import { eventSchemaVersion } from '../event-catalogue.js';
import { signatureHeader } from '../signing.js';
import { activeSecrets } from '../store.js';
import { unsafeUrlReason } from '../url-guard.js';

export const SEND_TIMEOUT_MS = 10_000;
/** A claimed delivery is invisible to other workers this long; if its worker dies, it is sent again after. */
const LEASE_MS = 60_000;
const EXCERPT_BYTES = 1024;

type Claimed = {
  id: string;
  attempts: number;
  aggregate_version: number;
  endpoint_id: string;
  url: string;
  event_id: string;
  event_type: string;
  occurred_at: Date;
  aggregate_type: string;
  aggregate_id: string;
  payload: unknown;
};

type Outcome = { statusCode: number | null; excerpt: string | null; error: string | null; durationMs: number; retryAfter: string | null };

export type DeliveryRunResult = { attempted: number; delivered: number; retried: number; dead: number; disabledEndpoints: number };

/**
 * Sends every due delivery once: 2xx delivers, 410 disables the endpoint, anything else (429, 5xx,
 * timeouts, resets, refused addresses) is retried with jittered exponential backoff until it is dead.
 */
export async function deliverDueWebhooks(
  ctx: Pick<UseCaseContext, 'db' | 'clock'>,
  options: { now?: Date; limit?: number; random?: () => number; timeoutMs?: number } = {},
): Promise<DeliveryRunResult> {
  const now = options.now ?? ctx.clock.now();
  const random = options.random ?? Math.random;
  const claimed = await claimDue(ctx, now, options.limit ?? 20);
  const result: DeliveryRunResult = { attempted: claimed.length, delivered: 0, retried: 0, dead: 0, disabledEndpoints: 0 };
  await Promise.all(
    claimed.map(async (delivery) => {
      const outcome = await send(ctx, delivery, options.timeoutMs ?? SEND_TIMEOUT_MS);
      const verdict = await recordOutcome(ctx, delivery, outcome, now, random);
      result[verdict] += 1;
    }),
  );
  return result;
}

async function claimDue(ctx: Pick<UseCaseContext, 'db'>, now: Date, limit: number): Promise<Claimed[]> {
  return ctx.db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
      .innerJoin('outbox_events as o', 'o.id', 'd.event_id')
      .select(['d.id', 'd.attempts', 'd.aggregate_version', 'd.endpoint_id', 'e.url', 'o.id as event_id', 'o.event_type', 'o.occurred_at', 'o.aggregate_type', 'o.aggregate_id', 'o.payload'])
      .where('d.status', '=', 'pending')
      .where('d.next_attempt_at', '<=', now)
      .where('e.enabled', '=', true)
      .orderBy('d.next_attempt_at')
      .limit(limit)
      .forUpdate('d')
      .skipLocked()
      .execute();
    if (due.length === 0) return [];
    await trx
      .updateTable('webhook_deliveries')
      .set({ attempts: sql`attempts + 1`, next_attempt_at: new Date(now.getTime() + LEASE_MS) })
      .where('id', 'in', due.map((d) => d.id))
      .execute();
    return due.map((d) => ({ ...d, attempts: d.attempts + 1, occurred_at: new Date(d.occurred_at) }));
  });
}

function excerptOf(text: string): string {
  let excerpt = text.slice(0, EXCERPT_BYTES);
  while (Buffer.byteLength(excerpt) > EXCERPT_BYTES) excerpt = excerpt.slice(0, -1);
  return excerpt;
}

async function send(ctx: Pick<UseCaseContext, 'db' | 'clock'>, delivery: Claimed, timeoutMs: number): Promise<Outcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  // Checked again at send time: DNS may have changed since registration.
  const refused = await unsafeUrlReason(delivery.url);
  if (refused) return { statusCode: null, excerpt: null, error: `refused: ${refused}`, durationMs: elapsed(), retryAfter: null };
  const sentAt = ctx.clock.now();
  const body = JSON.stringify({
    id: delivery.event_id,
    type: delivery.event_type,
    schemaVersion: eventSchemaVersion(delivery.event_type),
    occurredAt: delivery.occurred_at.toISOString(),
    aggregate: { type: delivery.aggregate_type, id: delivery.aggregate_id, version: delivery.aggregate_version },
    data: delivery.payload,
  });
  const timestamp = Math.floor(sentAt.getTime() / 1000);
  const secrets = await activeSecrets(ctx.db, delivery.endpoint_id, sentAt);
  try {
    const response = await guardedPost(
      delivery.url,
      {
        'content-type': 'application/json',
        'user-agent': 'Baton-Webhooks/1',
        'webhook-id': delivery.event_id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signatureHeader(secrets, delivery.event_id, timestamp, body),
      },
      body,
      timeoutMs,
    );
    return { statusCode: response.status, excerpt: excerptOf(response.text), error: null, durationMs: elapsed(), retryAfter: response.retryAfter };
  } catch (error) {
    const err = error as Error & { code?: string };
    const timedOut = err.name === 'AbortError' || err.name === 'TimeoutError';
    const message = timedOut ? `timeout after ${timeoutMs} ms` : err.code === 'EADDRREFUSED' ? err.message : (err.code ?? err.message);
    return { statusCode: null, excerpt: null, error: excerptOf(String(message)), durationMs: elapsed(), retryAfter: null };
  }
}

async function recordOutcome(
  ctx: Pick<UseCaseContext, 'db' | 'clock'>,
  delivery: Claimed,
  outcome: Outcome,
  now: Date,
  random: () => number,
): Promise<'delivered' | 'retried' | 'dead' | 'disabledEndpoints'> {
  const system: UseCaseContext = { db: ctx.db, clock: ctx.clock, actor: systemActor('webhooks') };
  return inTransaction(system, async (trx) => {
    await trx
      .insertInto('webhook_attempts')
      .values({
        delivery_id: delivery.id,
        // Numbered over the delivery's whole life: a replay resets the retry budget, not the log.
        attempt: sql<number>`(select coalesce(max(attempt), 0) + 1 from webhook_attempts where delivery_id = ${delivery.id})`,
        status_code: outcome.statusCode,
        response_excerpt: outcome.excerpt,
        error: outcome.error,
        duration_ms: outcome.durationMs,
        attempted_at: ctx.clock.now(),
      })
      .execute();
    // Only the claim we made may settle the delivery: a replay in between started a new one.
    const mine = trx.updateTable('webhook_deliveries').where('id', '=', delivery.id).where('attempts', '=', delivery.attempts).where('status', '=', 'pending');
    const status = outcome.statusCode;
    if (status !== null && status >= 200 && status < 300) {
      await mine.set({ status: 'delivered', delivered_at: ctx.clock.now(), last_status_code: status, last_error: null }).execute();
      return 'delivered';
    }
    if (status === 410) {
      await mine.set({ status: 'cancelled', last_status_code: status, last_error: 'receiver answered 410 Gone' }).execute();
      const endpoint = await trx.selectFrom('webhook_endpoints').selectAll().where('id', '=', delivery.endpoint_id).forUpdate().executeTakeFirstOrThrow();
      if (endpoint.enabled) {
        await trx
          .updateTable('webhook_endpoints')
          .set({ enabled: false, disabled_reason: 'receiver answered 410 Gone', version: endpoint.version + 1, updated_at: ctx.clock.now() })
          .where('id', '=', endpoint.id)
          .execute();
        await recordChange(trx, system, { event: 'webhook.disabled', entityType: 'webhook_endpoint', entityId: endpoint.id, reason: 'receiver answered 410 Gone', before: { enabled: true }, after: { enabled: false } });
      }
      return 'disabledEndpoints';
    }
    const lastError = outcome.error ?? `HTTP ${status}`;
    const next = nextAttemptAt(delivery.attempts, now, random(), retryAfterSeconds(outcome.retryAfter, now));
    if (next) {
      await mine.set({ next_attempt_at: next, last_status_code: status, last_error: lastError }).execute();
      return 'retried';
    }
    await mine.set({ status: 'dead', last_status_code: status, last_error: lastError }).execute();
    // No notification kind fits a dead letter; admins are alerted through this audited event.
    await recordChange(trx, system, {
      event: 'webhook.dead_lettered',
      entityType: 'webhook_delivery',
      entityId: delivery.id,
      reason: lastError,
      after: { endpointId: delivery.endpoint_id, eventId: delivery.event_id, eventType: delivery.event_type, attempts: delivery.attempts },
    });
    return 'dead';
  });
}
