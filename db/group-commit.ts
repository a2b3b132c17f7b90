import type Database from 'better-sqlite3';
import type { Db } from './client';

interface Batch {
  committed: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: the changes made in one turn of the event loop share one transaction, and so one
 * sync of the WAL (`synchronous = FULL`), instead of one each. The first change of a turn opens the
 * transaction; each change runs inside it as a savepoint (better-sqlite3 nests a transaction that
 * way), so a refused change still undoes only itself; the transaction commits once the turn's
 * callbacks have run (setImmediate). A request is acknowledged only after the commit that holds
 * its change (`durable`), so "stored before acknowledged" stays true at one sync per burst.
 */
class GroupCommit {
  private batch: Batch | null = null;
  private readonly begin: Database.Statement;
  private readonly commit: Database.Statement;
  private readonly rollback: Database.Statement;

  constructor(
    private readonly sqlite: Database.Database,
    private readonly onError: (err: unknown) => void,
  ) {
    this.begin = sqlite.prepare('BEGIN IMMEDIATE');
    this.commit = sqlite.prepare('COMMIT');
    this.rollback = sqlite.prepare('ROLLBACK');
  }

  /** Makes sure a change about to be written lands in this turn's transaction. */
  join(): void {
    // A change made inside someone else's transaction commits with it.
    if (this.batch || this.sqlite.inTransaction) return;
    this.begin.run();
    let resolve = () => {};
    let reject: (err: unknown) => void = () => {};
    const committed = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Whoever waits on it hears of a failed commit; nobody waiting is not an unhandled rejection.
    committed.catch(() => {});
    this.batch = { committed, resolve, reject };
    setImmediate(() => this.flush());
  }

  /** Commits the open transaction now (before something that must not see it uncommitted). */
  flush(): void {
    const batch = this.batch;
    if (!batch) return;
    this.batch = null;
    try {
      this.commit.run();
      batch.resolve();
    } catch (err) {
      if (this.sqlite.inTransaction) this.rollback.run();
      this.onError(err);
      batch.reject(err);
    }
  }

  /** Resolves once everything written so far is committed; rejects if that commit failed. */
  durable(): Promise<void> {
    return this.batch?.committed ?? Promise.resolve();
  }
}

const groups = new WeakMap<Db, GroupCommit>();

/**
 * Turns group commit on for a database the app serves requests from. Off elsewhere (the CLI, a
 * test calling the domain directly): there each change commits by itself, as it is written.
 */
export function enableGroupCommit(db: Db, onError: (err: unknown) => void): void {
  if (!groups.has(db)) groups.set(db, new GroupCommit(db.$client, onError));
}

/** Called by every writer that wants its change grouped: opens this turn's transaction if needed. */
export function joinGroupCommit(db: Db): void {
  groups.get(db)?.join();
}

/** Commits what this turn wrote so far, at once. */
export function flushGroupCommit(db: Db): void {
  groups.get(db)?.flush();
}

/** Resolves once what has been written is on disk (at once when group commit is off or idle). */
export function durable(db: Db): Promise<void> {
  return groups.get(db)?.durable() ?? Promise.resolve();
}
