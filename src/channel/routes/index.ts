import type { App } from '../../platform/http/server.js';
import { registerPortalRoutes } from './portal.js';

/** Every channel route: the partner portal (and, as they land, the internal channel routes). */
export function registerChannelRoutes(app: App): void {
  registerPortalRoutes(app);
}
