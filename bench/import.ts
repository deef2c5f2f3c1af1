/**
 * CSV import at scale on a throwaway embedded database: a generated leads CSV (default 1,000,000 rows, ~90 MB)
 * imported by `runImport` — pass 1 checks every row, pass 2 writes them through the native batch create (lead
 * row, lead.created audit + outbox, set-wise routing: here the unassigned decision with its audit + outbox) in
 * checkpointed 1,000-row transactions — while RSS is sampled every 50 ms, so the peak shows whether memory
 * stays flat as the file grows. Baseline in the same run, on the same database: the same file streamed
 * through csv-parse into `INSERT … SELECT FROM unnest(…)` of 5,000 rows (the COPY-style raw-SQL load, no
 * validation, audit, outbox or routing).
 * Usage: npx tsx bench/import.ts [--rows 1000000], or `baton bench import`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { sql } from 'kysely';
import { csvRecords } from '../src/integrations/imports/csv-records.js';
import { runImport } from '../src/integrations/imports/use-cases/run-import.js';
import { startImport } from '../src/integrations/imports/use-cases/start-import.js';
import { type BenchOptions, isMain, numberArg, round } from './support.js';
import { withBenchDatabase } from './support.js';

const REGIONS = ['Central', 'East', 'West', 'International', ''];
const PRODUCTS = ['GTX Basic', 'GTX Pro', 'MG Special', 'MG Advanced', 'GTK 500'];
const SOURCES = ['web', 'event', 'referral', 'partner', 'outbound'];

/** Writes the CSV with back-pressure (never more than a buffer of it in memory). */
async function generateLeads(file: string, rows: number): Promise<number> {
  const out = fs.createWriteStream(file);
  out.write('name,email,company,region,country,product,amount,source\n');
  for (let i = 0; i < rows; i++) {
    const line = `Lead ${i},buyer${i}@company${i % 5000}.example,"Company ${i % 5000}, Inc.",${REGIONS[i % 5]},United States,${PRODUCTS[i % 5]},${(i % 997) * 10 + 0.5},${SOURCES[i % 5]}\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return fs.statSync(file).size;
}

function rssSampler() {
  let peak = process.memoryUsage().rss;
  let peakHeap = process.memoryUsage().heapUsed;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 50);
  return {
    stop: () => {
      clearInterval(timer);
      return { peakRssMb: round(peak / 2 ** 20, 1), peakHeapMb: round(peakHeap / 2 ** 20, 1) };
    },
  };
}

export async function runImportBench(options: BenchOptions & { rows?: number } = {}) {
  const rows = options.rows ?? options.n ?? 1_000_000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-import-bench-'));
  const file = path.join(dir, 'leads.csv');
  try {
    const bytes = await generateLeads(file, rows);
    return await withBenchDatabase(async ({ ctx, handle }) => {
      const db = handle.db;
      global.gc?.();
      const rssBefore = process.memoryUsage().rss;
      // Baseline: the same file, streamed, parsed, and bulk-inserted with no governance at all.
      const baseSampler = rssSampler();
      const baseStarted = performance.now();
      let batch: string[][] = [];
      let header = true;
      const flush = async () => {
        if (!batch.length) return;
        const col = (i: number) => batch.map((r) => r[i] ?? '');
        await sql`insert into leads (name, email, company, region, country, product, amount, source, domain, attributes, created_at, updated_at)
                  select n, e, c, nullif(r, ''), co, p, round(a::numeric * 100)::bigint, s, split_part(e, '@', 2), '{}'::jsonb, now(), now()
                  from unnest(${col(0)}::text[], ${col(1)}::text[], ${col(2)}::text[], ${col(3)}::text[], ${col(4)}::text[], ${col(5)}::text[], ${col(6)}::text[], ${col(7)}::text[]) as t(n, e, c, r, co, p, a, s)`.execute(
          db,
        );
        batch = [];
      };
      for await (const record of csvRecords({ kind: 'file', path: file })) {
        if (header) {
          header = false;
          continue;
        }
        batch.push(record.values);
        if (batch.length >= 5000) await flush();
      }
      await flush();
      const baseMs = performance.now() - baseStarted;
      const baseMemory = baseSampler.stop();
      await sql`delete from leads`.execute(db);

      // Baton: the governed import, progress sampled to show memory does not grow with the rows done.
      global.gc?.();
      const sampler = rssSampler();
      const rssAt: Array<{ fraction: number; rssMb: number }> = [];
      let nextMark = 0.1;
      const started = performance.now();
      const job = await startImport(ctx, { type: 'leads' }, { kind: 'file', path: file });
      let validatedAt = 0;
      const done = await runImport(ctx, job.id, {
        onProgress: (p) => {
          if (p.progress.phase === 'importing' && validatedAt === 0) validatedAt = performance.now();
          options.onProgress?.(Math.round(p.progress.fraction * 1000), 1000);
          if (p.progress.fraction >= nextMark) {
            rssAt.push({ fraction: round(p.progress.fraction, 2), rssMb: round(process.memoryUsage().rss / 2 ** 20, 1) });
            nextMark += 0.1;
          }
        },
      });
      const ms = performance.now() - started;
      const memory = sampler.stop();
      const counts = await sql<{ leads: string; audit: string; outbox: string }>`
        select (select count(*) from leads) as leads, (select count(*) from audit_events where event_name = 'lead.created') as audit, (select count(*) from outbox_events where event_type = 'lead.created') as outbox`.execute(
        db,
      );
      const c = counts.rows[0]!;
      return {
        benchmark: 'csv-import',
        machine: { cpus: os.cpus().length, node: process.version },
        rows,
        fileMb: round(bytes / 2 ** 20, 1),
        rssBeforeMb: round(rssBefore / 2 ** 20, 1),
        baton: {
          status: done.status,
          imported: done.imported,
          totalMs: Math.round(ms),
          rowsPerSec: Math.round((rows / ms) * 1000),
          checkPassMs: validatedAt ? Math.round(validatedAt - started) : null,
          ...memory,
          rssDuringImport: rssAt,
          written: { leads: Number(c.leads), leadCreatedAudit: Number(c.audit), leadCreatedOutbox: Number(c.outbox) },
        },
        rawSqlBaseline: { totalMs: Math.round(baseMs), rowsPerSec: Math.round((rows / baseMs) * 1000), ...baseMemory },
        slowdownVsBaseline: round(ms / baseMs, 1),
      };
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  console.log(JSON.stringify(await runImportBench({ rows: numberArg('rows') }), null, 2));
}
