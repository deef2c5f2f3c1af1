import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { safeCell } from '../../routing/core/exception-report.js';

export type Cell = string | number | boolean | Date | null | undefined;
export type CsvExport = { fileName: string; columns: readonly string[]; rows: AsyncIterable<Cell[]> };

const cell = (v: Cell): string | number => {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return safeCell(v);
};

/**
 * Rows → CSV bytes, streamed with back-pressure (an export of millions of rows is never in memory). Every
 * text cell goes through `safeCell`: one starting with =, +, -, @, tab or CR is prefixed with an apostrophe
 * so a spreadsheet shows it as text instead of running it as a formula.
 */
export function csvStream(exp: CsvExport): Readable {
  const out = stringify({ header: true, columns: [...exp.columns] });
  const source = Readable.from(
    (async function* () {
      for await (const row of exp.rows) yield row.map(cell);
    })(),
  );
  source.on('error', (error) => out.destroy(error));
  return source.pipe(out);
}

/** Keyset pages of a query until one comes back short. */
export async function* paged<T>(fetch: (after: T | null) => Promise<T[]>, size: number): AsyncGenerator<T> {
  let after: T | null = null;
  for (;;) {
    const page = await fetch(after);
    yield* page;
    if (page.length < size) return;
    after = page[page.length - 1]!;
  }
}
