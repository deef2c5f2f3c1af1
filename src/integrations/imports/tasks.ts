import type { Task } from 'graphile-worker';
import { systemActor } from '../../platform/access/actor.js';
import type { Clock } from '../../platform/clock.js';
import type { Db } from '../../platform/db/database.js';
import { runImport } from './use-cases/run-import.js';

/**
 * Crash recovery: an import whose runner died (its lease ran out while it was queued, checking or writing)
 * is picked up again and continues after its last committed line. Failed jobs wait for an explicit resume.
 */
export function importTasks(deps: { db: Db; clock: Clock }): Record<string, Task> {
  return {
    resume_imports: async () => {
      const now = deps.clock.now();
      const stale = await deps.db
        .selectFrom('import_jobs')
        .select('id')
        .where('status', 'in', ['queued', 'validating', 'importing'])
        .where('file_sha256', 'is not', null)
        .where((eb) =>
          eb.or([
            eb('lease_until', '<', now),
            eb.and([eb('lease_until', 'is', null), eb('updated_at', '<', new Date(now.getTime() - 60_000))]),
          ]),
        )
        .orderBy('created_at')
        .limit(5)
        .execute();
      for (const job of stale) {
        await runImport({ db: deps.db, clock: deps.clock, actor: systemActor('import-recovery') }, job.id).catch(() => undefined);
      }
    },
  };
}

export const importCron = [{ task: 'resume_imports', schedule: '* * * * *' }];
