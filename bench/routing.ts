/**
 * Routing decisions on a throwaway embedded database, with the CRM dataset's reps in three regional pools (round
 * robin, weighted, least loaded) plus a strategic desk, and the 31-rule lead rule set (bench/support.ts).
 *
 * (a) HTTP: 16 concurrent clients POST /api/v1/leads over a real socket (each lead is routed in its own
 *     transaction: pool row lock, assignment, audit, outbox, timers, inbox) vs a raw-SQL baseline on the same
 *     database — 16 connections, one transaction per lead with 3 inserts (lead, assignment, outbox event) and
 *     1 update (the lead's owner). Then the same traffic paced at half the measured peak, for tail latency.
 *     Afterwards: every lead has exactly one open assignment, no WIP cap is exceeded, the audit chain verifies.
 * (b) Bulk: routeUnownedRecords over existing leads (inserted set-based; streamed in keyset pages), on a second fresh database whose caps
 *     do not bind; where the time goes comes from timing every SQL statement (Kysely's query log).
 * Usage: npx tsx bench/routing.ts [--n 3000] [--bulk 50000] [--what-if-index] [--only http|bulk]
 *   --what-if-index adds an index on assignments (owner_id, pool_id, created_at) first, to measure that suggestion.
 */
import { type LogEvent, Kysely, PostgresDialect, sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import pino from 'pino';
import { buildApp } from '../src/app.js';
import { createApiToken } from '../src/identity/use-cases/create-api-token.js';
import { createUser } from '../src/identity/use-cases/create-user.js';
import { AUDIT_COLUMNS as AUDIT_COLUMN_TYPES } from '../src/platform/audit/append-audit.js';
import { verifyAudit } from '../src/platform/audit/verify-audit.js';
import { OUTBOX_COLUMNS as OUTBOX_COLUMN_TYPES } from '../src/platform/outbox/emit.js';
import type { Database } from '../src/platform/db/database.js';
import { recordChange } from '../src/platform/record-change.js';
import { inTransaction } from '../src/platform/use-case-context.js';
import { createLead } from '../src/routing/use-cases/create-lead.js';
import { CHUNK } from '../src/routing/use-cases/route-records-batch.js';
import { routeUnownedRecords } from '../src/routing/use-cases/route-unowned-records.js';
import { ASSIGNMENT_COLUMNS } from '../src/routing/store.js';
import {
  type BenchOptions,
  type BenchRuntime,
  type CpuSplit,
  closedLoop,
  cpuMeter,
  cpuPerItem,
  crmFacts,
  isMain,
  leadInput,
  loadCrm,
  numberArg,
  percentiles,
  round,
  pacedLoop,
  sampleWaits,
  setupRoutingOrg,
  withBenchDatabase,
  writeCalls,
} from './support.js';

const CLIENTS = 16;

export type RoutingBenchOptions = BenchOptions & { bulk?: number; whatIfIndex?: boolean; only?: 'http' | 'bulk'; bulkProgress?: boolean };

/** The index suggested for the pool-load query's per-member "assigned today/this week" counts (not in the schema). */
const WHAT_IF_INDEX = 'create index bench_assignments_owner_pool_created on assignments (owner_id, pool_id, created_at)';

type HttpLoad =
  | { mode: 'closed'; firstIndex: number; count: number; concurrency: number }
  | { mode: 'paced'; firstIndex: number; count: number; ratePerSec: number };

// The clients run in a worker thread: their own event loop, so the server's load shedding (under-pressure
// watches event-loop utilisation) sees the server's work, not the benchmark's.
const CLIENT_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { url, token, load, bodies, method } = workerData;
const fs = require('node:fs');
// This thread's own CPU (Linux): the load generator shares the machine with the server and the database.
const threadCpuMs = () => { try { const s = fs.readFileSync('/proc/thread-self/stat', 'utf8'); const f = s.slice(s.lastIndexOf(')') + 2).split(' '); return (Number(f[11]) + Number(f[12])) * 10; } catch { return null; } };
const samples = new Float64Array(load.count);
const ok = new Uint8Array(load.count);
const statuses = {};
const post = async (i) => {
  const t0 = performance.now();
  let status = 'network_error';
  try {
    const res = await fetch(url, method === 'GET' ? { headers: { authorization: 'Bearer ' + token } } : { method, headers: { authorization: 'Bearer ' + token, 'content-type': 'application/json' }, body: bodies[i] });
    await res.arrayBuffer();
    status = String(res.status);
  } catch {}
  samples[i] = performance.now() - t0;
  ok[i] = status === (method === 'GET' ? '200' : '201') ? 1 : 0;
  statuses[status] = (statuses[status] || 0) + 1;
};
(async () => {
  const cpuAtStart = threadCpuMs();
  const started = performance.now();
  if (load.mode === 'closed') {
    let next = 0;
    await Promise.all(Array.from({ length: load.concurrency }, async () => { while (next < load.count) await post(next++); }));
  } else {
    await Promise.all(Array.from({ length: load.count }, async (_, i) => {
      await new Promise((r) => setTimeout(r, Math.max(0, started + (i * 1000) / load.ratePerSec - performance.now())));
      await post(i);
    }));
  }
  const cpuAtEnd = threadCpuMs();
  parentPort.postMessage({ totalMs: performance.now() - started, samples, ok, statuses, cpuMs: cpuAtStart === null ? null : cpuAtEnd - cpuAtStart });
})();
`;

/**
 * Runs one HTTP load in a worker; counts only 201s (200s for a GET) as decisions and gives their latencies (and the
 * rest's statuses), and the client thread's own CPU.
 */
async function httpLoad(url: string, token: string, load: HttpLoad, method: 'POST' | 'GET' = 'POST') {
  const bodies = method === 'GET' ? [] : Array.from({ length: load.count }, (_, i) => JSON.stringify(leadInput(load.firstIndex + i)));
  const worker = new Worker(CLIENT_WORKER, { eval: true, workerData: { url, token, load, bodies, method } });
  const result = await new Promise<{
    totalMs: number;
    samples: Float64Array;
    ok: Uint8Array;
    statuses: Record<string, number>;
    cpuMs: number | null;
  }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  const decided = result.samples.filter((_, i) => result.ok[i] === 1);
  const refused = result.samples.filter((_, i) => result.ok[i] === 0);
  return {
    requests: load.count,
    decisions: decided.length,
    totalMs: round(result.totalMs),
    decisionsPerSec: round((decided.length / result.totalMs) * 1000),
    latencyMs: percentiles(decided),
    statuses: result.statuses,
    refusedLatencyMs: refused.length ? percentiles(refused) : null,
    clientCpuMs: result.cpuMs,
  };
}

const perUnit = (ms: number, units: number) => round(ms / units, 2);

/** CPU per request of a load, split server / client / database, and how busy the machine's cores were. */
function cpuPerRequest(split: CpuSplit | null, load: { decisions: number; totalMs: number; clientCpuMs: number | null }) {
  if (!split || load.clientCpuMs === null || load.decisions === 0) return null;
  const serverOther = Math.max(0, split.nodeOtherThreads - load.clientCpuMs);
  const total = split.nodeMainThread + split.nodeOtherThreads + split.postgres;
  return {
    serverMainThreadMs: perUnit(split.nodeMainThread, load.decisions),
    serverOtherThreadsMs: perUnit(serverOther, load.decisions),
    clientMs: perUnit(load.clientCpuMs, load.decisions),
    postgresMs: perUnit(split.postgres, load.decisions),
    totalMs: perUnit(total, load.decisions),
    coresBusy: round(total / load.totalMs, 2),
  };
}

/** After a run: ownership invariants and the audit chain, straight from the database. */
async function invariants(bench: BenchRuntime, leadFilter: string) {
  const db = bench.superuser.db;
  const row = (
    await sql<{
      leads: string;
      not_one_open: string;
      owner_mismatch: string;
      unassigned: string;
      over_cap: string;
      max_open_vs_cap: string | null;
    }>`
      with l as (select * from leads where name like ${leadFilter} and name not like 'Baseline %'),
      open_counts as (select l.id, l.owner_id, l.current_assignment_id, count(a.id) as open, max(a.owner_id::text) as open_owner, max(a.id::text) as open_id
                      from l left join assignments a on a.record_type = 'lead' and a.record_id = l.id and a.closed_at is null group by l.id, l.owner_id, l.current_assignment_id),
      loads as (select m.user_id, min(m.wip_cap) as cap, (select count(*) from assignments a where a.owner_id = m.user_id and a.closed_at is null) as open
                from pool_members m where m.wip_cap is not null group by m.user_id)
      select (select count(*) from l) as leads,
             (select count(*) from open_counts where open <> 1) as not_one_open,
             (select count(*) from open_counts where open = 1 and (owner_id::text is distinct from open_owner or current_assignment_id::text is distinct from open_id)) as owner_mismatch,
             (select count(*) from unassigned_records u join l on l.id = u.record_id) as unassigned,
             (select count(*) from loads where open > cap) as over_cap,
             (select max(open)::text || ' / ' || min(cap)::text from loads) as max_open_vs_cap`.execute(db)
  ).rows[0]!;
  const started = performance.now();
  const chain = await verifyAudit(bench.handle.db, bench.runtime.checkpoints);
  return {
    leads: Number(row.leads),
    leadsWithoutExactlyOneOpenAssignment: Number(row.not_one_open),
    leadsWhoseOwnerDiffersFromTheLedger: Number(row.owner_mismatch),
    unassigned: Number(row.unassigned),
    membersOverWipCap: Number(row.over_cap),
    busiestMemberOpenVsCap: row.max_open_vs_cap,
    auditChain: {
      ok: chain.ok,
      rows: chain.rows,
      pendingSeal: chain.ok ? chain.pending : null,
      verifyMs: round(performance.now() - started),
    },
  };
}

async function httpPart(bench: BenchRuntime, n: number, progress: (step: number) => void, whatIfIndex: boolean) {
  const { runtime, handle, ctx } = bench;
  if (whatIfIndex) await sql.raw(WHAT_IF_INDEX).execute(bench.superuser.db);
  // Caps sized so the busiest pools fill up during the run: the fallback path and the cap checks are exercised.
  const org = await setupRoutingOrg(ctx, { wipCap: Math.max(20, Math.round((n * 1.5) / 35)) });
  const baselineOwners = await Promise.all(
    Array.from({ length: 5 }, (_, i) =>
      createUser(ctx, { email: `baseline${i}@bench.baton.dev`, name: `Baseline ${i}`, role: 'sales_rep' }),
    ),
  );
  const admin = await createUser(ctx, { email: 'bench.admin@bench.baton.dev', name: 'Bench Admin', role: 'admin' });
  const token = await createApiToken(ctx, { name: 'bench', userId: admin.id });
  const app = await buildApp({
    db: handle.db,
    pool: handle.pool,
    clock: runtime.clock,
    logger: pino({ level: 'silent' }),
    checkpoints: runtime.checkpoints,
    cookieSecret: runtime.secrets.cookieSecret,
    version: 'bench',
    rateLimit: { max: 1_000_000_000, timeWindow: '1 minute' },
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  progress(1);
  const statuses: Record<string, number> = {};
  const run = async (load: HttpLoad, path = '/api/v1/leads', method: 'POST' | 'GET' = 'POST') => {
    const result = await httpLoad(`${address}${path}`, token.token, load, method);
    // Only lead creations count here; the authenticated-GET floor's answers are its own.
    if (method === 'POST')
      for (const [status, count] of Object.entries(result.statuses)) statuses[status] = (statuses[status] ?? 0) + count;
    return result;
  };
  try {
    await run({ mode: 'closed', firstIndex: 1_000_000, count: Math.min(200, n), concurrency: CLIENTS });
    const waits = sampleWaits(bench);
    const peakCpu = cpuMeter(bench.dataDir);
    const peak = await run({ mode: 'closed', firstIndex: 0, count: n, concurrency: CLIENTS });
    const peakCpuSplit = peakCpu.stop();
    const waitProfile = await waits.stop();
    progress(2);

    // Half of peak, paced (open loop): requests start on schedule whether or not earlier ones have finished.
    const halfRate = Math.max(1, peak.decisionsPerSec / 2);
    const paced = await run({ mode: 'paced', firstIndex: 2_000_000, count: Math.round(n / 2), ratePerSec: halfRate });
    progress(3);

    // Raw baseline: the minimal durable decision, same database, same number of concurrent connections.
    const owners = baselineOwners.map((u) => u.id);
    const baselineCpu = cpuMeter(bench.dataDir);
    const rawDecision = async (i: number) => {
      const client = await handle.pool.connect();
      try {
        const lead = { ...leadInput(3_000_000 + i), name: `Baseline lead ${i}` };
        const owner = owners[i % owners.length]!;
        await client.query('begin');
        const inserted = await client.query<{ id: string }>(
          `insert into leads (name, company, email, region, product, product_line, amount, source, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, now(), now()) returning id`,
          [lead.name, lead.company, lead.email, lead.region, lead.product, lead.productLine, lead.amount, lead.source],
        );
        const leadId = inserted.rows[0]!.id;
        const assignment = await client.query<{ id: string }>(
          `insert into assignments (record_type, record_id, owner_id, reason_code, reason, due_at, source, explanation, actor_label, created_at)
           values ('lead', $1, $2, 'rule', 'baseline', now() + interval '8 hours', 'rule', '{}', 'baseline', now()) returning id`,
          [leadId, owner],
        );
        await client.query(
          `insert into outbox_events (aggregate_type, aggregate_id, event_type, payload) values ('lead', $1, 'assignment.created', $2)`,
          [leadId, JSON.stringify({ ownerId: owner })],
        );
        // The owner guard trigger only lets routing write owner_id; the baseline says it is routing, in the same statement.
        await client.query(
          `update leads set owner_id = $2, current_assignment_id = $3 from (select set_config('baton.ownership_writer', 'routing', true)) w where id = $1`,
          [leadId, owner, assignment.rows[0]!.id],
        );
        await client.query('commit');
      } catch (error) {
        await client.query('rollback');
        throw error;
      } finally {
        client.release();
      }
    };
    const baseline = await closedLoop(n, CLIENTS, rawDecision);
    const baselineCpuSplit = baselineCpu.stop();
    progress(4);

    // The cheapest authenticated request (GET /api/v1/me: token lookup, access hooks, one small JSON answer), same
    // clients: what HTTP alone costs the server, the client and the database, before any domain work.
    const floorCpu = cpuMeter(bench.dataDir);
    const floor = await run({ mode: 'closed', firstIndex: 0, count: n, concurrency: CLIENTS }, '/api/v1/me', 'GET');
    const floorCpuSplit = floorCpu.stop();

    // The same raw transaction at Baton's half-peak pace, and one at a time: the tail latency this machine gives
    // the minimal durable decision (4 statements and a commit) under the same load, and with no load at all.
    const rawPaced = await pacedLoop(Math.round(n / 2), halfRate, (i) => rawDecision(5_000_000 + i));
    const rawAlone = await closedLoop(Math.min(300, n), 1, (i) => rawDecision(6_000_000 + i));

    // What every write shares: transactions that only append one audit row and one outbox event. The hash chain
    // is sealed after commit (seal-audit.ts), so these no longer serialise on a chain lock; the sealer keeps up
    // in the background and the chain verifies afterwards.
    const auditOnly = await closedLoop(n, CLIENTS, (i) =>
      inTransaction(ctx, (trx) =>
        recordChange(trx, ctx, {
          event: 'lead.updated',
          entityType: 'lead',
          entityId: randomUUID(),
          reason: `chain ceiling ${i}`,
          after: { i },
        }),
      ),
    );

    // One decision at a time through the use case, every statement timed: the uncontended cost of a decision.
    const profiled = timedKysely(bench);
    const writesBefore = writeCalls();
    const single = await closedLoop(Math.min(300, n), 1, (i) => createLead({ ...ctx, db: profiled.db }, leadInput(4_000_000 + i)));
    const writesAfter = writeCalls();
    const singlePlan = await profiled.explainCostliestSelect();
    const checks = await invariants(bench, '% inquiry #%');
    return {
      leads: n,
      clients: CLIENTS,
      wipCap: org.wipCap,
      statuses,
      baton: peak,
      rawSqlBaseline: {
        decisionsPerSec: baseline.perSec,
        totalMs: baseline.totalMs,
        latencyMs: baseline.latencyMs,
        what: '3 inserts (lead, assignment, outbox) + 1 update (lead owner) per transaction, 16 pg connections',
      },
      ratioToBaseline: round(peak.decisionsPerSec / baseline.perSec, 3),
      cpu: cpuBudget(
        cpuPerRequest(peakCpuSplit, peak),
        baselineCpuSplit,
        baseline,
        cpuPerRequest(floorCpuSplit, floor),
        floor.decisionsPerSec,
      ),
      auditedWriteCeiling: {
        writesPerSec: auditOnly.perSec,
        latencyMs: auditOnly.latencyMs,
        what: 'one audit row + one outbox event per transaction, 16 concurrent; no other lock',
      },
      databaseWaitsDuringPeak: waitProfile,
      singleDecisionUncontended: {
        decisions: single.ops,
        perSec: single.perSec,
        latencyMs: single.latencyMs,
        ...profiled.split(single.ops, single.totalMs),
        writesPerUnit: writesBefore === null || writesAfter === null ? null : round((writesAfter - writesBefore) / single.ops, 2),
        costliestSelectPlan: singlePlan,
      },
      halfPeakPaced: { targetPerSec: round(halfRate), ...paced },
      rawSqlBaselineLatencyMs: { atBatonsHalfPeakPace: rawPaced.latencyMs, oneAtATime: rawAlone.latencyMs },
      invariants: checks,
      targets: 'HTTP ≥ 50 % of the raw baseline; p99 < 15 ms at half of peak',
    };
  } finally {
    await app.close();
  }
}

/**
 * Where the CPU of a decision goes against the baseline's transaction. When the cores are saturated, throughput is
 * cores ÷ CPU per request, so the ratio to the baseline can be no better than the baseline's CPU per transaction ÷
 * ours: the ceilings below are that ratio with the server's own work removed, or cut to a bare authenticated request.
 */
function cpuBudget(
  baton: ReturnType<typeof cpuPerRequest>,
  baselineSplit: CpuSplit | null,
  baseline: { ops: number; totalMs: number },
  floor: ReturnType<typeof cpuPerRequest>,
  floorPerSec: number,
) {
  if (!baton || !baselineSplit || !floor) return null;
  const baselineTotal = (baselineSplit.nodeMainThread + baselineSplit.nodeOtherThreads + baselineSplit.postgres) / baseline.ops;
  const withoutServer = baton.clientMs + baton.postgresMs;
  return {
    perDecision: baton,
    perBaselineTransaction: {
      nodeMs: perUnit(baselineSplit.nodeMainThread + baselineSplit.nodeOtherThreads, baseline.ops),
      postgresMs: perUnit(baselineSplit.postgres, baseline.ops),
      totalMs: round(baselineTotal, 2),
      coresBusy: round((baselineTotal * baseline.ops) / baseline.totalMs, 2),
    },
    authenticatedGetFloor: { requestsPerSec: floorPerSec, ...floor },
    ratioCeiling: {
      ifTheServerCostNothing: round(baselineTotal / withoutServer, 3),
      ifTheServerCostOnlyAnAuthenticatedGet: round(
        baselineTotal / (withoutServer + floor.serverMainThreadMs + floor.serverOtherThreadsMs),
        3,
      ),
    },
  };
}

/** Statement text with literals and placeholder lists collapsed, so equal statements group together. */
const statementKey = (text: string) =>
  text
    .replace(/\s+/g, ' ')
    .replace(/\(\$\d+(, \$\d+)*\)/g, '(…)')
    .replace(/\$\d+/g, '?')
    .slice(0, 90);

/** The same pool seen through a Kysely that times every statement (Kysely's query log), grouped by statement. */
function timedKysely(bench: BenchRuntime) {
  const byStatement = new Map<
    string,
    { count: number; ms: number; slowest: { ms: number; sql: string; parameters: readonly unknown[] } }
  >();
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: bench.handle.pool }),
    log: (event: LogEvent) => {
      const key = statementKey(event.query.sql);
      const entry = byStatement.get(key) ?? { count: 0, ms: 0, slowest: { ms: -1, sql: '', parameters: [] } };
      entry.count++;
      entry.ms += event.queryDurationMillis;
      if (event.queryDurationMillis > entry.slowest.ms)
        entry.slowest = { ms: event.queryDurationMillis, sql: event.query.sql, parameters: event.query.parameters };
      byStatement.set(key, entry);
    },
  });
  return {
    db,
    /** EXPLAIN ANALYZE (now, on the data as it stands) of the costliest SELECT, with the parameters of its slowest call. */
    async explainCostliestSelect(): Promise<{ statement: string; plan: string[] } | null> {
      const found = [...byStatement.entries()].sort((a, b) => b[1].ms - a[1].ms).find(([key]) => key.trimStart().startsWith('select'));
      if (!found) return null;
      const { sql: text, parameters } = found[1].slowest;
      const result = await bench.superuser.pool.query<{ 'QUERY PLAN': string }>(
        `explain (analyze, buffers) ${text}`,
        parameters as unknown[],
      );
      return { statement: found[0], plan: result.rows.map((r) => r['QUERY PLAN']) };
    },
    /**
     * EXPLAIN ANALYZE of the costliest INSERT INTO assignments, replayed in a transaction that is rolled back, with
     * its record type renamed so the one-open-assignment index does not refuse the replay. Shows the per-row
     * foreign-key trigger time beside the insert itself.
     */
    async explainAssignmentInsert(): Promise<{ rows: number; plan: string[] } | null> {
      const found = [...byStatement.entries()].find(([key]) => key.startsWith('insert into "assignments"'));
      if (!found) return null;
      const { sql: text, parameters } = found[1].slowest;
      const client = await bench.superuser.pool.connect();
      try {
        await client.query('begin');
        // Ledger ids come from the application: the replay draws new ones so the primary key does not refuse it.
        const replay = text.replace(/\bselect (t\.)?id, /, 'select gen_random_uuid(), ');
        const result = await client.query<{ 'QUERY PLAN': string }>(
          `explain (analyze, buffers, wal) ${replay}`,
          parameters.map((p) => (p === 'lead' ? 'explain-replay' : p)),
        );
        const rows = parameters.find((p): p is unknown[] => Array.isArray(p))?.length ?? parameters.filter((p) => p === 'lead').length;
        return { rows, plan: result.rows.map((r) => r['QUERY PLAN']) };
      } finally {
        await client.query('rollback');
        client.release();
      }
    },
    /** Where `totalMs` went, per unit of work: SQL statement by statement (round trips included), and the rest. */
    split(units: number, totalMs: number) {
      const sqlMs = [...byStatement.values()].reduce((sum, s) => sum + s.ms, 0);
      const statements = [...byStatement.entries()].sort((a, b) => b[1].ms - a[1].ms);
      return {
        sqlShare: round(sqlMs / totalMs, 3),
        // BEGIN travels with the first statement (see PreparingClient), so it is not counted; statements sent
        // together count one by one here (see writesPerUnit for the times a unit waited for the server).
        statementsPerUnit: round(statements.reduce((sum, [key, s]) => sum + (key === 'begin' ? 0 : s.count), 0) / units, 2),
        sqlMsPerUnit: round(sqlMs / units, 4),
        otherMsPerUnit: round((totalMs - sqlMs) / units, 4),
        other: 'JavaScript in the use case (facts, explain, pool selection, audit hashing, JSON) and the event loop',
        topStatements: statements
          .slice(0, 12)
          .map(([statement, s]) => ({ statement, calls: s.count, msPerUnit: round(s.ms / units, 4), share: round(s.ms / totalMs, 3) })),
      };
    },
  };
}

// The columns the product writes, so the floor writes exactly what it writes (ids are drawn anew).
const LEDGER_COLUMNS = ASSIGNMENT_COLUMNS.filter((c) => c !== 'id' && c !== 'record_type');
const AUDIT_COLUMNS = Object.keys(AUDIT_COLUMN_TYPES).filter((c) => c !== 'id');
const OUTBOX_COLUMNS = Object.keys(OUTBOX_COLUMN_TYPES);

/**
 * The database's own floor for what bulk routing wrote: the same rows written again by SQL alone, in chunks of
 * the same size — each chunk, one transaction, locks its leads, re-inserts their ledger rows (as record type
 * 'floor', so the one-open-assignment index takes them) with their timers and sets the owners again (one
 * statement), and re-inserts
 * their audit rows and outbox events. The rows are read from indexed copies made beforehand (not timed). No
 * decision, no client work, no data sent over the wire: no implementation writes these rows faster on this machine.
 * Run after the invariants: it leaves the leads pointing at the copies.
 */
async function bulkWriteFloor(bench: BenchRuntime) {
  const db = bench.superuser.db;
  const cols = (names: string[]) => sql.raw(names.join(', '));
  const from = (alias: string, names: string[]) => sql.raw(names.map((c) => `${alias}.${c}`).join(', '));
  await sql`create unlogged table floor_ledger as select * from assignments where record_type = 'lead' and closed_at is null`.execute(db);
  await sql`create index on floor_ledger (record_id)`.execute(db);
  await sql`create unlogged table floor_timers as select t.* from escalation_timers t join floor_ledger a on a.id = t.assignment_id`.execute(
    db,
  );
  await sql`create index on floor_timers (assignment_id)`.execute(db);
  await sql`create unlogged table floor_audit as select * from audit_events where event_name = 'assignment.created' and entity_type = 'lead'`.execute(
    db,
  );
  await sql`create index on floor_audit (entity_id)`.execute(db);
  await sql`create unlogged table floor_outbox as select * from outbox_events where event_type = 'assignment.created' and aggregate_type = 'lead'`.execute(
    db,
  );
  await sql`create index on floor_outbox (aggregate_id)`.execute(db);
  await sql`analyze floor_ledger, floor_timers, floor_audit, floor_outbox`.execute(db);
  const meter = cpuMeter(bench.dataDir);
  const started = performance.now();
  let records = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const ids = (
      await sql<{
        record_id: string;
      }>`select record_id from floor_ledger where record_id > ${after} order by record_id limit ${CHUNK}`.execute(db)
    ).rows.map((r) => r.record_id);
    if (ids.length === 0) break;
    await db.transaction().execute(async (trx) => {
      await sql`select id from leads where id = any(${ids}::uuid[]) order by id for update`.execute(trx);
      await sql`
        with src as materialized (select gen_random_uuid() as new_id, a.* from floor_ledger a where a.record_id = any(${ids}::uuid[])),
             ledger as (insert into assignments (id, record_type, ${cols(LEDGER_COLUMNS)}) select s.new_id, 'floor', ${from('s', LEDGER_COLUMNS)} from src s),
             timers as (insert into escalation_timers (assignment_id, step_index, action, target, fire_at)
                        select s.new_id, t.step_index, t.action, t.target, t.fire_at from src s join floor_timers t on t.assignment_id = s.id)
        update leads l set owner_id = s.owner_id, current_assignment_id = s.new_id
        from src s, (select set_config('baton.ownership_writer', 'routing', true)) w
        where l.id = s.record_id`.execute(trx);
      await sql`insert into audit_events (id, ${cols(AUDIT_COLUMNS)}) select gen_random_uuid(), ${from('f', AUDIT_COLUMNS)} from floor_audit f where f.entity_id = any(${ids}::text[]) order by f.seq`.execute(
        trx,
      );
      await sql`insert into outbox_events (${cols(OUTBOX_COLUMNS)}) select ${from('f', OUTBOX_COLUMNS)} from floor_outbox f where f.aggregate_id = any(${ids}::text[]) order by f.seq`.execute(
        trx,
      );
    });
    records += ids.length;
    after = ids[ids.length - 1]!;
  }
  const totalMs = performance.now() - started;
  return {
    cpu: cpuPerItem(meter.stop(), records, totalMs),
    records,
    totalMs: round(totalMs),
    recordsPerSec: round((records / totalMs) * 1000),
    what: 'the same rows, copied by SQL alone in chunks of the same size (see bulkWriteFloor)',
  };
}

async function bulkPart(bench: BenchRuntime, count: number, progress: (step: number) => void, whatIfIndex: boolean, bulkProgress: boolean) {
  if (whatIfIndex) await sql.raw(WHAT_IF_INDEX).execute(bench.superuser.db);
  const org = await setupRoutingOrg(bench.ctx, { wipCap: 100_000 });
  progress(5);
  // Existing, unrouted leads from the CRM dataset (cycled), with their real ages, linked to accounts by domain;
  // inserted in pages so the bench itself holds no million-element arrays.
  const facts = crmFacts(Date.now());
  const crm = loadCrm();
  let started = performance.now();
  const SETUP_PAGE = 50_000;
  for (let from = 0; from < count; from += SETUP_PAGE) {
    const columns = {
      name: [] as string[],
      company: [] as (string | null)[],
      email: [] as (string | null)[],
      region: [] as (string | null)[],
      product: [] as (string | null)[],
      line: [] as (string | null)[],
      amount: [] as (number | null)[],
      source: [] as (string | null)[],
      created: [] as number[],
    };
    for (let i = from; i < Math.min(count, from + SETUP_PAGE); i++) {
      const lead = leadInput(5_000_000 + i);
      columns.name.push(`Bulk ${lead.name}`);
      columns.company.push(lead.company ?? null);
      columns.email.push(lead.email ?? null);
      columns.region.push(lead.region ?? null);
      columns.product.push(lead.product ?? null);
      columns.line.push(lead.productLine ?? null);
      columns.amount.push(lead.amount ?? null);
      columns.source.push(lead.source ?? null);
      columns.created.push(facts[i % crm.leads.length]!.createdAt as number);
    }
    await sql`
      insert into leads (name, company, email, domain, region, product, product_line, amount, source, account_id, created_at, updated_at)
      select v.name, v.company, v.email, split_part(v.email, '@', 2), v.region, v.product, v.line, v.amount, v.source, a.id, to_timestamp(v.created / 1000.0), now()
      from unnest(${columns.name}::text[], ${columns.company}::text[], ${columns.email}::text[], ${columns.region}::text[], ${columns.product}::text[],
                  ${columns.line}::text[], ${columns.amount}::bigint[], ${columns.source}::text[], ${columns.created}::float8[])
           as v(name, company, email, region, product, line, amount, source, created)
      left join accounts a on a.domain = split_part(v.email, '@', 2)`.execute(bench.superuser.db);
  }
  await sql`vacuum analyze leads`.execute(bench.superuser.db);
  const setupMs = performance.now() - started;
  progress(6);

  const timed = timedKysely(bench);
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 100);
  const routeCpu = cpuMeter(bench.dataDir);
  started = performance.now();
  // Every unowned lead, streamed in keyset pages; progress on stderr about every 5 %.
  let shown = 0;
  const result = await routeUnownedRecords({ ...bench.ctx, db: timed.db }, { recordType: 'lead' }, (done, total) => {
    if (bulkProgress && (done - shown >= total / 20 || done === total)) {
      shown = done;
      const seconds = (performance.now() - started) / 1000;
      process.stderr.write(
        `bulk ${done}/${total} ${Math.round(done / seconds)}/s rss ${Math.round(process.memoryUsage().rss / 1_048_576)} MB\n`,
      );
    }
  });
  const routeMs = performance.now() - started;
  const routeCpuSplit = routeCpu.stop();
  clearInterval(sampler);
  progress(7);

  const explanation = (
    await sql<{
      avg_bytes: string;
      avg_text: string;
    }>`select avg(pg_column_size(explanation))::int as avg_bytes, avg(length(explanation::text))::int as avg_text from assignments`.execute(
      bench.superuser.db,
    )
  ).rows[0]!;
  const bulkPlan = await timed.explainCostliestSelect();
  const insertPlan = await timed.explainAssignmentInsert();
  const checks = await invariants(bench, 'Bulk %');
  const floor = await bulkWriteFloor(bench);
  return {
    records: count,
    setupMs: round(setupMs),
    wipCap: org.wipCap,
    totalMs: round(routeMs),
    recordsPerSec: round((count / routeMs) * 1000),
    result: {
      routed: result.routed,
      assigned: result.assigned,
      unassigned: result.unassigned,
      missing: result.missing,
      owners: Object.keys(result.byOwner).length,
    },
    rssMb: { before: round(rssBefore / 1_048_576), peak: round(rssPeak / 1_048_576) },
    cpu: cpuPerItem(routeCpuSplit, count, routeMs),
    timeSplit: timed.split(count, routeMs),
    costliestSelectPlan: bulkPlan,
    assignmentInsertPlan: insertPlan,
    explanationPerAssignment: { storedBytes: Number(explanation.avg_bytes), jsonChars: Number(explanation.avg_text) },
    invariants: checks,
    databaseWriteFloor: { ...floor, ratio: round(count / routeMs / (floor.records / floor.totalMs), 3) },
    target: '≥ 20,000 records/s',
  };
}

export async function runRoutingBench(options: RoutingBenchOptions = {}) {
  const n = options.n ?? 3_000;
  const bulk = options.bulk ?? 50_000;
  const progress = (step: number) => options.onProgress?.(step, 7);
  const whatIfIndex = options.whatIfIndex ?? false;
  const http =
    options.only === 'bulk'
      ? null
      : await withBenchDatabase((bench) => httpPart(bench, n, progress, whatIfIndex), { connections: CLIENTS + 4 });
  const bulkResult =
    options.only === 'http'
      ? null
      : await withBenchDatabase((bench) => bulkPart(bench, bulk, progress, whatIfIndex, options.bulkProgress ?? false), { connections: 4 });
  return { benchmark: 'routing-decisions', whatIf: whatIfIndex ? WHAT_IF_INDEX : null, http, bulk: bulkResult };
}

if (isMain(import.meta.url)) {
  const only = process.argv[process.argv.indexOf('--only') + 1];
  const part = process.argv.includes('--only') && (only === 'http' || only === 'bulk') ? only : undefined;
  console.log(
    JSON.stringify(
      await runRoutingBench({
        n: numberArg('n'),
        bulk: numberArg('bulk'),
        whatIfIndex: process.argv.includes('--what-if-index'),
        only: part,
        bulkProgress: true,
      }),
      null,
      2,
    ),
  );
}
