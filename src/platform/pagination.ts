import { z } from 'zod';
import { invalidField } from './errors.js';

export const PageQuerySchema = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
};

export type Page<T> = { items: T[]; nextCursor: string | null };

/** Keyset cursors: the sort key of the last item, opaque to clients. */
export const encodeCursor = (key: Array<string | number>) => Buffer.from(JSON.stringify(key)).toString('base64url');

export function decodeCursor(cursor: string, length: number): Array<string | number> {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === length && parsed.every((v) => typeof v === 'string' || typeof v === 'number')) return parsed;
  } catch {
    // falls through to the field error
  }
  throw invalidField('cursor', 'not a cursor returned by this list');
}

/** Fetch limit+1 rows, return limit and a cursor when there was more. */
export function toPage<R, T>(rows: R[], limit: number, view: (row: R) => T, key: (row: R) => Array<string | number>): Page<T> {
  const hasMore = rows.length > limit;
  const items = rows.slice(0, limit);
  return { items: items.map(view), nextCursor: hasMore ? encodeCursor(key(items.at(-1)!)) : null };
}
