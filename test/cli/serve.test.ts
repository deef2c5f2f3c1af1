import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/runtime.js';
import { httpPortForChild } from '../support/ports.js';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-serve-'));
const children: ChildProcess[] = [];
const port = await httpPortForChild();
const url = `http://127.0.0.1:${port}`;

function startBaton(port: number) {
  const child = spawn('node', [path.join(projectRoot, 'bin', 'baton.js'), 'serve', '--port', String(port)], {
    env: { ...process.env, BATON_DATA_DIR: dataDir, BATON_FROM_SOURCE: '1', LOG_LEVEL: 'warn', DATABASE_URL: '', BATON_DEMO: '', BATON_ADMIN_EMAIL: 'owner@example.com', BATON_ADMIN_PASSWORD: 'a-strong-first-password' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

async function waitForHealth(url: string, timeoutMs: number) {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return { elapsedMs: Date.now() - started, body: await res.json() };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no healthy answer within ${timeoutMs} ms`);
}

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('`baton serve` on the embedded database', () => {
  it('starts on an empty data dir, seeds the demo org, is healthy once the demo is seeded (under 90 s even on a loaded 2-core CI box) and stops cleanly on SIGTERM', async () => {
    const baton = startBaton(port);
    const health = await waitForHealth(url, 90_000).catch((error: Error) => {
      throw new Error(`${error.message}\n${baton.output()}`);
    });
    expect(health.body).toMatchObject({ status: 'ok', db: 'ok', migrations: 'current' });
    const session = await fetch(`${url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'owner@example.com', password: 'a-strong-first-password' }) });
    expect(session.status).toBe(200);
    const cookie = session.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const users = (await (await fetch(`${url}/api/v1/users?limit=200`, { headers: { cookie } })).json()) as { items: Array<{ role: string }> };
    const roles = new Set(users.items.map((u: { role: string }) => u.role));
    expect([...roles].sort()).toEqual(['admin', 'channel_manager', 'finance', 'integration', 'ops', 'partner_admin', 'partner_user', 'revops', 'sales_manager', 'sales_rep']);
    expect(baton.output()).toContain('First admin: owner@example.com');
    expect(fs.readFileSync(path.join(dataDir, 'pg-port'), 'utf8').trim()).toMatch(/^\d+$/);
    baton.child.kill('SIGTERM');
    expect(await baton.exited).toBe(0);
    // the final checkpoint vouches for everything written so far
    expect(fs.readFileSync(path.join(dataDir, 'audit-checkpoints.baton.jsonl'), 'utf8')).toContain('"seq"');
  }, 150_000);

  it('restarts on the same data: same database port, no second admin, no second demo seed', async () => {
    const pgPort = fs.readFileSync(path.join(dataDir, 'pg-port'), 'utf8').trim();
    const baton = startBaton(port);
    await waitForHealth(url, 30_000);
    expect(fs.readFileSync(path.join(dataDir, 'pg-port'), 'utf8').trim()).toBe(pgPort);
    expect(baton.output()).not.toContain('First admin');
    expect(baton.output()).not.toContain('Demo users');
    baton.child.kill('SIGINT');
    expect(await baton.exited).toBe(0);
  }, 60_000);
});
