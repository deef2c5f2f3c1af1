import { sql } from 'kysely';
import type { Db, Trx } from '../db/database.js';
import { chainedEvent, hashRow } from './chain.js';

const BATCH = 2_000;
const COALESCE_MS = 50;

/**
 * Links every committed, not yet sealed audit row into the hash chain, in sequence order, and returns how many
 * it sealed. Writers never wait for this: they append rows without a lock, and the chain order is the order in
 * which the sealer finds committed rows. Any number of processes may call it; the chain head row makes them
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
  // transactions can still turn up, and the next pass starts looking there.
  const head = (
    await sql<{ seq: string; hash: string; sealed_below: string; horizon: string }>`
      select seq, hash, sealed_below, pg_snapshot_xmin(pg_current_snapshot()) as horizon from audit_chain_head for update`.execute(trx)
  ).rows[0]!;
  const events = await trx
    .selectFrom('audit_events as e')
    .selectAll('e')
    .where('e.xid', '>=', sql<string>`${head.sealed_below}::xid8`)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('audit_seals as s')
            .select(sql`1`.as('one'))
            .whereRef('s.event_seq', '=', 'e.seq'),
        ),
      ),
    )
    .orderBy('e.seq')
    .limit(BATCH)
    .execute();
  let position = Number(head.seq);
  let prevHash = head.hash;
  const seals = events.map((event) => {
    const hash = hashRow(chainedEvent(event, ++position, prevHash));
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
    do {
      state.again = false;
      // A short wait lets a burst of commits share one pass (one transaction) instead of one pass each.
      await new Promise((resolve) => setTimeout(resolve, COALESCE_MS));
      await sealAudit(db).catch(() => undefined);
    } while (state.again);
  })().finally(() => {
    state.running = null;
  });
}

/** Resolves once no pass started by sealSoon is running (before closing the pool). */
export async function sealingSettled(db: Db): Promise<void> {
  await sealingOf.get(db)?.running;
}
