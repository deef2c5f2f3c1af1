import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { buildApp, buildTasks } from '../../app.js';
import { seedDemo } from '../../demo/seed-demo.js';
import { bootstrapAdmin } from '../../identity/use-cases/bootstrap-admin.js';
import { startWorkers } from '../../platform/jobs/worker.js';
import { projectRoot, startRuntime, version } from '../../runtime.js';
import { cliContext, demoDataDir } from '../context.js';

/** `baton serve`: database → migrations → first admin → demo data → HTTP + workers, until a signal. */
export async function serve(options: { port?: number; workers: boolean }): Promise<void> {
  const runtime = await startRuntime();
  const { config, logger } = runtime;
  const deps = {
    db: runtime.handle.db,
    pool: runtime.handle.pool,
    clock: runtime.clock,
    logger,
    checkpoints: runtime.checkpoints,
    cookieSecret: runtime.secrets.cookieSecret,
    trustProxy: config.trustProxy,
    sessionPolicy: { idleMinutes: config.sessionIdleMinutes, absoluteHours: config.sessionAbsoluteHours },
    version,
    webRoot: path.join(projectRoot, 'web', 'dist'),
  };

  const admin = await bootstrapAdmin(deps, { email: config.adminEmail, password: config.adminPassword });
  const seedDemoData = config.demo ?? runtime.endpoints.embedded;
  let demoPassword: string | null = null;
  if (seedDemoData) {
    const summary = await seedDemo(cliContext(runtime), { dataDir: demoDataDir, password: process.env.BATON_DEMO_PASSWORD ?? randomBytes(9).toString('base64url') });
    if (summary.seeded) demoPassword = summary.password;
  }

  const app = await buildApp(deps);
  const runner = options.workers && config.runWorkers ? await startWorkers({ pool: runtime.handle.pool, logger, ...buildTasks(deps) }) : null;
  const address = await app.listen({ port: options.port ?? config.port, host: config.host });

  if (admin.created) {
    console.log(`\n  First admin: ${admin.email}` + (admin.generatedPassword ? `  password: ${admin.generatedPassword}  (shown once; change it after signing in)` : ''));
  }
  if (demoPassword) console.log(`  Demo users (e.g. dustin.brinkmann@demo.baton.dev, nora.northwind@demo.baton.dev) share the password: ${demoPassword}`);
  console.log(`\n  Baton ${version} is running at ${address.replace('127.0.0.1', 'localhost')}\n`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await app.close();
    await runner?.stop();
    await runtime.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}
