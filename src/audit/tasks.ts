import type { Task } from 'graphile-worker';
import { checkpointAudit } from '../platform/audit/checkpoint-audit.js';
import type { CheckpointStore } from '../platform/audit/checkpoints.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db/database.js';

export function auditTasks(deps: { db: Db; clock: Clock; checkpoints: CheckpointStore }): Record<string, Task> {
  return {
    checkpoint_audit: async () => {
      await checkpointAudit(deps.db, deps.checkpoints, deps.clock);
    },
  };
}
