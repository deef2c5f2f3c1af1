import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Secrets } from '../secrets.js';
import { embeddedUrl, startEmbeddedCluster } from './embedded.js';
import { APP_ROLE, OWNER_ROLE, ensureAppRole, ensureRolesAndDatabase, withCredentials, withDatabase } from './roles.js';

export type DatabaseEndpoints = {
  /** Runs migrations; owns the schema. */
  ownerUrl: string;
  /** What the application uses for every request and job. */
  appUrl: string;
  embedded: boolean;
  stop(): Promise<void>;
};

const EMBEDDED_DATABASE = 'baton';

/** Embedded PostgreSQL unless DATABASE_URL is set; either way returns separate owner and app connections. */
export async function openDatabase(config: Config, secrets: Secrets, logger: Logger): Promise<DatabaseEndpoints> {
  if (config.databaseUrl) {
    const ownerUrl = config.databaseUrl;
    let appUrl = config.appDatabaseUrl;
    if (!appUrl) {
      await ensureAppRole(ownerUrl, secrets.appPassword);
      appUrl = withCredentials(ownerUrl, APP_ROLE, secrets.appPassword);
    }
    return { ownerUrl, appUrl, embedded: false, stop: async () => {} };
  }
  const cluster = await startEmbeddedCluster({ dataDir: config.dataDir, password: secrets.superuserPassword, logger });
  const base = embeddedUrl(cluster, EMBEDDED_DATABASE);
  try {
    await ensureRolesAndDatabase({
      superuserUrl: withCredentials(withDatabase(base, 'postgres'), cluster.superuser, cluster.password),
      database: EMBEDDED_DATABASE,
      ownerPassword: secrets.ownerPassword,
      appPassword: secrets.appPassword,
    });
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return {
    ownerUrl: withCredentials(base, OWNER_ROLE, secrets.ownerPassword),
    appUrl: withCredentials(base, APP_ROLE, secrets.appPassword),
    embedded: true,
    stop: cluster.stop,
  };
}
