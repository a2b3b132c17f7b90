import { lt } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { seenRequests } from '../../db/schema';

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

  constructor(private readonly db: Db) {}

  /** Records `signature` until `expiresAt`; false if it was already recorded (a replay). */
  remember(signature: string, expiresAt: Date, now: Date): boolean {
    const sqlite = this.db.$client;
    // better-sqlite3 is synchronous: nothing else runs on this connection between these statements,
    // so only this one insert commits without FULL's sync (WAL keeps it consistent either way).
    sqlite.pragma('synchronous = NORMAL');
    try {
      if (now.getTime() - this.lastSweep > SWEEP_EVERY_MS) {
        this.db.delete(seenRequests).where(lt(seenRequests.expiresAt, now)).run();
        this.lastSweep = now.getTime();
      }
      return (
        this.db.insert(seenRequests).values({ signature, expiresAt }).onConflictDoNothing().run().changes > 0
      );
    } finally {
      sqlite.pragma('synchronous = FULL');
    }
  }
}
