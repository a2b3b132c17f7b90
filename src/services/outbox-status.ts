import { count, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { prepared } from '../../db/prepared';
import { incidents, outbox } from '../../db/schema';

export interface OutboxCounts {
  pending: number;
  dead: number;
  byKind: { kind: string; status: 'pending' | 'dead'; n: number }[];
}

// Counted on every App Home render, so prepared once (db/prepared.ts).
const countByKind = prepared((db) =>
  db
    .select({ kind: outbox.kind, n: count() })
    .from(outbox)
    .where(eq(outbox.status, sql.placeholder('status')))
    .groupBy(outbox.kind)
    .orderBy(outbox.kind)
    .prepare(),
);

/** Pending and parked deliveries, in all and by kind: for the sweep's log, App Home and the CLI. */
export function countOutbox(db: Db): OutboxCounts {
  // One query per status, so each is answered from its own partial index.
  const byKind = (['pending', 'dead'] as const).flatMap((status) =>
    countByKind(db)
      .all({ status })
      .map((r) => ({ ...r, status })),
  );
  const sum = (status: string) => byKind.filter((r) => r.status === status).reduce((a, r) => a + r.n, 0);
  return { pending: sum('pending'), dead: sum('dead'), byKind };
}

export interface ParkedDelivery {
  id: number;
  kind: string;
  reference: string | null;
  lastError: string | null;
  attempts: number;
  createdAt: Date;
}

/** Deliveries Slack refused for good, oldest first, with why. */
export function parkedDeliveries(db: Db): ParkedDelivery[] {
  return db
    .select({
      id: outbox.id,
      kind: outbox.kind,
      reference: incidents.reference,
      lastError: outbox.lastError,
      attempts: outbox.attempts,
      createdAt: outbox.createdAt,
    })
    .from(outbox)
    .leftJoin(incidents, eq(incidents.id, outbox.incidentId))
    .where(eq(outbox.status, 'dead'))
    .orderBy(outbox.id)
    .all();
}

/**
 * Puts parked deliveries back in the queue, due now and with a fresh back-off, once whatever made
 * Slack refuse them is fixed. They keep their place: each is still rendered from the database as
 * it is at delivery time, and goes before anything queued after it for the same incident.
 */
export function requeueParked(db: Db, now: Date): number {
  return db
    .update(outbox)
    .set({ status: 'pending', attempts: 0, lastError: null, nextAttemptAt: now })
    .where(eq(outbox.status, 'dead'))
    .run().changes;
}
