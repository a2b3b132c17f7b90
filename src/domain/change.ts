import { and, eq, getTableColumns, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { findIncidentById } from '../../db/find-incident';
import { prepared, preparedByShape, stored, storedValues } from '../../db/prepared';
import { type Incident, type IncidentEvent, incidents, processedRequests } from '../../db/schema';
import { appendEvent } from './audit';
import type { DomainContext } from './context';
import { type Delivery, enqueue, refreshHomes } from './deliveries';
import { reconcileDuties } from './duty-messages';
import { DomainError, Forbidden, NotFound, Stale } from './errors';
import { reporterHears } from './reporter-news';
import type { Actor } from './roles';
import { type Tx, writeTransaction } from './tx';

/** The incident a click or form is about, as the person saw it (id and version come from Slack: hints). */
export interface Target {
  incidentId: number;
  /** Omitted for additive work (an update, an action) that does not depend on what the person saw. */
  version?: number;
  /** Slack's id for this exact request (view id, action ts): a retried request applies once. */
  requestKey?: string;
}

/** The incident after a change, and whether this request changed it (false: already applied). */
export interface RecordResult {
  incident: Incident;
  applied: boolean;
}

const processedRequest = prepared((db) =>
  db
    .select()
    .from(processedRequests)
    .where(eq(processedRequests.key, sql.placeholder('key')))
    .prepare(),
);

const recordProcessed = prepared((db) =>
  db
    .insert(processedRequests)
    .values(storedValues(processedRequests, ['key', 'incidentId', 'at']))
    .prepare(),
);

const INCIDENT_COLUMNS = getTableColumns(incidents);

/**
 * The incident's UPDATE for a patch that writes these columns (the version bumped, only from the
 * version the change read). Placeholders are named `set_<key>`, so no column can take another's name.
 */
const patchUpdate = preparedByShape((db, columns) => {
  const set: Record<string, SQL> = {};
  for (const c of columns) set[c] = stored(INCIDENT_COLUMNS[c as keyof Incident], `set_${c}`);
  return db
    .update(incidents)
    .set({ ...set, version: sql`${incidents.version} + 1`, updatedAt: stored(incidents.updatedAt, 'at') })
    .where(and(eq(incidents.id, sql.placeholder('id')), eq(incidents.version, sql.placeholder('version'))))
    .prepare();
});

/** Writes `patch` if the incident is still at `version`; whether it was. */
function updateIncident(tx: Tx, id: number, version: number, patch: Partial<Incident>, at: Date): boolean {
  const values: Record<string, unknown> = { id, version, at };
  const columns: string[] = [];
  for (const [k, v] of Object.entries(patch)) {
    // As drizzle's own `set` does: undefined leaves a column as it is; version and updatedAt are the change's.
    if (v === undefined || k === 'version' || k === 'updatedAt' || !(k in INCIDENT_COLUMNS)) continue;
    columns.push(k);
    values[`set_${k}`] = v;
  }
  return patchUpdate(tx, columns).run(values).changes > 0;
}

export type Loaded = { incident: Incident; duplicate: false } | { incident: Incident; duplicate: true };

/**
 * Reads the incident for a change (`db`'s prepared read, inside the caller's transaction `tx`),
 * refusing when it moved on since the person looked at it. A request already applied is reported
 * as a duplicate so the caller can answer without redoing it.
 */
export function loadForChange(db: Db, tx: Tx, target: Target): Loaded {
  const incident = findIncidentById(db, target.incidentId);
  if (!incident) throw new NotFound('That incident does not exist.');
  if (target.requestKey) {
    const seen = processedRequest(tx).get({ key: target.requestKey });
    if (seen) return { incident, duplicate: true };
  }
  if (target.version !== undefined && incident.version !== target.version) throw staleFor(incident);
  return { incident, duplicate: false };
}

export function staleFor(incident: Incident): Stale {
  return new Stale(
    `${incident.reference} changed while you were looking at it. The card now shows its current state.`,
  );
}

export interface ChangeSpec {
  actor: Actor;
  at: Date;
  type: string;
  patch?: Partial<Incident>;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  summary: string;
  deliveries?: Delivery[];
  requestKey?: string;
  /** What the change sets off, recorded after it in the same transaction (an automatic escalation). */
  followUp?: (tx: Tx, incident: Incident) => void;
}

/**
 * Applies one change: the incident row (version bumped, so concurrent clicks cannot both win), an
 * audit event, its line in the card's thread, a refresh of the card, and any DMs, atomically.
 */
export function recordChange(
  ctx: Pick<DomainContext, 'db' | 'config'>,
  tx: Tx,
  incident: Incident,
  spec: ChangeSpec,
): { incident: Incident; event: IncidentEvent } {
  const { db } = ctx;
  // Not `returning()`: drizzle builds a 60-column RETURNING list on every call; the prepared
  // read after it sees the same row inside this transaction, at a tenth of the cost.
  const moved = updateIncident(tx, incident.id, incident.version, spec.patch ?? {}, spec.at);
  const updated = moved ? findIncidentById(db, incident.id) : undefined;
  if (!updated)
    throw new Stale(
      `${incident.reference} changed at the same moment. The card now shows its current state.`,
    );
  const event = appendEvent(tx, {
    incidentId: incident.id,
    at: spec.at,
    actorId: spec.actor.id,
    type: spec.type,
    before: spec.before ?? null,
    after: spec.after ?? null,
    summary: spec.summary,
  });
  if (spec.requestKey)
    recordProcessed(tx).run({ key: spec.requestKey, incidentId: incident.id, at: spec.at });
  enqueue(tx, { kind: 'thread_line', incidentId: incident.id, eventId: event.id }, spec.at);
  enqueue(tx, { kind: 'update_card', incidentId: incident.id }, spec.at);
  // The reporter hears three things (and nothing more: PRODUCT.md Privacy): received, being
  // handled, closed; never a status going backwards. The status goes with the message, so a close
  // and a reopen before delivery still send both.
  if (spec.patch?.status && reporterHears(incident.status, spec.patch.status))
    enqueue(
      tx,
      {
        kind: 'dm',
        incidentId: incident.id,
        userId: incident.reporterId,
        template: 'status',
        status: spec.patch.status,
        from: incident.status,
      },
      spec.at,
    );
  // A note DM tells of this change: it is drawn from the change's event (who did what, before and after).
  for (const d of spec.deliveries ?? [])
    enqueue(tx, d.kind === 'dm' ? { eventId: event.id, ...d } : d, spec.at);
  spec.followUp?.(tx, updated);
  const asked = reconcileDuties(tx, ctx.config, updated, {
    eventId: event.id,
    actorId: spec.actor.id,
    at: spec.at,
  });
  refreshHomes(tx, updated, spec.at, asked);
  return { incident: updated, event };
}

/** Before/after of just the fields a patch changes, for the audit trail. */
export function diff(incident: Incident, patch: Partial<Incident>) {
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(patch)) {
    const old = incident[k as keyof Incident];
    const norm = (x: unknown) => (x instanceof Date ? x.toISOString() : (x ?? null));
    if (norm(old) !== norm(v)) {
      before[k] = norm(old);
      after[k] = norm(v);
    }
  }
  return { before, after };
}

