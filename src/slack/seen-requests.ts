import type Database from 'better-sqlite3';
import type { Db } from '../../db/client';

/** How often expired signatures are swept out; between sweeps they are only dead rows. */
const SWEEP_EVERY_MS = 60_000;

/**
 * Signatures of Slack requests already accepted, until their timestamp leaves Slack's 5-minute
 * window (after which the timestamp check refuses a replay anyway).
 *
 * Kept in SQLite, not in memory: a replay after a restart, or sent to another instance serving the
 * same database, is refused too, and the table holds at most one window of traffic. Written
 * without a sync to disk (see remember): a request is accepted in microseconds, not in the 4 ms
 * a synced commit costs here; a power cut can forget the last few, a crash cannot.
 */
export class SeenRequests {
  private lastSweep = 0;
  // Prepared once: this runs on every request, and drizzle would build each query anew.
  private readonly statements;

  private readonly sqlite: Database.Database;

  constructor(db: Db) {
    const sqlite = db.$client;
    this.sqlite = sqlite;
    this.statements = {
      relaxed: sqlite.prepare('PRAGMA synchronous = NORMAL'),
      full: sqlite.prepare('PRAGMA synchronous = FULL'),
      sweep: sqlite.prepare<[number]>('DELETE FROM seen_requests WHERE expires_at < ?'),
      insert: sqlite.prepare<[string, number]>(
        'INSERT INTO seen_requests (signature, expires_at) VALUES (?, ?) ON CONFLICT DO NOTHING',
      ),
    };
  }

  /** Records `signature` until `expiresAt`; false if it was already recorded (a replay). */
  remember(signature: string, expiresAt: Date, now: Date): boolean {
    const { relaxed, full, sweep, insert } = this.statements;
    // better-sqlite3 is synchronous: nothing else runs on this connection between these statements,
    // so only this one insert commits without FULL's sync (WAL keeps it consistent either way).
    // Inside the turn's grouped transaction SQLite refuses to change the level: it commits with it.
    const relax = !this.sqlite.inTransaction;
    if (relax) relaxed.run();
    try {
      if (now.getTime() - this.lastSweep > SWEEP_EVERY_MS) {
        sweep.run(now.getTime());
        this.lastSweep = now.getTime();
      }
      return insert.run(signature, expiresAt.getTime()).changes > 0;
    } finally {
      if (relax) full.run();
    }
  }
}
