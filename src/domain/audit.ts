import { createHash } from 'node:crypto';
import { desc } from 'drizzle-orm';
import { type IncidentEvent, incidentEvents } from '../../db/schema';
import type { Tx } from './tx';

export const GENESIS_HASH = '0'.repeat(64);

export interface NewEvent {
  incidentId: number;
  at: Date;
  actorId: string;
  type: string;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  summary: string;
}

/** The hash covers every field of the event and the previous hash, so any edit breaks the chain. */
export function eventHash(prevHash: string, e: Omit<IncidentEvent, 'id' | 'hash' | 'prevHash'>): string {
  const canonical = JSON.stringify([
    prevHash,
    e.incidentId,
    e.at.getTime(),
    e.actorId,
    e.type,
    e.before ?? null,
    e.after ?? null,
    e.summary,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** Appends one audit event, chained to the latest one. Call inside the change's transaction. */
export function appendEvent(tx: Tx, event: NewEvent): IncidentEvent {
  const last = tx
    .select({ hash: incidentEvents.hash })
    .from(incidentEvents)
    .orderBy(desc(incidentEvents.id))
    .limit(1)
    .get();
  const prevHash = last?.hash ?? GENESIS_HASH;
  const row = {
    incidentId: event.incidentId,
    at: event.at,
    actorId: event.actorId,
    type: event.type,
    before: event.before ?? null,
    after: event.after ?? null,
    summary: event.summary,
  };
  return tx
    .insert(incidentEvents)
    .values({ ...row, prevHash, hash: eventHash(prevHash, row) })
    .returning()
    .get();
}
