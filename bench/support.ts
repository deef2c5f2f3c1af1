/**
 * Shared plumbing for the benchmarks: a throwaway embedded database, latency statistics, the CRM sample
 * dataset (test/fixtures/crm) turned into leads and facts, a realistic ~30-rule lead rule set, and a routing
 * organisation (teams, reps, regional pools, a queue) built through the use cases.
 */
import { sql } from 'kysely';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import pino from 'pino';
import { createTeam } from '../src/identity/use-cases/create-team.js';
import { createUser } from '../src/identity/use-cases/create-user.js';
import { systemActor } from '../src/platform/access/actor.js';
import { loadConfig } from '../src/platform/config.js';
import { type DbHandle, createDb } from '../src/platform/db/kysely.js';
import { withCredentials } from '../src/platform/db/roles.js';
import type { UseCaseContext } from '../src/platform/use-case-context.js';
import type { Condition } from '../src/routing/core/conditions.js';
import { type AccountFacts, type Facts, leadFacts } from '../src/routing/core/facts.js';
import type { Rule } from '../src/routing/core/ruleset.js';
import type { CreateLeadInput } from '../src/routing/schemas.js';
import { createAccount } from '../src/routing/use-cases/create-account.js';
import { createPool } from '../src/routing/use-cases/create-pool.js';
import { createQueue } from '../src/routing/use-cases/create-queue.js';
import { createRuleset } from '../src/routing/use-cases/create-ruleset.js';
import { publishRuleset } from '../src/routing/use-cases/publish-ruleset.js';
import { type Runtime, projectRoot, startRuntime } from '../src/runtime.js';

export type Progress = (done: number, total: number) => void;
export type BenchOptions = { n?: number; onProgress?: Progress };

/** True when this module is the script node/tsx was started with (so each bench also runs standalone). */
export const isMain = (moduleUrl: string): boolean => !!process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(moduleUrl);

export function numberArg(name: string): number | undefined {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : NaN;
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

export const round = (value: number, digits = 0): number => Number(value.toFixed(digits));

/** Percentiles of a sample in the unit it was taken in (nearest-rank). */
export function percentiles(samples: ArrayLike<number>, digits = 3): { p50: number; p95: number; p99: number; max: number } {
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number) => round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN, digits);
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: round(sorted[sorted.length - 1] ?? NaN, digits) };
}

/** Runs `op` `count` times from `concurrency` loops; returns the rate and latency percentiles in ms. */
export async function closedLoop(count: number, concurrency: number, op: (i: number) => Promise<unknown>, onDone?: (done: number) => void) {
  const samples = new Float64Array(count);
  let next = 0;
  let done = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const t0 = performance.now();
        await op(i);
        samples[i] = performance.now() - t0;
        onDone?.(++done);
      }
    }),
  );
  const totalMs = performance.now() - started;
  return { ops: count, concurrency, totalMs: round(totalMs), perSec: round((count / totalMs) * 1000), latencyMs: percentiles(samples) };
}

/** Open loop: operation i starts at i ÷ rate seconds whether or not earlier ones have finished; their latencies. */
export async function pacedLoop(count: number, ratePerSec: number, op: (i: number) => Promise<unknown>) {
  const samples = new Float64Array(count);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + (i * 1000) / ratePerSec - performance.now())));
      const t0 = performance.now();
      await op(i);
      samples[i] = performance.now() - t0;
    }),
  );
  return { ops: count, ratePerSec, totalMs: round(performance.now() - started), latencyMs: percentiles(samples) };
}

export type BenchRuntime = { runtime: Runtime; handle: DbHandle; ctx: UseCaseContext; superuser: DbHandle; dataDir: string };

/**
 * A fresh embedded PostgreSQL in a temporary directory, migrated, removed afterwards. `handle` is a pool of
 * `connections` app-role connections (the runtime's own pool has 10); `superuser` is the cluster superuser.
 */
