import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import { AppError, invalidField } from '../errors.js';
import type { IdempotencyClaim } from '../use-case-context.js';
import { canonicalJson } from '../canonical-json.js';

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyClaim: IdempotencyClaim | null;
    idempotentReplay: boolean;
  }
}

export const IDEMPOTENCY_RETENTION_MS = 24 * 3_600_000;
// An in-flight claim this old whose effect never committed belonged to a process that died: safe to retake.
const ABANDONED_AFTER_MS = 2 * 60_000;
const REPLAYED_HEADERS = ['content-type', 'etag', 'location'];

const fingerprint = (request: FastifyRequest) =>
  createHash('sha256')
    .update(`${request.method} ${request.url}\n${canonicalJson(request.body ?? null)}`)
    .digest('hex');

const principalOf = (request: FastifyRequest) =>
  request.actor?.kind === 'user' ? `user:${request.actor.userId}` : `system:${request.actor?.label ?? 'anonymous'}`;

/**
 * `Idempotency-Key` on POST: same key + same request → the stored response and one effect; another request
 * under the key → 422; while the first is running → 409. Keys are scoped per principal and kept 24 h.
 * Validation failures never reach this hook, so they are not stored (a corrected retry may reuse the key).
 */
export function installIdempotency(app: FastifyInstance, deps: { db: Db; clock: Clock }): void {
  app.decorateRequest('idempotencyClaim', null);
  app.decorateRequest('idempotentReplay', false);

  app.addHook('preHandler', async (request, reply) => {
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || key === undefined || !request.actor) return;
    if (typeof key !== 'string' || key.length < 1 || key.length > 255) throw invalidField('header.idempotency-key', 'must be 1–255 characters');
    const principal = principalOf(request);
    const requestHash = fingerprint(request);
    const now = deps.clock.now();
    const outcome = await deps.db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom('idempotency_keys')
        .where('principal', '=', principal)
        .where('key', '=', key)
        .where((eb) =>
          eb.or([
            eb('expires_at', '<=', now),
            eb.and([eb('state', '=', 'in_flight'), eb('created_at', '<', new Date(now.getTime() - ABANDONED_AFTER_MS)), eb('request_hash', '=', requestHash)]),
          ]),
        )
        .execute();
      const claimed = await trx
        .insertInto('idempotency_keys')
        .values({ principal, key, request_hash: requestHash, method: request.method, path: request.url, state: 'in_flight', created_at: now, expires_at: new Date(now.getTime() + IDEMPOTENCY_RETENTION_MS) })
        .onConflict((oc) => oc.doNothing())
        .returning('key')
        .executeTakeFirst();
      if (claimed) return { claimed: true as const };
      const existing = await trx.selectFrom('idempotency_keys').selectAll().where('principal', '=', principal).where('key', '=', key).executeTakeFirstOrThrow();
      return { claimed: false as const, existing };
    });
    if (outcome.claimed) {
      request.idempotencyClaim = { principal, key };
      return;
    }
    const { existing } = outcome;
    if (existing.request_hash !== requestHash) throw new AppError('idempotency_key_reused', 'This Idempotency-Key was already used for a different request.');
    if (existing.state !== 'done' || existing.response_status === null) {
      throw new AppError('idempotency_in_flight', 'The first request with this Idempotency-Key has not finished; retry shortly.');
    }
    request.idempotentReplay = true;
    reply.code(existing.response_status).headers(existing.response_headers ?? {}).header('idempotent-replayed', 'true');
    return reply.send(existing.response_body ?? '');
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const claim = request.idempotencyClaim;
    if (!claim || request.idempotentReplay) return payload;
    const where = deps.db.updateTable('idempotency_keys').where('principal', '=', claim.principal).where('key', '=', claim.key);
    if (reply.statusCode >= 500) {
      // Nothing committed: forget the key so the client's retry runs again.
      await deps.db.deleteFrom('idempotency_keys').where('principal', '=', claim.principal).where('key', '=', claim.key).where('state', '=', 'in_flight').execute();
    }
    const headers = Object.fromEntries(REPLAYED_HEADERS.flatMap((h) => (reply.getHeader(h) === undefined ? [] : [[h, String(reply.getHeader(h))]])));
    await where
      .set({ state: 'done', response_status: reply.statusCode, response_body: typeof payload === 'string' ? payload : payload == null ? '' : String(payload), response_headers: JSON.stringify(headers) })
      .execute();
    return payload;
  });
}
