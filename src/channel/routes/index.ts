import type { App } from '../../platform/http/server.js';
import { registerPortalRoutes } from './portal.js';
import { registerRegistrationRoutes } from './registrations.js';

/** Every channel route; each channel area adds its own file here. */
export function registerChannelRoutes(app: App): void {
  registerRegistrationRoutes(app);
  // ---- partner portal ----
  registerPortalRoutes(app);
}
