import { createHash } from 'node:crypto';
import { and, desc, eq, sql } from 'drizzle-orm';
import { AUDIT_MAC_FUNCTION } from '../../db/audit-key';
import { inList, prepared, preparedSql, storedValues } from '../../db/prepared';
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

const macOf = preparedSql<[string], { mac: string }>(`SELECT ${AUDIT_MAC_FUNCTION}(?) AS mac`);

const lastHash = prepared((db) =>
  db
    .select({ hash: incidentEvents.hash })
    .from(incidentEvents)
    .orderBy(desc(incidentEvents.id))
    .limit(1)
    .prepare(),
);

const insertEvent = prepared((db) =>
  db
    .insert(incidentEvents)
    .values(
      storedValues(incidentEvents, [
        'incidentId',
        'at',
        'actorId',
        'type',
        'before',
        'after',
        'summary',
        'prevHash',
        'hash',
      ]),
    )
    .returning()
    .prepare(),
);

const lastActorQuery = prepared((db) =>
  db
    .select({ actorId: incidentEvents.actorId })
    .from(incidentEvents)
    .where(
      and(eq(incidentEvents.incidentId, sql.placeholder('incidentId')), inList(incidentEvents.type, 'types')),
    )
    .orderBy(desc(incidentEvents.id))
    .limit(1)
    .prepare(),
);

/** Who took the latest step of one of these kinds on the incident ('vigil' when Vigil did it on its own). */
export function lastActor(tx: Tx, incidentId: number, types: readonly string[]): string | null {
  return lastActorQuery(tx).get({ incidentId, types: JSON.stringify(types) })?.actorId ?? null;
}

/**
 * HMAC-SHA256 with the audit key, which only the connection holds (db/audit-key.ts): reachable from
 * any transaction handle, and never from the database file.
 */
export function auditMac(tx: Tx, text: string): string {
  const row = macOf(tx).get(text);
  if (!row) throw new Error('the audit MAC gave no row');
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
  const last = lastHash(tx).get();
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
  const appended = insertEvent(tx).get({ ...row, prevHash, hash: keyedEventHash(tx, prevHash, row) });
  queueCheckpointAfter(tx, appended);
  return appended;
}
