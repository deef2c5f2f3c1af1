import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database.js';

// bigint and numeric stay strings (no silent precision loss); int8 counts are parsed where used.
export type DbHandle = { db: Kysely<Database>; pool: pg.Pool };

export function createDb(connectionString: string, options: { max?: number; onError?: (error: Error) => void } = {}): DbHandle {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    idleTimeoutMillis: 30_000,
    statement_timeout: 30_000,
    application_name: 'baton',
  });
  // An idle client losing its connection (e.g. a database restart) must not crash the process.
  const onError = options.onError ?? (() => {});
  pool.on('error', onError);
  pool.on('connect', (client) => client.on('error', onError));
  return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), pool };
}
