import { execSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { buildApp } from '../../src/app.js';
import { seedDemo } from '../../src/demo/seed-demo.js';
import { bootstrapAdmin } from '../../src/identity/use-cases/bootstrap-admin.js';
import { systemActor } from '../../src/platform/access/actor.js';
import { systemClock } from '../../src/platform/clock.js';
import { projectRoot } from '../../src/runtime.js';
import { createTestDatabase } from './test-db.js';

const defaultWebRoot = path.join(projectRoot, 'web', 'dist');

/** Rebuilds the web app when its sources are newer than the build, so browser tests never test stale code. */
function ensureWebBuilt(webRoot: string) {
  if (webRoot === defaultWebRoot) execSync('node scripts/ensure-built.mjs --web-only', { cwd: projectRoot, stdio: 'inherit' });
  if (!fs.existsSync(path.join(webRoot, 'index.html'))) throw new Error(`no web build at ${webRoot}`);
}

/** A real HTTP server on a fresh database with the demo organisation: what a browser test talks to. */
export async function startTestServer(options: { webRoot?: string } = {}) {
  const webRoot = options.webRoot ?? defaultWebRoot;
  ensureWebBuilt(webRoot);
  const database = await createTestDatabase();
  const admin = { email: 'admin@baton.local', password: 'correct-horse-battery' };
  const demoPassword = 'demo-password-123';
  const deps = { db: database.db, clock: systemClock };
  await bootstrapAdmin(deps, admin);
  await seedDemo({ ...deps, actor: systemActor('test') }, { dataDir: path.join(projectRoot, 'data', 'demo'), password: demoPassword });
  const app = await buildApp({
    db: database.db,
    pool: database.pool,
    clock: systemClock,
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    checkpoints: database.checkpoints,
    cookieSecret: database.secrets.cookieSecret,
    version: 'test',
    webRoot,
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    admin,
    demoPassword,
    database,
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}
