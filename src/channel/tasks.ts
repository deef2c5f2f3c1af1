import type { Task } from 'graphile-worker';
import { systemActor } from '../platform/access/actor.js';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db/database.js';
import type { UseCaseContext } from '../platform/use-case-context.js';
import { detectChannelConflicts } from './use-cases/detect-channel-conflicts.js';
import { sweepRegistrationExpiry } from './use-cases/sweep-registration-expiry.js';

export function channelTasks(deps: { db: Db; clock: Clock }): Record<string, Task> {
  const ctx = (label: string): UseCaseContext => ({ db: deps.db, clock: deps.clock, actor: systemActor(label) });
  return {
    sweep_registration_expiry: async () => {
      await sweepRegistrationExpiry(ctx('registration expiry sweep'), { batchSize: 100 });
    },
    detect_channel_conflicts: async () => {
      await detectChannelConflicts(ctx('conflict detection'));
    },
  };
}

export const channelCron = [
  { task: 'sweep_registration_expiry', schedule: '* * * * *' },
  { task: 'detect_channel_conflicts', schedule: '* * * * *' },
];
