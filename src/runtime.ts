import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino, { type Logger } from 'pino';
import { checkpointAudit } from './platform/audit/checkpoint-audit.js';
import { type CheckpointStore, checkpointStore } from './platform/audit/checkpoints.js';
import { sealingSettled } from './platform/audit/seal-audit.js';
import { type Clock, systemClock } from './platform/clock.js';
import { type Config, loadConfig } from './platform/config.js';
import { type DatabaseEndpoints, openDatabase } from './platform/db/connect.js';
import { type DbHandle, createDb } from './platform/db/kysely.js';
import { migrateToLatest } from './platform/db/migrate.js';
import { type Secrets, loadOrCreateSecrets } from './platform/secrets.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The repository root, whether running from src/ (tsx) or dist/src/ (compiled). */
export const projectRoot = [path.resolve(here, '..'), path.resolve(here, '../..')].find((dir) => fs.existsSync(path.join(dir, 'package.json')))!;
export const version: string = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')).version;

export type Runtime = {
  config: Config;
  secrets: Secrets;
  logger: Logger;
  clock: Clock;
  endpoints: DatabaseEndpoints;
  handle: DbHandle;
  checkpoints: CheckpointStore;
  close(): Promise<void>;
};

/** Starts (or connects to) PostgreSQL, migrates as the owner role, and opens the app role's pool. */
export async function startRuntime(options: { config?: Config; logger?: Logger; migrate?: boolean } = {}): Promise<Runtime> {
  const config = options.config ?? loadConfig();
  const logger = options.logger ?? pino({ level: config.logLevel, base: { service: 'baton' } });
  const secrets = loadOrCreateSecrets(config.dataDir);
  const endpoints = await openDatabase(config, secrets, logger);
  try {
    if (options.migrate !== false) await migrateToLatest(endpoints.ownerUrl, logger);
  } catch (error) {
    await endpoints.stop();
    throw error;
  }
  let closed = false;
  // While closing, PostgreSQL ends connections the pool is still letting go of; that is not a failure.
  const handle = createDb(endpoints.appUrl, { onError: (error) => closed || logger.warn({ err: error }, 'idle database connection failed') });
  const database = new URL(endpoints.appUrl).pathname.slice(1);
  const checkpoints = checkpointStore(config.dataDir, database, { signingKey: secrets.auditSigningKey, verifyKey: secrets.auditVerifyKey });
  return {
    config,
    secrets,
    logger,
    clock: systemClock,
    endpoints,
    handle,
    checkpoints,
    close: async () => {
      if (closed) return;
      closed = true;
      await sealingSettled(handle.db);
      await checkpointAudit(handle.db, checkpoints, systemClock).catch((error: unknown) => logger.warn({ err: error }, 'final audit checkpoint failed'));
      await handle.db.destroy();
      await endpoints.stop();
    },
  };
}
