import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../platform/db/database.js';
import { pendingMigrations } from '../platform/db/migrate.js';
import type { App } from '../platform/http/server.js';

const HealthResponse = z.object({
  status: z.enum(['ok', 'degraded']),
  db: z.enum(['ok', 'unreachable']),
  migrations: z.enum(['current', 'pending', 'unknown']),
  version: z.string(),
});

/** Liveness and readiness in one: 200 when the database answers and its schema is current, else 503. */
export function registerHealthRoutes(app: App, deps: { db: Db; version: string }): void {
  app.get('/api/health', { config: { access: 'public' }, schema: { tags: ['health'], response: { 200: HealthResponse, 503: HealthResponse } } }, async (_request, reply) => {
    let db: 'ok' | 'unreachable' = 'ok';
    let migrations: 'current' | 'pending' | 'unknown' = 'unknown';
    try {
      await sql`select 1`.execute(deps.db);
      migrations = (await pendingMigrations(deps.db as never)).length === 0 ? 'current' : 'pending';
    } catch {
      db = 'unreachable';
    }
    const status = db === 'ok' && migrations === 'current' ? 'ok' : 'degraded';
    return reply.code(status === 'ok' ? 200 : 503).send({ status, db, migrations, version: deps.version });
  });
}
