import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { type CheckpointStore, checkpointStore } from '../../src/platform/audit/checkpoints.js';
import { sealingSettled } from '../../src/platform/audit/seal-audit.js';
import { embeddedUrl } from '../../src/platform/db/embedded.js';
import { type DbHandle, createDb } from '../../src/platform/db/kysely.js';
import { APP_ROLE, OWNER_ROLE, withCredentials } from '../../src/platform/db/roles.js';
import { type Secrets, loadOrCreateSecrets } from '../../src/platform/secrets.js';

export type TestDatabase = DbHandle & {
  name: string;
  appUrl: string;
  ownerUrl: string;
  superuserUrl: string;
  secrets: Secrets;
  /** A data dir of this file's own (checkpoints live here). */
  dataDir: string;
  checkpoints: CheckpointStore;
  /** Runs SQL as the superuser: the tampering attacker of audit tests. */
  superuser<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<T>>;
  close(): Promise<void>;
};

/** A fresh database cloned from the migrated template: isolated per test file, ready in milliseconds. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const cluster = inject('testCluster');
  const secrets = loadOrCreateSecrets(cluster.dataDir);
  const name = `t_${randomBytes(6).toString('hex')}`;
  const url = (database: string, user: string, password: string) => withCredentials(embeddedUrl(cluster, database), user, password);
  const admin = new pg.Client({ connectionString: url('postgres', 'postgres', secrets.superuserPassword) });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${cluster.template} OWNER ${OWNER_ROLE}`);
  await admin.end();
  const appUrl = url(name, APP_ROLE, secrets.appPassword);
  const superuserUrl = url(name, 'postgres', secrets.superuserPassword);
  const handle = createDb(appUrl, { max: 6 });
  const dataDir = path.join(cluster.dataDir, name);
  fs.mkdirSync(dataDir, { recursive: true });
  return {
    ...handle,
    name,
    appUrl,
    ownerUrl: url(name, OWNER_ROLE, secrets.ownerPassword),
    superuserUrl,
    secrets,
    dataDir,
    checkpoints: checkpointStore(dataDir, name, { signingKey: secrets.auditSigningKey, verifyKey: secrets.auditVerifyKey }),
    superuser: async (text, values) => {
      const client = new pg.Client({ connectionString: superuserUrl });
      await client.connect();
      try {
        return await client.query(text, values);
      } finally {
        await client.end();
      }
    },
    close: async () => {
      await sealingSettled(handle.db);
      await handle.db.destroy();
    },
  };
}
