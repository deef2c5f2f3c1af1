import type { App } from '../../platform/http/server.js';
import { registerOwnershipRoutes } from './ownership.js';
import { registerPoolRoutes } from './pools.js';
import { registerQueueRoutes } from './queues.js';
import { registerRecordRoutes } from './records.js';
import { registerRulesetRoutes } from './rulesets.js';

/** Every routing route: records, ownership, pools and queues, rule sets, risk and reports. */
export function registerRoutingRoutes(app: App): void {
  registerRecordRoutes(app);
  registerOwnershipRoutes(app);
  registerPoolRoutes(app);
  registerRulesetRoutes(app);
  registerQueueRoutes(app);
}
