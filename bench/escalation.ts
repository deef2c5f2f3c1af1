/**
 * Escalation sweep: n escalation timers due now (one per open assignment of a lead; breach, notify owner and
 * notify manager in rotation), fired by two concurrent `sweepEscalations` (the cron task's batch size, 500)
 * — vs a baseline on the same database and the same timers: a raw `UPDATE … SET state = 'fired'` over a
 * `FOR UPDATE SKIP LOCKED` batch of 500, looped on two connections until nothing is due.
 * Then checks each timer fired exactly once: its state, one audit row per timer, the notifications each
 * action owes, and that the audit chain verifies. Setup is set-based SQL, not use cases.
 * With --profile each sweeper gets a Kysely that logs its statements (this costs a little): the result then
 * says where the sweep's time went — statements by total time, how long the audit chain lock was held (from
 * the lock to commit, summed over both sweepers, as a share of the sweep) and what active sessions waited on.
 * Usage: npx tsx bench/escalation.ts [--n 100000] [--profile]
 */
import { type LogEvent, Kysely, PostgresDialect, sql } from 'kysely';
import { verifyAudit } from '../src/platform/audit/verify-audit.js';
import type { Database } from '../src/platform/db/database.js';
import { sweepEscalations } from '../src/routing/use-cases/sweep-escalations.js';
import {
  type BenchOptions,
  type BenchRuntime,
  cpuMeter,
  cpuPerItem,
  isMain,
  numberArg,
  round,
  sampleWaits,
  setupRoutingOrg,
  withBenchDatabase,
} from './support.js';

const BATCH = 500;

export async function seedDueTimers({ superuser }: BenchRuntime, n: number, owners: string[]): Promise<void> {
  // Leads, their open assignments (due an hour ago) and one due timer each, set-based, in chunks (each well inside
  // the statement timeout on a loaded box). Ids are drawn up front so each lead is inserted with its current
  // assignment already set, instead of a second pass over every lead. The rows reference each other and
  // existing users and teams by construction, so each chunk skips the per-row foreign-key triggers
  // (session_replication_role = replica, transaction-local; they were ~45 % of the insert time). A dangling
  // reference would still show: a timer without its assignment is never claimed (fired < n), and the
  // sweep's own notification inserts check their users.
  const CHUNK = 20_000;
  for (let from = 1; from <= n; from += CHUNK) {
    const to = Math.min(n, from + CHUNK - 1);
    await superuser.db.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      await sql`
      with owner_list as (select array_agg(u.id order by u.id) as ids, array_agg(u.team_id order by u.id) as teams from users u where u.id = any(${owners}::uuid[])),
      planned as materialized (
        select g, gen_random_uuid() as lead_id, gen_random_uuid() as assignment_id, ids[1 + g % cardinality(ids)] as owner_id, teams[1 + g % cardinality(ids)] as team_id
        from generate_series(${from}::int, ${to}::int) g, owner_list
      ),
      new_leads as (
        insert into leads (id, name, region, owner_id, current_assignment_id, created_at, updated_at)
        select lead_id, 'Escalation lead ' || g, 'Central', owner_id, assignment_id, now() - interval '3 hours', now() - interval '3 hours' from planned
      ),
      new_assignments as (
        insert into assignments (id, record_type, record_id, owner_id, team_id, reason_code, reason, due_at, source, explanation, actor_label, created_at)
        select assignment_id, 'lead', lead_id, owner_id, team_id, 'rule', 'Bench escalation', now() - interval '1 hour', 'rule', '{}'::jsonb, 'bench', now() - interval '3 hours' from planned
      )
      insert into escalation_timers (assignment_id, step_index, action, fire_at)
      select assignment_id, g % 3, (array['breach', 'notify_owner', 'notify_manager'])[1 + g % 3], now() - interval '1 minute' from planned`.execute(
        trx,
      );
    });
  }
  await sql`vacuum analyze leads, assignments, escalation_timers`.execute(superuser.db);
}

