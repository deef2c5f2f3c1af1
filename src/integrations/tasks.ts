import type { Task } from 'graphile-worker';
import type { Clock } from '../platform/clock.js';
import type { Db } from '../platform/db/database.js';
import { deliverDueWebhooks } from './use-cases/deliver-due-webhooks.js';
import { relayOutbox } from './use-cases/relay-outbox.js';

export function integrationTasks(deps: { db: Db; clock: Clock }): Record<string, Task> {
  return {
    relay_outbox: async (_payload, helpers) => {
      let deliveries = 0;
      for (let batch = await relayOutbox(deps); batch.published > 0; batch = await relayOutbox(deps)) deliveries += batch.deliveries;
      // New deliveries go out now rather than at the next cron minute; the job key folds repeated requests into one job.
      if (deliveries > 0) await helpers.addJob('deliver_webhooks', {}, { jobKey: 'deliver_webhooks' });
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
