import type { App } from '../../platform/http/server.js';
import { registerConflictRoutes } from './conflicts.js';
import { registerPartnerRoutes } from './partners.js';
import { registerRegistrationRoutes } from './registrations.js';
import { registerScorecardRoutes } from './scorecards.js';

/** Every internal channel route; each channel area adds its own file here. */
export function registerChannelRoutes(app: App): void {
  registerRegistrationRoutes(app);
  registerPartnerRoutes(app);
  registerConflictRoutes(app);
  registerScorecardRoutes(app);
}
