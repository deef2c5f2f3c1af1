import { type Insertable, type QueryCreator, sql } from 'kysely';
import type { Database } from './database.js';

/** The PostgreSQL type of each column written; jsonb columns take JSON text (or a value to serialise). */
export type ColumnTypes<T extends keyof Database> = Partial<Record<keyof Insertable<Database[T]> & string, string>>;

/**
 * Rows as one INSERT … SELECT FROM unnest(one array per column) WITH ORDINALITY, in order: one parameter per
 * column whatever the row count, so the statement is prepared and planned once per connection. A multi-row
 * VALUES list is new text for every row count, parsed and planned on every call, and built node by node first.
 * The jsonb columns travel together as one JSON document, an object per row (a missing key is SQL NULL): as text
 * array elements every quote in them would be escaped on the way out and unescaped on the way in.
 */
export function unnestInsert<T extends keyof Database & string>(
  db: QueryCreator<Database>,
  table: T,
  types: ColumnTypes<T>,
  rows: Array<Partial<Record<keyof ColumnTypes<T>, unknown>>>,
) {
  const columns = Object.keys(types) as Array<keyof ColumnTypes<T> & string>;
  const plain = columns.filter((c) => types[c] !== 'jsonb');
  const json = columns.filter((c) => types[c] === 'jsonb');
  const jsonOf = (row: (typeof rows)[number]) =>
    `{${json.flatMap((c) => (row[c] == null ? [] : [`"${c}":${typeof row[c] === 'string' ? row[c] : JSON.stringify(row[c])}`])).join(',')}}`;
  const documents =
    json.length === 0
      ? sql``
      : sql`join jsonb_array_elements(${`[${rows.map(jsonOf).join(',')}]`}::jsonb) with ordinality as j(doc, n) on j.n = t.n`;
  return db
    .insertInto(table)
    .columns(columns as never)
    .expression(
      sql`select ${sql.join(columns.map((c) => (types[c] === 'jsonb' ? sql`j.doc -> ${sql.lit(c)}` : sql.ref(`t.${c}`))))}
          from unnest(${sql.join(plain.map((c) => sql`${rows.map((row) => row[c] ?? null)}::${sql.raw(types[c]!)}[]`))})
               with ordinality as t(${sql.join([...plain.map((c) => sql.id(c)), sql.id('n')])})
          ${documents}
          order by t.n`,
    );
}
