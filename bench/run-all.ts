/**
 * Benchmarks of the foundation's write path, each against a baseline on the same embedded database:
 *  - governed write (permission, transaction, row lock, audit chain, outbox) vs a raw SQL INSERT;
 *  - the same under 8-way concurrency (the audit chain serialises appenders: this shows the cost);
 *  - HTTP POST through every hook, with and without Idempotency-Key;
 *  - audit verification throughput.
 * `npm run bench` runs it and then the routing benchmarks (rules, routing, escalation; see those files), and
 * prints one JSON document with every result. Usage: npm run bench [-- --n 500]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { sql } from 'kysely';
import { buildApp } from '../src/app.js';
import { verifyAudit } from '../src/platform/audit/verify-audit.js';
import { createTeam } from '../src/identity/use-cases/create-team.js';
import { createApiToken } from '../src/identity/use-cases/create-api-token.js';
import { createUser } from '../src/identity/use-cases/create-user.js';
import { systemActor } from '../src/platform/access/actor.js';
import { loadConfig } from '../src/platform/config.js';
import { startRuntime } from '../src/runtime.js';
import { runEscalationBench } from './escalation.js';
import { runOrdersBench } from './orders.js';
import { runImportBench } from './import.js';
import { runRoutingBench } from './routing.js';
import { runRulesBench } from './rules.js';
import { type BenchOptions, isMain, numberArg } from './support.js';

type Stats = { ops: number; totalMs: number; opsPerSec: number; p50Ms: number; p95Ms: number };
const stats = (samples: number[], totalMs: number): Stats => {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => Number(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(3));
  return {
    ops: samples.length,
    totalMs: Math.round(totalMs),
    opsPerSec: Math.round((samples.length / totalMs) * 1000),
    p50Ms: at(0.5),
    p95Ms: at(0.95),
  };
};

async function measure(count: number, concurrency: number, op: (i: number) => Promise<unknown>): Promise<Stats> {
  const samples: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const t0 = performance.now();
        await op(i);
        samples.push(performance.now() - t0);
      }
    }),
  );
  return stats(samples, performance.now() - started);
}

export async function runFoundationBench(options: BenchOptions = {}) {
  const n = options.n ?? 400;
  const progress = (step: number) => options.onProgress?.(step, 6);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-bench-'));
  const runtime = await startRuntime({ config: { ...loadConfig({}), dataDir, logLevel: 'warn' }, logger: pino({ level: 'warn' }) });
  try {
    const { db, pool } = runtime.handle;
    const ctx = { db, clock: runtime.clock, actor: systemActor('bench') };
    const run = `${Date.now()}`;

    const rawSequential = await measure(n, 1, (i) => sql`insert into teams (name) values (${`raw ${run} ${i}`})`.execute(db));
    const governedSequential = await measure(n, 1, (i) => createTeam(ctx, { name: `governed ${run} ${i}` }));
    progress(1);
    const rawConcurrent = await measure(n, 8, (i) => sql`insert into teams (name) values (${`raw8 ${run} ${i}`})`.execute(db));
    const governedConcurrent = await measure(n, 8, (i) => createTeam(ctx, { name: `governed8 ${run} ${i}` }));
    progress(2);

    const app = await buildApp({
      db,
      pool,
      clock: runtime.clock,
      logger: pino({ level: 'silent' }),
      checkpoints: runtime.checkpoints,
      cookieSecret: runtime.secrets.cookieSecret,
      version: 'bench',
      rateLimit: { max: 1_000_000, timeWindow: '1 minute' },
    });
    await app.ready();
    const admin = await createUser(ctx, { email: `bench.${run}@example.com`, name: 'Bench', role: 'admin' });
    const token = await createApiToken(ctx, { name: 'bench', userId: admin.id });
    const headers = { authorization: `Bearer ${token.token}` };
    progress(3);
    const httpPlain = await measure(n, 4, (i) =>
      app.inject({ method: 'POST', url: '/api/v1/teams', headers, payload: { name: `http ${run} ${i}` } }),
    );
    const httpIdempotent = await measure(n, 4, (i) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/teams',
        headers: { ...headers, 'idempotency-key': `k-${run}-${i}` },
        payload: { name: `idem ${run} ${i}` },
      }),
    );
    await app.close();
    progress(4);

    const verifyStarted = performance.now();
    const verification = await verifyAudit(db, runtime.checkpoints);
    const verifyMs = performance.now() - verifyStarted;

    progress(6);
    const ratio = (a: Stats, b: Stats) => Number((a.p50Ms / b.p50Ms).toFixed(2));
    return {
      benchmark: 'foundation-write-path',
      machine: { cpus: os.cpus().length, node: process.version },
      n,
      governedWrite: {
        sequential: { governed: governedSequential, rawSqlBaseline: rawSequential, p50Overhead: ratio(governedSequential, rawSequential) },
        concurrency8: {
          governed: governedConcurrent,
          rawSqlBaseline: rawConcurrent,
          p50Overhead: ratio(governedConcurrent, rawConcurrent),
        },
      },
      http: { plainPost: httpPlain, idempotentPost: httpIdempotent, idempotencyP50Overhead: ratio(httpIdempotent, httpPlain) },
      auditVerify: {
        ok: verification.ok,
        rows: verification.rows,
        ms: Math.round(verifyMs),
        rowsPerSec: Math.round((verification.rows / verifyMs) * 1000),
      },
    };
  } finally {
    await runtime.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  const results: Record<string, unknown> = {};
  results.foundation = await runFoundationBench({ n: numberArg('n') });
  results.rules = await runRulesBench();
  results.routing = await runRoutingBench();
  results.escalation = await runEscalationBench();
  results.orders = await runOrdersBench();
  results.import = await runImportBench({ rows: numberArg('import-rows') });
  console.log(JSON.stringify(results, null, 2));
}

