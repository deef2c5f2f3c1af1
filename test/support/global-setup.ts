import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { TestProject } from 'vitest/node';
import { embeddedUrl, startEmbeddedCluster } from '../../src/platform/db/embedded.js';
import { migrateToLatest } from '../../src/platform/db/migrate.js';
import { OWNER_ROLE, ensureRolesAndDatabase, withCredentials } from '../../src/platform/db/roles.js';
import { loadOrCreateSecrets } from '../../src/platform/secrets.js';

export type TestCluster = { port: number; socketDir: string | null; dataDir: string; template: string };

declare module 'vitest' {
  interface ProvidedContext {
    testCluster: TestCluster;
  }
}

/** One real PostgreSQL for the whole run, with a migrated template every test file clones. */
export default async function setup(project: TestProject) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-test-'));
  const logger = pino({ level: 'warn' });
  const secrets = loadOrCreateSecrets(dataDir);
  const cluster = await startEmbeddedCluster({ dataDir, password: secrets.superuserPassword, logger });
  const template = 'baton_template';
  const base = embeddedUrl(cluster, 'postgres');
  await ensureRolesAndDatabase({ superuserUrl: withCredentials(base, 'postgres', secrets.superuserPassword), database: template, ownerPassword: secrets.ownerPassword, appPassword: secrets.appPassword });
  await migrateToLatest(withCredentials(embeddedUrl(cluster, template), OWNER_ROLE, secrets.ownerPassword), logger);
  project.provide('testCluster', { port: cluster.port, socketDir: cluster.socketDir, dataDir, template });
  return async () => {
    await cluster.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
}
