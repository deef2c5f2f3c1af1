import { registerAuditRoutes } from './audit/routes.js';
import { auditTasks } from './audit/tasks.js';
import { registerHealthRoutes } from './health/routes.js';
import { authenticateSession, authenticateToken } from './identity/use-cases/authenticate.js';
import type { SessionPolicy } from './identity/use-cases/sign-in.js';
import { registerIdentityRoutes } from './identity/routes.js';
import { routingCron, routingTasks } from './routing/tasks.js';
import { registerRoutingRoutes } from './routing/routes/index.js';
import type { CheckpointStore } from './platform/audit/checkpoints.js';
import type { Clock } from './platform/clock.js';
import type { Db } from './platform/db/database.js';
import { type App, buildServer } from './platform/http/server.js';
import type { CronLine } from './platform/jobs/worker.js';
import { maintenanceTasks } from './platform/jobs/maintenance-tasks.js';
import type { Logger } from 'pino';
import type pg from 'pg';
import { version } from './runtime.js';
import { registerOrderRoutes } from './orders/routes.js';
import { orderCron, orderTasks } from './orders/tasks.js';
import { integrationCron, integrationTasks } from './integrations/tasks.js';
import { registerIntegrationRoutes } from './integrations/routes.js';
import { openApiEventCatalogue } from './integrations/event-catalogue.js';
import { registerChannelRoutes } from './channel/routes/index.js';
import { channelCron, channelTasks } from './channel/tasks.js';
import { registerImportRoutes } from './integrations/imports/routes.js';
import { registerExportRoutes } from './integrations/exports/routes.js';
import { importTasks, importCron } from './integrations/imports/tasks.js';

export type AppDeps = {
  db: Db;
  pool: pg.Pool;
  clock: Clock;
  logger: Logger;
  checkpoints: CheckpointStore;
  cookieSecret: string;
  /** Defaults: no proxy trusted, 30-minute idle / 8-hour absolute sessions, the package version. */
  trustProxy?: boolean;
  sessionPolicy?: SessionPolicy;
  version?: string;
  webRoot?: string;
  rateLimit?: { max: number; timeWindow: string };
  /** Off only where one process plays client and server (the test suite), so its own load is not shed. */
  loadShedding?: boolean;
};

const DEFAULT_SESSION_POLICY: SessionPolicy = { idleMinutes: 30, absoluteHours: 8 };

/** The composition root for HTTP: platform server + every feature's routes. */
export async function buildApp(options: AppDeps): Promise<App> {
  const deps = { trustProxy: false, sessionPolicy: DEFAULT_SESSION_POLICY, version, ...options };
  const app = await buildServer({
    ...deps,
    openApiExtra: openApiEventCatalogue,
    authenticate: {
      session: (token) => authenticateSession({ db: deps.db, clock: deps.clock, policy: deps.sessionPolicy }, token),
      token: (token) => authenticateToken(deps, token),
    },
  });
  registerHealthRoutes(app, deps);
  registerIdentityRoutes(app, { db: deps.db, clock: deps.clock, policy: deps.sessionPolicy });
  registerAuditRoutes(app, deps);
  registerRoutingRoutes(app);
  registerOrderRoutes(app);
  registerIntegrationRoutes(app);
  registerChannelRoutes(app);
  registerImportRoutes(app);
  registerExportRoutes(app);
  return app;
}

/** The composition root for jobs: every feature's tasks and cron schedule. */
export function buildTasks(deps: Pick<AppDeps, 'db' | 'clock' | 'checkpoints'>) {
  const tasks = { ...maintenanceTasks(deps), ...auditTasks(deps), ...routingTasks(deps), ...integrationTasks(deps) };
  const cron: CronLine[] = [
    { task: 'checkpoint_audit', schedule: '* * * * *' },
    { task: 'expire_idempotency_keys', schedule: '17 * * * *' },
    { task: 'purge_sessions', schedule: '23 3 * * *' },
    ...routingCron,
    ...integrationCron,
  ];
  Object.assign(tasks, orderTasks(deps));
  cron.push(...orderCron);
  Object.assign(tasks, channelTasks(deps));
  cron.push(...channelCron);
  Object.assign(tasks, importTasks(deps));
  cron.push(...importCron);
  return { tasks, cron };
}
