import { Logger as WorkerLogger, type Runner, type TaskList, parseCrontab, run } from 'graphile-worker';
import type pg from 'pg';
import type { Logger } from 'pino';

export type CronLine = { task: string; schedule: string };

const workerLogger = (logger: Logger) =>
  new WorkerLogger((scope) => {
    const log = logger.child({ component: 'worker', ...(scope.taskIdentifier && { task: scope.taskIdentifier }), ...(scope.jobId && { jobId: scope.jobId }) });
    return (level, message, meta) => {
      const method = level === 'error' ? 'error' : level === 'warning' ? 'warn' : level === 'debug' ? 'debug' : 'info';
      log[method](meta ?? {}, message);
    };
  });

/**
 * graphile-worker on the app's pool: jobs are claimed with SKIP LOCKED, so any number of processes can run
 * this side by side; cron items fire once per schedule across all of them.
 */
export async function startWorkers(options: { pool: pg.Pool; logger: Logger; tasks: TaskList; cron: CronLine[]; concurrency?: number }): Promise<Runner> {
  return run({
    pgPool: options.pool,
    taskList: options.tasks,
    parsedCronItems: parseCrontab(options.cron.map((c) => `${c.schedule} ${c.task}`).join('\n')),
    concurrency: options.concurrency ?? 2,
    noHandleSignals: true,
    pollInterval: 1_000,
    logger: workerLogger(options.logger),
  });
}
