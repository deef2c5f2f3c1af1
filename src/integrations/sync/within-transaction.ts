import type { Db, Trx } from '../../platform/db/database.js';

/**
 * A Db whose `transaction()` joins `trx` instead of opening a new one. Inbound sync runs a native use
 * case (which opens its own transaction) and must commit the external-id map in that same transaction,
 * or a crash between the two would create the record twice on replay.
 */
export function dbWithin(trx: Trx): Db {
  const joined = { execute: <T>(work: (t: Trx) => Promise<T>) => work(trx) };
  return new Proxy(trx, {
    get(target, prop) {
      if (prop === 'transaction') return () => joined;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  }) as unknown as Db;
}
