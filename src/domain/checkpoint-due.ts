import { and, asc, desc, eq, max } from 'drizzle-orm';
import { auditCheckpoints, type IncidentEvent, incidentEvents, outbox } from '../../db/schema';
import type { Tx } from './tx';

/** Events that close a record (closure, and the two dismissals at triage): each is anchored outside. */
export const CLOSING_EVENTS: ReadonlySet<string> = new Set([
  'closed',
  'dismissed_not_incident',
  'dismissed_duplicate',
]);

/** At least this often while the trail grows, a checkpoint is published even without a closure. */
export const CHECKPOINT_EVERY_MS = 24 * 60 * 60_000;

export type CheckpointReason = 'closure' | 'daily';

/** The outbox row that takes and publishes a checkpoint (src/services/checkpoints.ts). */
function queueCheckpoint(tx: Tx, reason: CheckpointReason, at: Date, dedupeKey: string): boolean {
  return (
    tx
      .insert(outbox)
      .values({
        kind: 'checkpoint',
        incidentId: null,
        payload: { reason },
        dedupeKey,
        nextAttemptAt: at,
        createdAt: at,
      })
      .onConflictDoNothing({ target: outbox.dedupeKey })
      .run().changes > 0
  );
}

/**
 * Called by appendEvent for every event: a closing one queues a checkpoint in the same
 * transaction, so a closure is anchored outside the database even if the process dies just after.
 * The checkpoint is taken when the outbox delivers it, so it covers the closure and what came with it.
 */
export function queueCheckpointAfter(tx: Tx, event: IncidentEvent): void {
  if (CLOSING_EVENTS.has(event.type))
    queueCheckpoint(tx, 'closure', event.at, `checkpoint:event:${event.id}`);
}

/**
 * The scheduler's daily checkpoint: when the trail has grown since the last checkpoint and that one
 * is a day old (or, before the first, the trail's first event is), unless one is already waiting.
 * So no event goes more than about a day without being anchored. Returns whether one was queued.
 */
export function queueDailyCheckpoint(tx: Tx, now: Date): boolean {
  const head = tx
    .select({ id: max(incidentEvents.id) })
    .from(incidentEvents)
    .get()?.id;
  if (head === null || head === undefined) return false;
  const last = tx
    .select({ at: auditCheckpoints.at, lastEventId: auditCheckpoints.lastEventId })
    .from(auditCheckpoints)
    .orderBy(desc(auditCheckpoints.id))
    .limit(1)
    .get();
  if (last?.lastEventId === head) return false;
  const since =
    last?.at ??
    tx.select({ at: incidentEvents.at }).from(incidentEvents).orderBy(asc(incidentEvents.id)).limit(1).get()
      ?.at;
  if (since && now.getTime() - since.getTime() < CHECKPOINT_EVERY_MS) return false;
  const waiting = tx
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(eq(outbox.kind, 'checkpoint'), eq(outbox.status, 'pending')))
    .limit(1)
    .get();
  if (waiting) return false;
  return queueCheckpoint(tx, 'daily', now, `checkpoint:daily:${now.toISOString().slice(0, 10)}`);
}