export async function withBenchDatabase<T>(work: (bench: BenchRuntime) => Promise<T>, options: { connections?: number } = {}): Promise<T> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-bench-'));
  const logger = pino({ level: 'warn' }, pino.destination(2));
  const runtime = await startRuntime({ config: { ...loadConfig({}), dataDir, logLevel: 'warn' }, logger });
  const handle = createDb(runtime.endpoints.appUrl, { max: options.connections ?? 24 });
  // The cluster's superuser: set-based setup, VACUUM, and pg_stat_activity with every session's wait events.
  const superuser = createDb(withCredentials(runtime.endpoints.ownerUrl, 'postgres', runtime.secrets.superuserPassword), { max: 4 });
  try {
    return await work({ runtime, handle, superuser, dataDir, ctx: { db: handle.db, clock: runtime.clock, actor: systemActor('bench') } });
  } finally {
    await handle.db.destroy();
    await superuser.db.destroy();
    await runtime.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

// ---- where the CPU goes -----------------------------------------------------------------------------

/**
 * User + system CPU of a thread or process so far, in ms, from its `/proc/…/stat` (clock ticks of 10 ms); with
 * `reaped`, also that of its children that have exited.
 */
export function statCpuMs(statFile: string, reaped = false): number {
  const stat = fs.readFileSync(statFile, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const own = Number(fields[11]) + Number(fields[12]);
  return (own + (reaped ? Number(fields[13]) + Number(fields[14]) : 0)) * 10;
}

/**
 * Write system calls this process has made so far (Linux `/proc/self/io`, every thread; null elsewhere): each
 * statement batch sent to the database is one, so their count per unit shows how many times a unit waited for the
 * server, which the statement log cannot (statements sent together are logged one by one).
 */
export function writeCalls(): number | null {
  try {
    const count = /^syscw: (\d+)$/m.exec(fs.readFileSync('/proc/self/io', 'utf8'))?.[1];
    return count === undefined ? null : Number(count);
  } catch {
    return null;
  }
}

/**
 * The bench cluster's PostgreSQL processes: the postmaster (first line of postmaster.pid) with its exited children
 * (a backend whose connection closed takes its CPU there), and its living children.
 */
function postgresCpuMs(dataDir: string): number {
  const postmaster = fs
    .readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8')
    .split('\n')[0]!
    .trim();
  let total = 0;
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const parent = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
      if (pid === postmaster || parent === postmaster) total += statCpuMs(`/proc/${pid}/stat`, pid === postmaster);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return total;
}

export type CpuSplit = { nodeMainThread: number; nodeOtherThreads: number; postgres: number };

/**
 * CPU spent from now until `stop`, split between this process's main thread, its other threads (V8's GC and
 * compiler helpers, libuv, workers) and the bench cluster's PostgreSQL processes. Linux (/proc) only: null elsewhere.
 */
export function cpuMeter(dataDir: string): { stop: () => CpuSplit | null } {
  if (!fs.existsSync('/proc/self/task')) return { stop: () => null };
  const mainThread = `/proc/self/task/${process.pid}/stat`;
  const start = { main: statCpuMs(mainThread), process: process.cpuUsage(), postgres: postgresCpuMs(dataDir) };
  return {
    stop: () => {
      const processMs = (({ user, system }) => (user + system) / 1000)(process.cpuUsage(start.process));
      const main = statCpuMs(mainThread) - start.main;
      return { nodeMainThread: main, nodeOtherThreads: Math.max(0, processMs - main), postgres: postgresCpuMs(dataDir) - start.postgres };
    },
  };
}

/** CPU per item of a run (a record routed, a timer fired), Node and PostgreSQL, and how many cores each kept busy. */
export function cpuPerItem(split: CpuSplit | null, items: number, totalMs: number) {
  if (!split) return null;
  const node = split.nodeMainThread + split.nodeOtherThreads;
  return {
    nodeMsPerItem: round(node / items, 3),
    postgresMsPerItem: round(split.postgres / items, 3),
    nodeCoresBusy: round(node / totalMs, 2),
    postgresCoresBusy: round(split.postgres / totalMs, 2),
  };
}

// ---- the CRM sample dataset ---------------------------------------------------------------------------

const crmDir = path.join(projectRoot, 'test', 'fixtures', 'crm');
const readCsv = (file: string) =>
  parse(fs.readFileSync(path.join(crmDir, file)), { columns: true, skip_empty_lines: true, trim: true }) as Array<Record<string, string>>;

export const REGIONS = ['Central', 'East', 'West'] as const;
export type Region = (typeof REGIONS)[number];

export type Crm = {
  agents: Array<{ name: string; manager: string; region: Region }>;
  accounts: Map<string, AccountFacts>;
  /** One lead per deal of the pipeline, in its order. */
  leads: Array<CreateLeadInput & { accountName: string | null; engagedAt: number }>;
};

const SOURCES = ['web', 'event', 'referral', 'partner', 'outbound'] as const;
// The dataset's own dirt: the pipeline says "GTXPro" where the catalogue says "GTX Pro".
const normaliseProduct = (p: string) => (p === 'GTXPro' ? 'GTX Pro' : p);
const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '');

let crmCache: Crm | null = null;

export function loadCrm(): Crm {
  if (crmCache) return crmCache;
  const agents = readCsv('sales_teams.csv').map((r) => ({
    name: r.sales_agent!,
    manager: r.manager!,
    region: r.regional_office as Region,
  }));
  const regionOf = new Map(agents.map((a) => [a.name, a.region]));
  const products = new Map(readCsv('products.csv').map((p) => [p.product!, { series: p.series!, price: Number(p.sales_price) }]));
  const pipeline = readCsv('sales_pipeline.csv');
  const accountRegion = new Map<string, Region>();
  for (const deal of pipeline)
    if (deal.account && !accountRegion.has(deal.account)) accountRegion.set(deal.account, regionOf.get(deal.sales_agent!) ?? 'Central');
  const accounts = new Map<string, AccountFacts>();
  for (const [i, row] of readCsv('accounts.csv').entries()) {
    const employees = Number(row.employees) || null;
    accounts.set(row.account!, {
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      name: row.account!,
      domain: `${slug(row.account!)}.example`,
      region: accountRegion.get(row.account!) ?? 'Central',
      country: row.office_location ?? null,
      segment: (employees ?? 0) > 5000 ? 'enterprise' : 'mid-market',
      tier: null,
      industry: row.sector ?? null,
      employees,
      annualRevenue: Math.round(Number(row.revenue) * 1_000_000) * 100,
      ownerId: null,
      channelPartnerId: null,
      hasActiveRegistration: false,
      activeRegistrations: [],
      directOnly: false,
      createdAt: Date.UTC(Number(row.year_established) || 2000, 0, 1),
      attributes: {},
    });
  }
  const leads = pipeline.map((deal, i) => {
    const product = normaliseProduct(deal.product!);
    const catalogue = products.get(product);
    const closeValue = Number(deal.close_value);
    // Won/lost deals carry their real value; open ones the list price; a few have none at all.
    const amount = closeValue > 0 ? closeValue * 100 : catalogue && i % 17 !== 0 ? catalogue.price * 100 : null;
    const accountName = deal.account || null;
    return {
      name: `${deal.opportunity_id} inquiry`,
      company: accountName ?? `Prospect ${deal.opportunity_id}`,
      email: `buyer.${deal.opportunity_id!.toLowerCase()}@${accountName ? `${slug(accountName)}.example` : 'prospect.example'}`,
      region: i % 13 === 0 ? 'International' : (regionOf.get(deal.sales_agent!) ?? null),
      country: accountName ? (accounts.get(accountName)?.country ?? null) : null,
      product,
      productLine: catalogue?.series ?? null,
      amount,
      source: SOURCES[i % SOURCES.length]!,
      attributes: { datasetId: deal.opportunity_id! },
      accountName,
      engagedAt: deal.engage_date ? Date.parse(`${deal.engage_date}T12:00:00Z`) : Date.UTC(2017, 0, 1),
    };
  });
  crmCache = { agents, accounts, leads };
  return crmCache;
}

/** The facts the rule engine sees for each CRM lead, exactly as routing builds them (core/facts.ts). */
export function crmFacts(now: number): Facts[] {
  const crm = loadCrm();
  // Deals were engaged in 2016–2017; shift them so their ages spread over the last ~450 days.
  const newest = Math.max(...crm.leads.map((l) => l.engagedAt));
  return crm.leads.map((lead, i) =>
    leadFacts(
      {
        id: `lead-${i}`,
        name: lead.name,
        company: lead.company ?? null,
        email: lead.email ?? null,
        domain: lead.email?.split('@')[1] ?? null,
        region: lead.region ?? null,
        country: lead.country ?? null,
        product: lead.product ?? null,
        productLine: lead.productLine ?? null,
        amount: lead.amount ?? null,
        source: lead.source ?? null,
        status: 'open',
        createdAt: now - (newest - lead.engagedAt),
        attributes: lead.attributes ?? {},
      },
      lead.accountName ? (crm.accounts.get(lead.accountName) ?? null) : null,
      now,
    ),
  );
}

// ---- a realistic lead rule set -------------------------------------------------------------------------

export type RuleTargets = { pools: Record<Region, string>; strategicPool: string; triageQueue: string; nurtureQueue: string };

const pool = (id: string, slaHours: number, priority: 'low' | 'normal' | 'high' | 'urgent' = 'normal') => ({
  target: { type: 'pool' as const, id },
  slaHours,
  priority,
});
const queue = (id: string, slaHours = 24) => ({ target: { type: 'queue' as const, id }, slaHours });

/**
 * 30 rules the way a RevOps team writes them: strategic and enterprise carve-outs first, then stale and
 * low-value leads to nurture, then region × product line × amount band, an international desk, a catch-all.
 * Amounts are in cents. Uses only operators json-rules-engine has equivalents for (the rules bench runs both).
 */
export function crmLeadRules(t: RuleTargets): Rule[] {
  const rules: Rule[] = [
    {
      name: 'Strategic GTK deals',
      when: {
        all: [
          { field: 'productLine', op: 'eq', value: 'GTK' },
          { field: 'amount', op: 'gte', value: 2_500_000 },
        ],
      },
      then: pool(t.strategicPool, 2, 'urgent'),
    },
    {
      name: 'Enterprise accounts with big deals',
      when: {
        all: [
          { field: 'account.segment', op: 'eq', value: 'enterprise' },
          {
            any: [
              { field: 'amount', op: 'gte', value: 500_000 },
              {
                all: [
                  { field: 'productLine', op: 'eq', value: 'GTX' },
                  { field: 'product', op: 'in', value: ['GTX Pro', 'GTX Plus Pro'] },
                ],
              },
            ],
          },
        ],
      },
      then: pool(t.strategicPool, 4, 'high'),
    },
    {
      name: 'Stale non-referral leads to nurture',
      when: { all: [{ field: 'ageDays', op: 'gt', value: 400 }, { not: { field: 'source', op: 'in', value: ['referral', 'partner'] } }] },
      then: queue(t.nurtureQueue, 72),
    },
    {
      name: 'No amount and no account',
      when: { all: [{ not: { field: 'amount', op: 'exists' } }, { not: { field: 'account.id', op: 'exists' } }] },
      then: queue(t.triageQueue, 24),
    },
    {
      name: 'Tiny MG deals to nurture',
      when: {
        all: [
          { field: 'productLine', op: 'eq', value: 'MG' },
          { field: 'amount', op: 'lt', value: 6_000 },
          { field: 'source', op: 'neq', value: 'referral' },
        ],
      },
      then: queue(t.nurtureQueue, 72),
    },
    {
      name: 'Medical and finance accounts, regulated desk',
      when: {
        all: [
          { field: 'account.industry', op: 'in', value: ['medical', 'finance'] },
          { field: 'amount', op: 'between', value: [300_000, 2_500_000] },
          { not: { field: 'region', op: 'eq', value: 'International' } },
        ],
      },
      then: pool(t.strategicPool, 8, 'high'),
    },
  ];
  const bands: Array<{ name: string; when: Condition; sla: number; priority: 'low' | 'normal' | 'high' }> = [
    { name: 'large', when: { field: 'amount', op: 'gte', value: 400_000 }, sla: 4, priority: 'high' },
    { name: 'mid', when: { field: 'amount', op: 'between', value: [100_000, 399_999] }, sla: 8, priority: 'normal' },
    {
      name: 'small',
      when: { any: [{ field: 'amount', op: 'lt', value: 100_000 }, { not: { field: 'amount', op: 'exists' } }] },
      sla: 24,
      priority: 'low',
    },
  ];
  for (const region of REGIONS) {
    for (const line of ['GTX', 'MG'] as const) {
      for (const band of bands) {
        rules.push({
          name: `${region} ${line} ${band.name}`,
          when: { all: [{ field: 'region', op: 'eq', value: region }, { field: 'productLine', op: 'eq', value: line }, band.when] },
          then: pool(t.pools[region], band.sla, band.priority),
        });
      }
    }
    rules.push({
      name: `${region} GTK and other lines`,
      when: {
        all: [
          { field: 'region', op: 'eq', value: region },
          { any: [{ field: 'productLine', op: 'eq', value: 'GTK' }, { not: { field: 'productLine', op: 'exists' } }] },
        ],
      },
      then: pool(t.pools[region], 8),
    });
  }
  rules.push(
    {
      name: 'International, known account region',
      when: {
        all: [
          { field: 'region', op: 'eq', value: 'International' },
          { field: 'account.region', op: 'in', value: [...REGIONS] },
          { field: 'account.employees', op: 'gte', value: 1_000 },
        ],
      },
      then: pool(t.strategicPool, 12),
    },
    { name: 'International, everything else', when: { field: 'region', op: 'eq', value: 'International' }, then: queue(t.triageQueue, 24) },
    {
      name: 'Region missing, referral',
      when: {
        all: [
          { field: 'region', op: 'nin', value: [...REGIONS, 'International'] },
          { field: 'source', op: 'eq', value: 'referral' },
        ],
      },
      then: pool(t.pools.Central, 8),
    },
    { name: 'Catch-all: triage', when: { all: [] }, then: queue(t.triageQueue, 24) },
  );
  return rules.map((rule, i) => ({ id: `r${String(i + 1).padStart(2, '0')}`, ...rule }));
}

// ---- a routing organisation from the dataset -------------------------------------------------------------

export type RoutingOrg = {
  reps: Map<string, string>;
  managers: Map<string, string>;
  pools: Record<Region, string>;
  strategicPool: string;
  queues: { triage: string; nurture: string };
  rulesetId: string;
  wipCap: number;
};

const emailOf = (name: string) =>
  `${name
    .toLowerCase()
    .replace(/[^a-z]+/g, '.')
    .replace(/^\.|\.$/g, '')}@bench.baton.dev`;

/**
 * The dataset's 35 reps and their managers as users and teams, one pool per regional office (the three
 * strategies), a strategic pool of two reps per office, triage and nurture queues, and the rule set above
 * published for leads. Every rep has the same WIP cap; pools fall back to their office's first manager.
 */
export async function setupRoutingOrg(ctx: UseCaseContext, options: { wipCap: number }): Promise<RoutingOrg> {
  const crm = loadCrm();
  const managers = new Map<string, string>();
  const teams = new Map<string, string>();
  for (const name of [...new Set(crm.agents.map((a) => a.manager))]) {
    const user = await createUser(ctx, { email: emailOf(name), name, role: 'sales_manager' });
    managers.set(name, user.id);
    teams.set(name, (await createTeam(ctx, { name: `${name}'s team`, managerId: user.id })).id);
  }
  const reps = new Map<string, string>();
  for (const agent of crm.agents)
    reps.set(
      agent.name,
      (await createUser(ctx, { email: emailOf(agent.name), name: agent.name, role: 'sales_rep', teamId: teams.get(agent.manager) })).id,
    );
  await ctx.db
    .updateTable('users')
    .set({ team_id: null })
    .where('id', 'in', [...managers.values()])
    .execute();
  const revops = await createUser(ctx, { email: 'revops@bench.baton.dev', name: 'Bench RevOps', role: 'revops' });
  const triage = await createQueue(ctx, { name: 'Triage', ownerId: revops.id });
  const nurture = await createQueue(ctx, { name: 'Nurture', ownerId: revops.id });
  const strategies = { Central: 'round_robin', East: 'weighted', West: 'least_loaded' } as const;
  const pools = {} as Record<Region, string>;
  for (const region of REGIONS) {
    const agents = crm.agents.filter((a) => a.region === region);
    const created = await createPool(ctx, {
      name: `${region} reps`,
      strategy: strategies[region],
      members: agents.map((a, i) => ({ userId: reps.get(a.name)!, weight: region === 'East' ? 1 + (i % 3) : 1, wipCap: options.wipCap })),
      fallback: { type: 'user', id: managers.get(agents[0]!.manager)! },
    });
    pools[region] = created.id;
  }
  const strategic = await createPool(ctx, {
    name: 'Strategic desk',
    strategy: 'least_loaded',
    members: REGIONS.flatMap((region) => crm.agents.filter((a) => a.region === region).slice(-2)).map((a) => ({
      userId: reps.get(a.name)!,
      wipCap: options.wipCap,
    })),
    fallback: { type: 'queue', id: triage.id },
  });
  // The dataset's accounts, so leads whose e-mail domain matches get account facts (segment, industry, …).
  for (const account of crm.accounts.values()) {
    await createAccount(ctx, {
      name: account.name,
      domain: account.domain,
      region: account.region,
      country: account.country,
      industry: account.industry,
      employees: account.employees,
      annualRevenue: account.annualRevenue,
      segment: account.segment,
    });
  }
  const draft = await createRuleset(ctx, {
    recordType: 'lead',
    name: 'Bench inbound leads',
    rules: crmLeadRules({ pools, strategicPool: strategic.id, triageQueue: triage.id, nurtureQueue: nurture.id }),
  });
  await publishRuleset(ctx, { rulesetId: draft.id, expectedVersion: draft.version });
  return {
    reps,
    managers,
    pools,
    strategicPool: strategic.id,
    queues: { triage: triage.id, nurture: nurture.id },
    rulesetId: draft.id,
    wipCap: options.wipCap,
  };
}

/** Leads for HTTP/use-case traffic: the CRM leads cycled, made unique per index, without account links. */
export function leadInput(i: number): CreateLeadInput {
  const crm = loadCrm();
  const { accountName: _a, engagedAt: _e, ...lead } = crm.leads[i % crm.leads.length]!;
  return { ...lead, name: `${lead.name} #${i}`, email: `lead${i}.${lead.email}` };
}

/**
 * What the app's database sessions wait on (lock, I/O, or running), sampled every `intervalMs` until stopped:
 * lock contention shows up here. `sessions` is the mean number of sessions in that state per sample.
 */
export function sampleWaits(bench: BenchRuntime, intervalMs = 20) {
  const counts = new Map<string, number>();
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const rows = await sql<{ what: string }>`
        select coalesce(wait_event_type || ':' || wait_event, 'CPU/running') || ' | ' || left(regexp_replace(query, '[[:space:]]+', ' ', 'g'), 60) as what
        from pg_stat_activity where state <> 'idle' and application_name = 'baton' and pid <> pg_backend_pid()`.execute(bench.superuser.db);
      samples++;
      for (const r of rows.rows) counts.set(r.what, (counts.get(r.what) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      const top = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8);
      const perSample = (c: number) => round(c / Math.max(1, samples), 2);
      return {
        samples,
        meanBusySessions: perSample([...counts.values()].reduce((a, b) => a + b, 0)),
        top: top.map(([what, c]) => ({ what, sessions: perSample(c) })),
      };
    },
  };
}
