import type { Task } from 'graphile-worker';
import { systemActor } from '../platform/access/actor.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db/database.js';
import type { CronLine } from '../platform/jobs/worker.js';
import { detectStockDrift } from './use-cases/detect-stock-drift.js';

export function orderTasks(deps: { db: Db; clock: Clock }): Record<string, Task> {
  return {
    detect_stock_drift: async () => {
      await detectStockDrift({ db: deps.db, clock: deps.clock, actor: systemActor('stock drift detector') });
    },
  };
}

export const orderCron: CronLine[] = [{ task: 'detect_stock_drift', schedule: '41 * * * *' }];
