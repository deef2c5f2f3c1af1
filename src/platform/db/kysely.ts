import { Kysely, PostgresDialect } from 'kysely';
import type { Writable } from 'node:stream';
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

/**
 * Marks the last statement of a transaction whose answer changes nothing that follows: the client sends COMMIT
 * right behind it, without waiting for its answer, and Kysely's own COMMIT then gets that COMMIT's answer. If the
 * statement fails, PostgreSQL turns the COMMIT into a ROLLBACK (the transaction is aborted), the statement's error
 * reaches its caller, and Kysely's ROLLBACK finds nothing left to undo. Only for a statement after which the
 * transaction commits unless that statement itself fails (the pre-commit flush).
 */
export const COMMIT_FOLLOWS = '\n/* commit follows */';

type Answer = { command: string; rowCount: number | null; rows: unknown[] };
const answered = (command: string): Promise<Answer> => Promise.resolve({ command, rowCount: null, rows: [] });

/**
 * A pg client that spends fewer round trips per transaction (the connection is in pipeline mode, so a statement
 * can go out before the previous one's answer is in): BEGIN is held back and sent together with the
 * transaction's first statement (a transaction that sends none costs nothing), a COMMIT_FOLLOWS statement
 * takes its COMMIT with it, and whatever one turn of the event loop sends leaves in one write (`together`).
 * Parameterised statements are named (see statementName).
 */
class PreparingClient extends pg.Client {
  #beginHeld = false;
  #commitSent: Promise<Answer> | undefined;
  #corked = false;

  override query(...args: unknown[]): never {
    const [text, values] = args;
    const send = (super.query as (...a: unknown[]) => never).bind(this);
    // Kysely's form (text and values, answered by a promise); anything else goes out as it came, after a held BEGIN.
    if (typeof text !== 'string' || !Array.isArray(values) || args.length > 2) {
      if (this.#beginHeld) void this.#sendBegin(send).catch(() => {});
      return send(...args);
    }
    if (text === 'begin') return ((this.#beginHeld = true), answered('BEGIN')) as never;
    if (text === 'commit' || text === 'rollback') {
      if (this.#beginHeld) return ((this.#beginHeld = false), answered(text.toUpperCase())) as never;
      const sent = this.#commitSent;
      this.#commitSent = undefined;
      if (sent) return (text === 'commit' ? sent : sent.catch(() => undefined).then(() => answered('ROLLBACK'))) as never;
    }
    this.#corkUntilThisTurnEnds();
    const begin = this.#beginHeld ? this.#sendBegin(send) : undefined;
    const name = statementName(text, values.length);
    const statement: Promise<Answer> = name ? send({ name, text, values }) : send(text, values);
    if (text.endsWith(COMMIT_FOLLOWS)) {
      const commit: Promise<Answer> = send('commit');
      commit.catch(() => {});
      this.#commitSent = commit;
    }
    return (begin ? Promise.all([begin, statement]).then(([, answer]) => answer) : statement) as never;
  }

  /**
   * Statements sent in one turn of the event loop (a held BEGIN, a statement, its COMMIT; `together`'s
   * statements) leave in one write: one system call and one wake-up of the server instead of one each.
   */
  #corkUntilThisTurnEnds(): void {
    if (this.#corked) return;
    const stream = (this as unknown as { connection: { stream: Writable } }).connection.stream;
    this.#corked = true;
    stream.cork();
    queueMicrotask(() => {
      this.#corked = false;
      stream.uncork();
    });
  }

  #sendBegin(send: (...a: unknown[]) => never): Promise<Answer> {
    this.#beginHeld = false;
    return send('begin');
  }
}

export function createDb(connectionString: string, options: { max?: number; onError?: (error: Error) => void } = {}): DbHandle {
  const pool = new pg.Pool({
    Client: PreparingClient,
    pipeline: true,
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
