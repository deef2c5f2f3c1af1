import type { App } from '../platform/http/server.js';
import { MatchPreviewResponse, MatchPreviewSchema } from './match-schemas.js';
import { previewAccountMatch } from './use-cases/preview-account-match.js';

/** Account matching: preview which account an identity lands on, with the evidence (writes nothing). */
export function registerAccountMatchRoutes(app: App): void {
  app.post(
    '/api/v1/accounts/match',
    { config: { access: 'record.read' }, schema: { tags: ['channel'], body: MatchPreviewSchema, response: { 200: MatchPreviewResponse } } },
    async (request) => previewAccountMatch(request.context(), request.body),
  );
}
