import { type Insertable, type QueryCreator, sql } from 'kysely';
import type { Database } from './database.js';

/** The PostgreSQL type of each column written; jsonb columns are sent as text and cast on the way in. */
export type ColumnTypes<T extends keyof Database> = Partial<Record<keyof Insertable<Database[T]> & string, string>>;

/**
 * Rows as one INSERT … SELECT FROM unnest(one array per column) WITH ORDINALITY, in order: one parameter per
 * column whatever the row count, so the statement is prepared and planned once per connection. A multi-row
 * VALUES list is new text for every row count, parsed and planned on every call, and built node by node first.
 */
export function unnestInsert<T extends keyof Database & string>(
  db: QueryCreator<Database>,
  table: T,
  types: ColumnTypes<T>,
  rows: Array<Partial<Record<keyof ColumnTypes<T>, unknown>>>,
) {
  const columns = Object.keys(types) as Array<keyof ColumnTypes<T> & string>;
  const arrayType = (column: keyof ColumnTypes<T> & string) => (types[column] === 'jsonb' ? 'text' : types[column]!);
  return db
    .insertInto(table)
    .columns(columns as never)
    .expression(
      sql`select ${sql.join(columns.map((c) => (types[c] === 'jsonb' ? sql`${sql.ref(`t.${c}`)}::jsonb` : sql.ref(`t.${c}`))))}
          from unnest(${sql.join(columns.map((c) => sql`${rows.map((row) => row[c] ?? null)}::${sql.raw(arrayType(c))}[]`))})
               with ordinality as t(${sql.join([...columns.map((c) => sql.id(c)), sql.id('n')])})
          order by t.n`,
    );
}