async function rawSweep(bench: BenchRuntime, sweepers: number): Promise<number> {
  let fired = 0;
  await Promise.all(
    Array.from({ length: sweepers }, async () => {
      for (;;) {
        const result = await sql`
          with claimed as (
            select id from escalation_timers where state = 'pending' and fire_at <= now() order by fire_at limit ${BATCH} for update skip locked
          )
          update escalation_timers t set state = 'fired', fired_at = now(), outcome = 'raw baseline' from claimed where t.id = claimed.id`.execute(
          bench.handle.db,
        );
        const rows = Number(result.numAffectedRows ?? 0);
        fired += rows;
        if (rows < BATCH) return;
      }
    }),
  );
  return fired;
}

type Traced = { key: string; endMs: number; ms: number };
const statementKey = (text: string) => text.replace(/\s+/g, ' ').trim().replace(/\$\d+/g, '?').slice(0, 100);

/** A Kysely on the bench pool that records every statement it runs, in order (one per sweeper, so per connection). */
function tracedKysely(bench: BenchRuntime, trace: Traced[]) {
  return new Kysely<Database>({
    dialect: new PostgresDialect({ pool: bench.handle.pool }),
    log: (event: LogEvent) => {
      trace.push({ key: statementKey(event.query.sql), endMs: performance.now(), ms: event.queryDurationMillis });
    },
  });
}

function profileOf(traces: Traced[][], sweepMs: number, waits: Awaited<ReturnType<ReturnType<typeof sampleWaits>['stop']>>) {
  const byStatement = new Map<string, { calls: number; ms: number }>();
  let holdMs = 0;
  let lockWaitMs = 0;
  let transactions = 0;
  for (const trace of traces) {
    let lockedAt = 0;
    for (const e of trace) {
      const entry = byStatement.get(e.key) ?? { calls: 0, ms: 0 };
      entry.calls++;
      entry.ms += e.ms;
      byStatement.set(e.key, entry);
      if (e.key.includes('pg_advisory_xact_lock')) {
        lockedAt = e.endMs;
        lockWaitMs += e.ms;
      } else if (e.key === 'commit') {
        transactions++;
        if (lockedAt) holdMs += e.endMs - lockedAt;
        lockedAt = 0;
      }
    }
  }
  return {
    transactions,
    statements: [...byStatement.entries()]
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, 10)
      .map(([statement, s]) => ({ statement, calls: s.calls, totalMs: round(s.ms), meanMs: round(s.ms / s.calls, 1) })),
    auditChainLock: {
      heldMs: round(holdMs),
      heldShareOfSweep: round(holdMs / sweepMs, 3),
      meanHeldMs: round(holdMs / Math.max(1, transactions), 1),
      waitedMs: round(lockWaitMs),
    },
    databaseWaits: waits,
  };
}

