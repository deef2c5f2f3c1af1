/**
 * Crash safety of acknowledged writes (issue 6, goal G10): the real `baton serve` runs as a child process
 * against a test database; concurrent clients POST leads with Idempotency-Keys while the server is
 * SIGKILLed at random moments and restarted. Afterwards: every acknowledged lead exists, each committed
 * lead has exactly one outbox row (and one audit row), nothing of a rolled-back attempt is left, and each
 * key had at most one effect — exactly one when it was acknowledged.
 *
 *   BATON_CRASH_WRITES=1000 npx vitest run test/integrations/crash.test.ts   # nightly size
 *   BATON_CRASH_SEED=42 …                                                    # replay a schedule
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/identity/use-cases/create-api-token.js';
import { createUser } from '../../src/identity/use-cases/create-user.js';
import { systemActor } from '../../src/platform/access/actor.js';
import { systemClock } from '../../src/platform/clock.js';
import { projectRoot } from '../../src/runtime.js';
import { httpPortForChild } from '../support/ports.js';
import { type TestDatabase, createTestDatabase } from '../support/test-db.js';

const WRITES = Number(process.env.BATON_CRASH_WRITES ?? 200);
const SEED = Number(process.env.BATON_CRASH_SEED ?? Date.now() % 1_000_000);
const CLIENTS = 8;
const RUN = `crash-${SEED}-${Date.now()}`;

/** A small seeded PRNG (mulberry32), so a failing schedule can be replayed with BATON_CRASH_SEED. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
const random = prng(SEED);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const debug = (...args: unknown[]) => process.env.BATON_CRASH_DEBUG === '1' && console.error(new Date().toISOString(), ...args);

let database: TestDatabase;
let token: string;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-crash-'));
const port = await httpPortForChild();
const url = `http://127.0.0.1:${port}`;
let child: ChildProcess | null = null;
let output = '';

/**
 * `bin/baton.js` runs the sources through tsx, which takes 10 s and more per start on a loaded 2-core box;
 * killing and restarting a dozen times needs a faster start. The sources are bundled once (esbuild, the
 * compiler tsx itself uses, packages left external) into a directory that looks like the project root.
 */
