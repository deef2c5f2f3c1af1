import { buildTasks } from '../../app.js';
import { startWorkers } from '../../platform/jobs/worker.js';
import { startRuntime } from '../../runtime.js';

/** `baton worker`: jobs only, no HTTP; run as many as the load needs. */
export async function worker(): Promise<void> {
  const runtime = await startRuntime();
  const runner = await startWorkers({ pool: runtime.handle.pool, logger: runtime.logger, ...buildTasks({ db: runtime.handle.db, clock: runtime.clock, checkpoints: runtime.checkpoints }) });
  const shutdown = async () => {
    await runner.stop();
    await runtime.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
  await runner.promise;
}