export async function runEscalationBench(options: BenchOptions & { profile?: boolean } = {}) {
  const n = options.n ?? 100_000;
  const sweepers = 2;
  return withBenchDatabase(async (bench) => {
    const total = 6;
    const progress = (step: number) => options.onProgress?.(step, total);
    const org = await setupRoutingOrg(bench.ctx, { wipCap: 1_000_000 });
    progress(1);
    let started = performance.now();
    await seedDueTimers(bench, n, [...org.reps.values()]);
    const setupMs = performance.now() - started;
    progress(2);

    started = performance.now();
    const rawFired = await rawSweep(bench, sweepers);
    const rawMs = performance.now() - started;
    progress(3);
    // The same timers again, pending and due, for Baton's sweep.
    await sql`update escalation_timers set state = 'pending', fired_at = null, outcome = null`.execute(bench.superuser.db);
    await sql`vacuum analyze escalation_timers`.execute(bench.superuser.db);
    progress(4);

    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 100);
    const traces: Traced[][] = Array.from({ length: sweepers }, () => []);
    const contexts = traces.map((trace) => (options.profile ? { ...bench.ctx, db: tracedKysely(bench, trace) } : bench.ctx));
    const waits = options.profile ? sampleWaits(bench) : null;
    const meter = cpuMeter(bench.dataDir);
    started = performance.now();
    const results = await Promise.all(contexts.map((ctx) => sweepEscalations(ctx, { batchSize: BATCH })));
    const sweepMs = performance.now() - started;
    const cpu = cpuPerItem(meter.stop(), n, sweepMs);
    clearInterval(sampler);
    const profile = waits ? profileOf(traces, sweepMs, await waits.stop()) : undefined;
    progress(5);

    const db = bench.superuser.db;
    const one = async <T>(query: ReturnType<typeof sql<T>>) => (await query.execute(db)).rows[0]!;
    const timers = await one(sql<{ fired: string; pending: string; other: string }>`
      select count(*) filter (where state = 'fired') as fired, count(*) filter (where state = 'pending') as pending, count(*) filter (where state not in ('fired', 'pending')) as other
      from escalation_timers`);
    const audit = await one(sql<{ rows: string; timers: string; twice: string; missing: string }>`
      with per_timer as (select (after ->> 'timerId')::uuid as timer_id, count(*) as c from audit_events where event_name = 'escalation.fired' group by 1)
      select (select coalesce(sum(c), 0) from per_timer) as rows, (select count(*) from per_timer) as timers,
             (select count(*) from per_timer where c > 1) as twice,
             (select count(*) from escalation_timers t where not exists (select 1 from per_timer p where p.timer_id = t.id)) as missing`);
    // What each action owes: breach → owner (+ manager when there is one), notify_owner → owner, notify_manager → manager.
    const notifications = await one(sql<{ expected: string; actual: string; wrong_records: string }>`
      with expected as (
        select a.record_id,
               case t.action when 'breach' then 1 + (m.manager_id is not null and m.manager_id <> a.owner_id)::int
                             when 'notify_owner' then 1 else (m.manager_id is not null)::int end as n
        from escalation_timers t join assignments a on a.id = t.assignment_id
        left join (select u.id, tm.manager_id from users u join teams tm on tm.id = u.team_id) m on m.id = a.owner_id
      ),
      actual as (select record_id, count(*) as n from notifications where kind in ('breached', 'escalated') group by record_id)
      select (select sum(n) from expected) as expected, (select sum(n) from actual) as actual,
             (select count(*) from expected e left join actual x using (record_id) where coalesce(x.n, 0) <> e.n) as wrong_records`);
    const verifyStarted = performance.now();
    const chain = await verifyAudit(bench.handle.db, bench.runtime.checkpoints);
    const verifyMs = performance.now() - verifyStarted;
    progress(6);

    const fired = results.reduce((sum, r) => sum + r.fired, 0);
    const rate = (count: number, ms: number) => round((count / ms) * 1000);
    return {
      benchmark: 'escalation-sweep',
      timers: n,
      sweepers,
      batchSize: BATCH,
      setupMs: round(setupMs),
      baton: {
        totalMs: round(sweepMs),
        cpu,
        timersPerSec: rate(fired, sweepMs),
        firedPerSweeper: results.map((r) => r.fired),
        byAction: results.reduce<Record<string, number>>((acc, r) => {
          for (const [action, count] of Object.entries(r.byAction)) acc[action] = (acc[action] ?? 0) + count;
          return acc;
        }, {}),
        rssPeakMb: round(rssPeak / 1_048_576),
        target: '100,000 due timers in < 30 s, each exactly once',
      },
      rawSqlBaseline: {
        totalMs: round(rawMs),
        timersPerSec: rate(rawFired, rawMs),
        fired: rawFired,
        what: `UPDATE … SET state = 'fired' over SELECT … LIMIT ${BATCH} FOR UPDATE SKIP LOCKED, ${sweepers} connections, no effects`,
      },
      ratioToBaseline: round(rawMs / sweepMs, 3),
      ...(profile ? { profile } : {}),
      verification: {
        exactlyOnce:
          Number(timers.fired) === n &&
          Number(audit.rows) === n &&
          Number(audit.twice) === 0 &&
          Number(audit.missing) === 0 &&
          Number(notifications.wrong_records) === 0 &&
          chain.ok,
        timers: { fired: Number(timers.fired), pending: Number(timers.pending), other: Number(timers.other) },
        auditRowsPerTimer: {
          rows: Number(audit.rows),
          timers: Number(audit.timers),
          firedTwice: Number(audit.twice),
          missing: Number(audit.missing),
        },
        notifications: {
          expected: Number(notifications.expected),
          actual: Number(notifications.actual),
          recordsWithWrongCount: Number(notifications.wrong_records),
        },
        auditChain: { ok: chain.ok, rows: chain.rows, verifyMs: round(verifyMs) },
      },
    };
  });
}

if (isMain(import.meta.url)) {
  console.log(JSON.stringify(await runEscalationBench({ n: numberArg('n'), profile: process.argv.includes('--profile') }), null, 2));
}
