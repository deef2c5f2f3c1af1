import type { Task } from 'graphile-worker';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';

const DAY_MS = 86_400_000;

/** Housekeeping that keeps the write path's tables small; idempotent, safe to run any number of times. */
export function maintenanceTasks(deps: { db: Db; clock: Clock }): Record<string, Task> {
  return {
    expire_idempotency_keys: async () => {
      await deps.db.deleteFrom('idempotency_keys').where('expires_at', '<=', deps.clock.now()).execute();
    },
    purge_sessions: async () => {
      // Ended sessions are kept a month for incident review, then dropped.
      const cutoff = new Date(deps.clock.now().getTime() - 30 * DAY_MS);
      await deps.db
        .deleteFrom('sessions')
        .where((eb) => eb.or([eb('expires_at', '<', cutoff), eb('revoked_at', '<', cutoff)]))
        .execute();
    },
  };
}
