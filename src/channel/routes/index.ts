import type { App } from '../../platform/http/server.js';
import { registerRegistrationRoutes } from './registrations.js';

/** Every internal channel route; each channel area adds its own file here. */
export function registerChannelRoutes(app: App): void {
  registerRegistrationRoutes(app);
}
