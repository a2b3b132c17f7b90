import { createHash } from 'node:crypto';
import { desc, sql } from 'drizzle-orm';
import { AUDIT_MAC_FUNCTION } from '../../db/audit-key';
import { type IncidentEvent, incidentEvents } from '../../db/schema';
import { incidentState } from './audit-state';
import { queueCheckpointAfter } from './checkpoint-due';
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

type EventContent = Omit<IncidentEvent, 'id' | 'hash' | 'prevHash'>;

/** What an event's hash covers: every field of the event and the previous hash, so any edit shows. */
export function canonicalEvent(prevHash: string, e: EventContent): string {
  return JSON.stringify([
    prevHash,
    e.incidentId,
    e.at.getTime(),
    e.actorId,
    e.type,
    e.before ?? null,
    e.after ?? null,
    e.summary,
  ]);
}

/**
 * HMAC-SHA256 with the audit key, which only the connection holds (db/audit-key.ts): reachable from
 * any transaction handle, and never from the database file.
 */
export function auditMac(tx: Tx, text: string): string {
  const row = tx.get<{ mac: string }>(sql`SELECT ${sql.raw(AUDIT_MAC_FUNCTION)}(${text}) AS mac`);
  return row.mac;
}

/** The keyed hash of an event: what appendEvent writes and verify recomputes. */
export function keyedEventHash(tx: Tx, prevHash: string, e: EventContent): string {
  return auditMac(tx, canonicalEvent(prevHash, e));
}

/**
 * The public formula events were hashed with before the chain was keyed: anyone can compute it, so
 * it is accepted only for the events the key's migration recorded as written before it.
 */
export function publicEventHash(prevHash: string, e: EventContent): string {
  return createHash('sha256').update(canonicalEvent(prevHash, e)).digest('hex');
}

/**
 * Appends one audit event, chained to the latest one and keyed. The only writer of the trail: call
 * inside the change's transaction, after the change's rows are written: the event records the
 * incident's state as they leave it (`after.state`, audit-state.ts), which `verify` replays.
 */
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
    after: { ...event.after, state: incidentState(tx, event.incidentId) },
    summary: event.summary,
  };
  const appended = tx
    .insert(incidentEvents)
    .values({ ...row, prevHash, hash: keyedEventHash(tx, prevHash, row) })
    .returning()
    .get();
  queueCheckpointAfter(tx, appended);
  return appended;
}
