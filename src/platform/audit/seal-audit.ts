import { sql } from 'kysely';
import type { Db, Trx } from '../db/database.js';
import { chainedEvent, hashRow, sealHash } from './chain.js';

const BATCH = 2_000;
const COALESCE_MS = 50;
const BUSY_PASS = 500;
const BACKOFF_MS = 500;

/**
 * Links every committed, not yet sealed audit row into the hash chain (by writing transaction, then sequence),
 * and returns how many it sealed. Writers never wait for this: they append rows (with their content's digest)
 * without a lock, and the chain order is the order in which the sealer finds committed rows. Any number of processes may call it; the chain head row makes them
 * take turns.
 */
export async function sealAudit(db: Db): Promise<number> {
  // Sealing inside a caller's transaction would chain rows that may still roll back.
  if (db.isTransaction) throw new Error('sealAudit runs in a transaction of its own');
  let total = 0;
  for (;;) {
    const { sealed, more } = await db.transaction().execute(sealBatch);
    total += sealed;
    if (!more) return total;
  }
}

async function sealBatch(trx: Trx): Promise<{ sealed: number; more: boolean }> {
  // `horizon` comes from this statement's snapshot, taken before the rows below are read: every transaction
  // older than it had finished by then, so its rows are read now or were sealed before. Only rows of younger
  // transactions can still turn up, and the next pass starts looking there. The planner has no statistics for the
  // newest xids and would scan the whole table; the settings (this transaction only) keep it on the (xid, seq)
  // index, without starting parallel workers for a handful of rows.
  const head = (
    await sql<{ seq: string; hash: string; sealed_below: string; horizon: string }>`
      select seq, hash, sealed_below, pg_snapshot_xmin(pg_current_snapshot()) as horizon,
             set_config('enable_seqscan', 'off', true), set_config('max_parallel_workers_per_gather', '0', true)
      from audit_chain_head for update`.execute(trx)
  ).rows[0]!;
  // In (xid, seq) order, the index's: the scan starts at the horizon. The LATERAL … LIMIT 1 makes "not sealed" a
  // probe of the seals' unique index per candidate, never a join over every seal ever written.
  const events = (
    await sql<{ seq: string; digest: string | null }>`
      select e.seq, e.digest
      from audit_events e
      left join lateral (select true as sealed from audit_seals s where s.event_seq = e.seq limit 1) s on true
      where e.xid >= ${head.sealed_below}::xid8 and s.sealed is null
      order by e.xid, e.seq
      limit ${BATCH}`.execute(trx)
  ).rows;
  // A row written without a digest (by hand, or by an older writer) is hashed whole, which needs its content.
  const undigested = events.filter((e) => e.digest === null).map((e) => e.seq);
  const whole = new Map(
    undigested.length === 0
      ? []
      : (await trx.selectFrom('audit_events').selectAll().where('seq', 'in', undigested).execute()).map((e) => [e.seq, e]),
  );
  let position = Number(head.seq);
  let prevHash = head.hash;
  const seals = events.map((event) => {
    position++;
    const hash =
      event.digest !== null ? sealHash(prevHash, position, event.digest) : hashRow(chainedEvent(whole.get(event.seq)!, position, prevHash));
    const seal = { position, eventSeq: event.seq, prevHash, hash };
    prevHash = hash;
    return seal;
  });
  if (seals.length > 0) {
    await sql`insert into audit_seals (position, event_seq, prev_hash, hash)
              select * from unnest(${seals.map((s) => s.position)}::bigint[], ${seals.map((s) => s.eventSeq)}::bigint[],
                                   ${seals.map((s) => s.prevHash)}::text[], ${seals.map((s) => s.hash)}::text[])`.execute(trx);
  }
  const more = events.length === BATCH;
  await sql`update audit_chain_head
            set seq = ${position}, hash = ${prevHash},
                sealed_below = ${more ? sql`sealed_below` : sql`greatest(sealed_below, ${head.horizon}::xid8)`}`.execute(trx);
  return { sealed: seals.length, more };
}

type Sealing = { running: Promise<void> | null; again: boolean };
const sealingOf = new WeakMap<Db, Sealing>();

/**
 * Called after a commit that appended audit rows: seals them shortly, off the writer's path. Commits that land
 * while a pass runs are picked up by one more pass. A failed pass is left to the next commit, the minute cron
 * task, or verify — all of which seal first.
 */
export function sealSoon(db: Db): void {
  // A use case run inside someone else's transaction (dbWithin) has not committed yet; its owner seals after.
  if (db.isTransaction) return;
  let sealing = sealingOf.get(db);
  if (!sealing) sealingOf.set(db, (sealing = { running: null, again: false }));
  if (sealing.running) {
    sealing.again = true;
    return;
  }
  const state = sealing;
  state.running = (async () => {
    let sealed = 0;
    do {
      state.again = false;
      // A short wait lets a burst of commits share one pass (one transaction) instead of one pass each; after a
      // big pass the sealer steps back further, so under heavy writing it takes CPU from the writers less often.
      await new Promise((resolve) => setTimeout(resolve, sealed >= BUSY_PASS ? BACKOFF_MS : COALESCE_MS));
      sealed = await sealAudit(db).catch(() => 0);
    } while (state.again);
  })().finally(() => {
    state.running = null;
  });
}

/** Resolves once no pass started by sealSoon is running (before closing the pool). */
export async function sealingSettled(db: Db): Promise<void> {
  await sealingOf.get(db)?.running;
}
