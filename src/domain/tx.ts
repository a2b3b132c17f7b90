import type { Db } from '../../db/client';
import { joinGroupCommit } from '../../db/group-commit';

/** A transaction handle (or the database itself): query helpers accept either. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0] | Db;

/**
 * better-sqlite3 is synchronous: the callback must not await (drizzle #1472). IMMEDIATE takes the
 * write lock up front so two processes cannot both read the same counter value. Where the app
 * groups commits (db/group-commit.ts) the change is a savepoint in this turn's transaction.
 */
export function writeTransaction<T>(db: Db, fn: (tx: Tx) => T): T {
  joinGroupCommit(db);
  return db.transaction(fn, { behavior: 'immediate' });
}