async function bundleServer(): Promise<string> {
  const root = path.join(dataDir, 'app');
  fs.mkdirSync(path.join(root, 'dist'), { recursive: true });
  fs.copyFileSync(path.join(projectRoot, 'package.json'), path.join(root, 'package.json'));
  fs.symlinkSync(path.join(projectRoot, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  const outfile = path.join(root, 'dist', 'baton.mjs');
  await build({
    stdin: {
      contents: `import { main } from ${JSON.stringify(path.join(projectRoot, 'src', 'cli', 'main.ts'))};\nconst code = await main(process.argv);\nif (code !== 0) process.exit(code);\n`,
      resolveDir: projectRoot,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile,
    logLevel: 'error',
  });
  return outfile;
}
let serverEntry = '';

function startServer(): ChildProcess {
  const proc = spawn('node', [serverEntry, 'serve', '--port', String(port), '--no-workers'], {
    env: {
      ...process.env,
      BATON_DATA_DIR: dataDir,
      LOG_LEVEL: 'error',
      DATABASE_URL: database.ownerUrl,
      BATON_APP_DATABASE_URL: database.appUrl,
      BATON_DEMO: '0',
      BATON_WORKERS: '0',
      BATON_ADMIN_EMAIL: 'crash-admin@example.com',
      BATON_ADMIN_PASSWORD: 'a-strong-first-password',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout!.on('data', (d) => (output = (output + d).slice(-20_000)));
  proc.stderr!.on('data', (d) => (output = (output + d).slice(-20_000)));
  return proc;
}

async function waitHealthy(timeoutMs = 60_000) {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return Date.now() - started;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`server not healthy within ${timeoutMs} ms\n${output}`);
}

const exited = (proc: ChildProcess) =>
  proc.exitCode !== null || proc.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => proc.once('exit', () => resolve()));

beforeAll(async () => {
  serverEntry = await bundleServer();
  database = await createTestDatabase();
  const ctx = { db: database.db, clock: systemClock, actor: systemActor('test') };
  const user = await createUser(ctx, { email: `crash.${Date.now()}@test.baton.dev`, name: 'Crash client', role: 'integration' });
  token = (await createApiToken(ctx, { name: 'crash', userId: user.id })).token;
}, 60_000);

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await exited(child);
  }
  await database?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

type Outcome =
  | { key: string; name: string; status: 'acked'; id: string; attempts: number }
  | { key: string; name: string; status: 'unresolved'; attempts: number; last: string };

describe(`kill -9 during ${WRITES} acknowledged writes (seed ${SEED})`, () => {
  it('loses no acknowledged write, writes one outbox row per committed change and gives each idempotency key one effect', async () => {
    const started = Date.now();
    const { rows: sync } = await database.superuser('show synchronous_commit');
    expect(sync[0]!.synchronous_commit).toBe('on');

    child = startServer();
    const restartsMs: number[] = [await waitHealthy()];
    debug('server up', restartsMs);
    let up = true;
    let upChanged: Promise<void> = Promise.resolve();
    let signalUp: () => void = () => {};
    const markDown = () => {
      up = false;
      upChanged = new Promise((resolve) => (signalUp = resolve));
    };

    const queue = Array.from({ length: WRITES }, (_, i) => i);
    const outcomes: Outcome[] = [];
    let done = false;
    let kills = 0;
    // The killer strikes after a random number of acknowledgements since the last start plus a random delay,
    // so kills land while writes are in flight, whatever the machine's speed.
    let acksSinceStart = 0;
    let ackTarget = 0;
    let onTarget: () => void = () => {};
    const acked$ = () => {
      acksSinceStart += 1;
      if (acksSinceStart >= ackTarget) onTarget();
    };

    const client = async () => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
        const key = `${RUN}-${i}`;
        const name = `Crash lead ${RUN} #${i}`;
        let attempts = 0;
        let last = '';
        let outcome: Outcome | null = null;
        // Retry with the same key until acknowledged; give up only if the key stays blocked (see below).
        for (let inFlightAnswers = 0; outcome === null;) {
          if (!up) await upChanged;
          attempts += 1;
          try {
            const res = await fetch(`${url}/api/v1/leads`, {
              method: 'POST',
              headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
              body: JSON.stringify({ name, source: 'crash-test', attributes: { run: RUN, n: i } }),
              signal: AbortSignal.timeout(15_000),
            });
            const text = await res.text();
            last = `${res.status} ${text.slice(0, 200)}`;
            if (res.status === 201) {
              outcome = { key, name, status: 'acked', id: (JSON.parse(text) as { id: string }).id, attempts };
              acked$();
            } else if (res.status === 409 && text.includes('idempotency_in_flight')) {
              // A claim left by a killed server: the effect either committed (its response is lost) or not.
              // The test ages orphaned claims past the abandonment window at every restart; a committed one
              // keeps answering 409, so after a few tries the key is checked in the database instead.
              if (++inFlightAnswers >= 20) outcome = { key, name, status: 'unresolved', attempts, last };
              else await sleep(250);
            } else if (res.status >= 500 || res.status === 429) await sleep(250);
            else throw new Error(`unexpected answer for ${key}: ${last}`);
            if (!outcome) debug('retry', key, last.slice(0, 120));
          } catch (error) {
            if ((error as Error).message.startsWith('unexpected answer')) throw error;
            last = `network: ${(error as Error).message}`;
            await sleep(50);
          }
        }
        outcomes.push(outcome);
        debug('outcome', outcome.status, outcome.key, outcome.attempts, outcomes.length);
      }
    };

    const killer = async () => {
      while (!done) {
        acksSinceStart = 0;
        ackTarget = 5 + Math.floor(random() * Math.max(10, WRITES / 5));
        await Promise.race([new Promise<void>((resolve) => (onTarget = resolve)), allWritten]);
        if (done) break;
        await sleep(random() * 150);
        markDown();
        child!.kill('SIGKILL');
        await exited(child!);
        kills += 1;
        debug('killed', kills);
        // Every claim still in flight belonged to the dead process: age it past the 2-minute abandonment
        // window (what the wall clock would do), so a retry may take the key over again.
        await database.superuser("update idempotency_keys set created_at = created_at - interval '10 minutes' where state = 'in_flight'");
        child = startServer();
        restartsMs.push(await waitHealthy());
        debug('restarted', restartsMs.at(-1));
        up = true;
        signalUp();
      }
    };

    let allWrittenResolve: () => void = () => {};
    const allWritten = new Promise<void>((resolve) => (allWrittenResolve = resolve));
    const killing = killer();
    await Promise.all(Array.from({ length: CLIENTS }, client));
    done = true;
    allWrittenResolve();
    await killing;

    const acked = outcomes.filter((o): o is Extract<Outcome, { status: 'acked' }> => o.status === 'acked');
    const unresolved = outcomes.filter((o) => o.status === 'unresolved');
    expect(outcomes).toHaveLength(WRITES);
    expect(kills).toBeGreaterThanOrEqual(3);

    // 0 lost acknowledged writes: every acknowledged id is a lead with the name it was written with.
    const { rows: leads } = await database.superuser("select id, name from leads where attributes->>'run' = $1", [RUN]);
    const leadById = new Map(leads.map((l) => [l.id as string, l.name as string]));
    const lost = acked.filter((a) => leadById.get(a.id) !== a.name);
    expect(lost, 'acknowledged writes missing after crashes').toEqual([]);

    // One effect per key: no name twice; an acknowledged key's lead is the only one with its name.
    const names = leads.map((l) => l.name as string);
    expect(new Set(names).size, 'a key produced two leads').toBe(names.length);
    // A key never acknowledged had at most one effect, and exactly one iff its claim committed.
    const { rows: claims } = await database.superuser('select key, state from idempotency_keys where key like $1', [`${RUN}-%`]);
    const claimState = new Map(claims.map((c) => [c.key as string, c.state as string]));
    for (const u of unresolved) {
      const effects = names.filter((n) => n === u.name).length;
      expect(effects, `${u.key}: ${u.last}`).toBe(claimState.get(u.key) === 'committed' ? 1 : 0);
    }
    expect(leads.length).toBe(acked.length + unresolved.filter((u) => claimState.get(u.key) === 'committed').length);

    // Exactly one outbox row and one audit row per committed lead, none for rolled-back attempts.
    const { rows: outbox } = await database.superuser(
      "select o.aggregate_id, count(*)::int as n from outbox_events o where o.event_type = 'lead.created' and o.payload->'after'->'attributes'->>'run' = $1 group by o.aggregate_id",
      [RUN],
    );
    expect(outbox.length, 'lead.created outbox rows vs leads').toBe(leads.length);
    expect(outbox.every((o) => o.n === 1 && leadById.has(o.aggregate_id as string))).toBe(true);
    const { rows: audit } = await database.superuser(
      "select entity_id, count(*)::int as n from audit_events where event_name = 'lead.created' and entity_id = any($1) group by entity_id",
      [[...leadById.keys()]],
    );
    expect(audit.length).toBe(leads.length);
    expect(audit.every((a) => a.n === 1)).toBe(true);
    // Every outbox row of any type written for these leads belongs to an existing lead (nothing orphaned).
    const { rows: orphans } = await database.superuser(
      "select count(*)::int as n from outbox_events o where o.aggregate_type = 'lead' and o.payload->'after'->'attributes'->>'run' = $1 and not exists (select 1 from leads l where l.id::text = o.aggregate_id)",
      [RUN],
    );
    expect(orphans[0]!.n).toBe(0);

    // Retrying acknowledged keys after all the crashes replays the stored answer and adds nothing.
    const sample = fc.sample(fc.constantFrom(...acked), { numRuns: Math.min(10, acked.length), seed: SEED });
    for (const a of sample) {
      const i = Number(a.key.slice(a.key.lastIndexOf('-') + 1));
      const res = await fetch(`${url}/api/v1/leads`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': a.key },
        body: JSON.stringify({ name: a.name, source: 'crash-test', attributes: { run: RUN, n: i } }),
      });
      expect(res.status).toBe(201);
      expect(res.headers.get('idempotent-replayed')).toBe('true');
      expect(((await res.json()) as { id: string }).id).toBe(a.id);
    }
    const { rows: after } = await database.superuser("select count(*)::int as n from leads where attributes->>'run' = $1", [RUN]);
    expect(after[0]!.n).toBe(leads.length);

    const retried = outcomes.filter((o) => o.attempts > 1).length;
    console.log(
      JSON.stringify({
        crashTest: {
          seed: SEED,
          writes: WRITES,
          acknowledged: acked.length,
          unresolvedCommittedWithoutAnswer: unresolved.filter((u) => claimState.get(u.key) === 'committed').length,
          unresolvedNotCommitted: unresolved.filter((u) => claimState.get(u.key) !== 'committed').length,
          keysRetried: retried,
          kills,
          restartMs: restartsMs,
          totalMs: Date.now() - started,
        },
      }),
    );
  }, 300_000);
});