export type ChangeBuilder = (
  tx: Tx,
  incident: Incident,
  now: Date,
) => Omit<ChangeSpec, 'at' | 'requestKey'> | null;

/**
 * The shape of every change: one transaction that loads the incident (refusing stale or repeated
 * requests), lets `build` check rules and describe the change (null: nothing to do), and records it.
 */
export function applyChange(ctx: DomainContext, target: Target, build: ChangeBuilder): RecordResult {
  return writeTransaction(ctx.db, (tx) => {
    const loaded = loadForChange(ctx.db, tx, { ...target, version: undefined });
    if (loaded.duplicate) return { incident: loaded.incident, applied: false };
    const now = ctx.clock.now();
    if (target.version !== undefined && loaded.incident.version !== target.version)
      throw staleOnlyIfPermitted(() => build(tx, loaded.incident, now), loaded.incident);
    const spec = build(tx, loaded.incident, now);
    if (!spec) return { incident: loaded.incident, applied: false };
    const { incident } = recordChange(ctx, tx, loaded.incident, {
      ...spec,
      at: now,
      ...(target.requestKey ? { requestKey: target.requestKey } : {}),
    });
    return { incident, applied: true };
  });
}

/**
 * Permission before version: whoever may not take this step on the incident as it is now is
 * refused as such, and is never told that it changed, nor how (a replaced IRM's old form, a forged
 * one). `build` is run only for its checks: what it wrote goes with the transaction the refusal
 * aborts. Any other refusal of the step as it stands now is the person's stale view: Stale.
 */
function staleOnlyIfPermitted(build: () => unknown, incident: Incident): DomainError {
  try {
    build();
  } catch (err) {
    if (err instanceof Forbidden || err instanceof NotFound) return err;
    if (!(err instanceof DomainError)) throw err;
  }
  return staleFor(incident);
}
