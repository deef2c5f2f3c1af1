import type { CompiledQuery } from 'kysely';
import type { Trx } from './database.js';

/** A query builder or a `sql` template: either compiles against the transaction. */
type Statement<Row> = { compile(executorProvider: Trx): CompiledQuery<Row> };
type Rows<Statements> = { [K in keyof Statements]: Statements[K] extends Statement<infer Row> ? Row[] : never };

/**
 * Independent statements of one transaction sent together, answered in order: they leave in one write and the
 * transaction waits for the server once, not once per statement (the connection is in pipeline mode, see
 * kysely.ts). The server still runs them one after another, each with its own snapshot, in the order given. If
 * one fails, the transaction is aborted, so the ones behind it fail too; the first failure is the answer.
 */
export function together<Statements extends ReadonlyArray<Statement<unknown>>>(
  trx: Trx,
  ...statements: Statements
): Promise<Rows<Statements>> {
  const compiled = statements.map((statement) => statement.compile(trx));
  return trx
    .getExecutor()
    .provideConnection((connection) => Promise.all(compiled.map(async (query) => (await connection.executeQuery(query)).rows))) as Promise<
    Rows<Statements>
  >;
}
