import type { Db } from '../../db/client';

/** A transaction handle (or the database itself): query helpers accept either. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0] | Db;

/**
 * better-sqlite3 is synchronous: the callback must not await (drizzle #1472). IMMEDIATE takes the
 * write lock up front so two processes cannot both read the same counter value.
 */
export function writeTransaction<T>(db: Db, fn: (tx: Tx) => T): T {
  return db.transaction(fn, { behavior: 'immediate' });
}
