import type { App } from '../../platform/http/server.js';
import { registerConflictRoutes } from './conflicts.js';
import { registerPartnerRoutes } from './partners.js';
import { registerScorecardRoutes } from './scorecards.js';

/** Every internal channel route. */
export function registerChannelRoutes(app: App): void {
  // ---- partners, conflicts, scorecards ----
  registerPartnerRoutes(app);
  registerConflictRoutes(app);
  registerScorecardRoutes(app);
}
