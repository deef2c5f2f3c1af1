import type { Task } from 'graphile-worker';
import { systemActor } from '../platform/access/actor.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db/database.js';
import type { UseCaseContext } from '../platform/use-case-context.js';
import { sendWeeklyExceptionReport } from './use-cases/send-weekly-exception-report.js';
import { sweepEscalations } from './use-cases/sweep-escalations.js';

export function routingTasks(deps: { db: Db; clock: Clock }): Record<string, Task> {
  const ctx = (label: string): UseCaseContext => ({ db: deps.db, clock: deps.clock, actor: systemActor(label) });
  return {
    sweep_escalations: async () => {
      await sweepEscalations(ctx('escalation sweep'), { batchSize: 500 });
    },
    weekly_exception_report: async () => {
      await sendWeeklyExceptionReport(ctx('weekly exception report'));
    },
  };
}

export const routingCron = [
  { task: 'sweep_escalations', schedule: '* * * * *' },
  { task: 'weekly_exception_report', schedule: '0 6 * * 1' },
];
