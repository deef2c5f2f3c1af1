import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database.js';

// bigint and numeric stay strings (no silent precision loss); int8 counts are parsed where used.
export type DbHandle = { db: Kysely<Database>; pool: pg.Pool };

/**
 * Every parameterised statement is sent as a named prepared statement, prepared once per connection: the server
 * then skips parsing and, for most statements, planning on later calls. Planning was about half of the database
 * time of a routing decision (pg_stat_statements). Statements with long IN lists (one text per list length) are
 * left unnamed, and so is everything once the process has named STATEMENT_NAMES_MAX texts, so neither the
 * client's nor the server's statement caches grow without bound. After five calls the server may keep one generic
 * plan for a statement, so a statement whose best plan depends on its values must be written so that it does not
 * (see `candidateQuery` in match-store.ts).
 */
const STATEMENT_NAMES_MAX = 2_000;
const PARAMETERS_MAX = 64;
const statementNames = new Map<string, string>();

function statementName(text: string, parameterCount: number): string | undefined {
  if (parameterCount === 0 || parameterCount > PARAMETERS_MAX) return undefined;
  let name = statementNames.get(text);
  if (!name && statementNames.size < STATEMENT_NAMES_MAX) statementNames.set(text, (name = `baton_${statementNames.size}`));
  return name;
}

class PreparingClient extends pg.Client {
  override query(...args: unknown[]): never {
    const [text, values] = args;
    const name = typeof text === 'string' && Array.isArray(values) ? statementName(text, values.length) : undefined;
    const call = super.query as (...a: unknown[]) => never;
    return name ? call.call(this, { name, text, values }, ...args.slice(2)) : call.apply(this, args);
  }
}

export function createDb(connectionString: string, options: { max?: number; onError?: (error: Error) => void } = {}): DbHandle {
  const pool = new pg.Pool({
    Client: PreparingClient,
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
