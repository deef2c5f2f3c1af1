import type { App } from '../../platform/http/server.js';
import { registerAccountMatchRoutes } from '../match-routes.js';
import { registerConflictRoutes } from './conflicts.js';
import { registerPartnerRoutes } from './partners.js';
import { registerPortalRoutes } from './portal.js';
import { registerRegistrationRoutes } from './registrations.js';
import { registerScorecardRoutes } from './scorecards.js';

/** Every channel route: the internal channel API and the partner portal (/api/partner/v1). */
export function registerChannelRoutes(app: App): void {
  registerAccountMatchRoutes(app);
  registerRegistrationRoutes(app);
  registerPartnerRoutes(app);
  registerConflictRoutes(app);
  registerScorecardRoutes(app);
  registerPortalRoutes(app);
}
