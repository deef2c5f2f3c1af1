import { IdParams, listOf } from '../../identity/http-schemas.js';
import { etagOf, versionFromIfMatch } from '../../platform/http/etag.js';
import type { App } from '../../platform/http/server.js';
import { z } from 'zod';
import { ConflictListQuery, ConflictResponse, ResolveConflictSchema, ScanResponse } from '../schemas/conflicts.js';
import { detectChannelConflicts } from '../use-cases/detect-channel-conflicts.js';
import { getConflict, listConflicts } from '../use-cases/list-conflicts.js';
import { resolveConflict } from '../use-cases/resolve-conflict.js';

const tags = ['channel'];
const ifMatch = z.object({ 'if-match': z.string().optional() });

/** The conflict queue, one case, its resolution, and an on-demand detection scan. */
export function registerConflictRoutes(app: App): void {
  app.get('/api/v1/conflicts', { config: { access: 'conflict.read' }, schema: { tags, querystring: ConflictListQuery, response: { 200: listOf(ConflictResponse) } } }, async (request) =>
    listConflicts(request.context(), request.query),
  );
  app.post('/api/v1/conflicts/scan', { config: { access: 'conflict.resolve' }, schema: { tags, response: { 200: ScanResponse } } }, async (request) =>
    detectChannelConflicts(request.context()),
  );
  app.get('/api/v1/conflicts/:id', { config: { access: 'conflict.read' }, schema: { tags, params: IdParams, response: { 200: ConflictResponse } } }, async (request, reply) => {
    const conflict = await getConflict(request.context(), request.params.id);
    return reply.header('etag', etagOf(conflict.version)).send(conflict);
  });
  app.post(
    '/api/v1/conflicts/:id/resolve',
    { config: { access: 'conflict.resolve' }, schema: { tags, params: IdParams, headers: ifMatch, body: ResolveConflictSchema, response: { 200: ConflictResponse } } },
    async (request, reply) => {
      const conflict = await resolveConflict(request.context(), { conflictId: request.params.id, expectedVersion: versionFromIfMatch(request.headers['if-match']), input: request.body });
      return reply.header('etag', etagOf(conflict.version)).send(conflict);
    },
  );
}
