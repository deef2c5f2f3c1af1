import type { Task } from 'graphile-worker';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db/database.js';
import { deliverDueWebhooks } from './use-cases/deliver-due-webhooks.js';
import { relayOutbox } from './use-cases/relay-outbox.js';

export function integrationTasks(deps: { db: Db; clock: Clock }): Record<string, Task> {
  return {
    relay_outbox: async () => {
      while ((await relayOutbox(deps)).published > 0);
    },
    deliver_webhooks: async () => {
      while ((await deliverDueWebhooks(deps)).attempted > 0);
    },
  };
}

export const integrationCron = [
  { task: 'relay_outbox', schedule: '* * * * *' },
  { task: 'deliver_webhooks', schedule: '* * * * *' },
];
