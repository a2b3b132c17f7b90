import type { Db } from '../../db/client';
import { GENESIS_HASH, publicEventHash } from '../../src/domain/audit';

/**
 * What someone holding the database file (but not the audit key) can do to it: the append-only
 * triggers are just SQL, and the public SHA-256 formula is in the source.
 */
export function dropGuards(db: Db): void {
  for (const name of [
    'incident_events_no_update',
    'incident_events_no_delete',
    'audit_chain_no_update',
    'audit_chain_no_delete',
  ])
    db.$client.exec(`DROP TRIGGER IF EXISTS ${name}`);
}

export function tamper(db: Db, sql: string, ...params: unknown[]): void {
  dropGuards(db);
  db.$client.prepare(sql).run(...params);
  restoreGuards(db);
}

/** Puts the triggers back as the migrations wrote them, so only the change itself is left to find. */
export function restoreGuards(db: Db): void {
  db.$client.exec(`
    CREATE TRIGGER IF NOT EXISTS \`incident_events_no_update\` BEFORE UPDATE ON \`incident_events\`
    BEGIN
      SELECT RAISE(ABORT, 'incident_events is append-only');
    END;
    CREATE TRIGGER IF NOT EXISTS \`incident_events_no_delete\` BEFORE DELETE ON \`incident_events\`
    BEGIN
      SELECT RAISE(ABORT, 'incident_events is append-only');
    END;
    CREATE TRIGGER IF NOT EXISTS \`audit_chain_no_update\` BEFORE UPDATE ON \`audit_chain\`
    BEGIN
      SELECT RAISE(ABORT, 'audit_chain is fixed');
    END;
    CREATE TRIGGER IF NOT EXISTS \`audit_chain_no_delete\` BEFORE DELETE ON \`audit_chain\`
    BEGIN
      SELECT RAISE(ABORT, 'audit_chain is fixed');
    END;`);
}

export interface StoredEvent {
  id: number;
  incident_id: number;
  at: number;
  actor_id: string;
  type: string;
  before: string | null;
  after: string | null;
  summary: string;
  prev_hash: string;
  hash: string;
}

export const storedEvents = (db: Db): StoredEvent[] =>
  db.$client.prepare('SELECT * FROM incident_events ORDER BY id').all() as StoredEvent[];

/** The public formula applied to a stored row, as an attacker would recompute it. */
export function publicHashOf(e: Omit<StoredEvent, 'id' | 'hash'>): string {
  return publicEventHash(e.prev_hash, {
    incidentId: e.incident_id,
    at: new Date(e.at),
    actorId: e.actor_id,
    type: e.type,
    before: e.before === null ? null : (JSON.parse(e.before) as Record<string, unknown>),
    after: e.after === null ? null : (JSON.parse(e.after) as Record<string, unknown>),
    summary: e.summary,
  });
}

/**
 * Rewrites every event's prev_hash and hash with the public formula, from the first one on (up to
 * `upTo`, if given), after `edit` changed what it wants.
 */
export function recomputeChainPublicly(
  db: Db,
  edit: (e: StoredEvent) => StoredEvent = (e) => e,
  upTo = Number.POSITIVE_INFINITY,
): void {
  dropGuards(db);
  const update = db.$client.prepare(
    'UPDATE incident_events SET actor_id = ?, summary = ?, after = ?, prev_hash = ?, hash = ? WHERE id = ?',
  );
  let prev = GENESIS_HASH;
  for (const stored of storedEvents(db).filter((e) => e.id <= upTo)) {
    const e = { ...edit(stored), prev_hash: prev };
    const hash = publicHashOf(e);
    update.run(e.actor_id, e.summary, e.after, prev, hash, e.id);
    prev = hash;
  }
  restoreGuards(db);
}

/** Appends a made-up event after the last one, chained with the public formula. */
export function forgeAppendedEvent(
  db: Db,
  e: {
    id?: number;
    incidentId: number;
    at: Date;
    actorId: string;
    type: string;
    after: Record<string, unknown>;
    summary: string;
  },
): void {
  // One placed before everything else (id 0 or below) claims to start the trail.
  const last = e.id !== undefined && e.id <= 0 ? undefined : storedEvents(db).at(-1);
  const prev = last?.hash ?? GENESIS_HASH;
  const row = {
    incident_id: e.incidentId,
    at: e.at.getTime(),
    actor_id: e.actorId,
    type: e.type,
    before: null,
    after: JSON.stringify(e.after),
    summary: e.summary,
    prev_hash: prev,
  };
  db.$client
    .prepare(
      'INSERT INTO incident_events (id, incident_id, at, actor_id, type, before, after, summary, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    )
    .run(
      e.id ?? null,
      row.incident_id,
      row.at,
      row.actor_id,
      row.type,
      row.before,
      row.after,
      row.summary,
      row.prev_hash,
      publicHashOf(row),
    );
}
