import { addHours } from 'date-fns';
import { and, eq, sql } from 'drizzle-orm';
import { prepared } from '../../db/prepared';
import { type Incident, type Notification, notifications } from '../../db/schema';
import { type BodyFacts, type OutsideBody, type Owed, owedTo, stageHours, traceKey } from './outside-bodies';
import type { NotificationKind } from './permissions';
import { possiblePersonalData } from './possible-breach';
import type { Tx } from './tx';

export const NOTIFICATION_LABELS: Record<NotificationKind, string> = {
  regulator: 'Data-protection regulator',
  police: 'Police',
  cert: 'National CERT',
  customers: 'Affected customers',
};

export type ObligationFacts = BodyFacts;

/**
 * Which outside bodies must be told, each stage of each (seed 003 §5.7–5.9): by default the
 * regulator when personal data is involved, the police when it is criminal (a crime number in the
 * report says so), the national CERT for network security incidents, customers when affected;
 * and whatever OUTSIDE_BODIES declares.
 */
export function requiredNotifications(
  bodies: readonly OutsideBody[],
  incident: Incident,
  facts: ObligationFacts,
): Owed[] {
  return owedTo(bodies, incident, { ...facts, criminal: facts.criminal || Boolean(incident.crimeNumber) });
}

/** Deadlines run from when the organisation became aware (GDPR Art. 33: 72 hours). */
export function dueAt(
  bodies: readonly OutsideBody[],
  n: { kind: string; stage: string },
  awareAt: Date,
): Date {
  return addHours(awareAt, stageHours(bodies, n.kind, n.stage));
}

/** How obligations stood before and after a change, by kind, for the audit event that made it. */
export interface ObligationTrace {
  /** By body, and `body:stage` for a body with several deadlines (traceKey). */
  before: Record<string, Record<string, unknown> | null>;
  after: Record<string, Record<string, unknown>>;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** Adds the obligations a change touched to its event's before/after, when it touched any. */
export function withObligations(
  change: { before: Record<string, unknown>; after: Record<string, unknown> },
  trace: ObligationTrace,
): { before: Record<string, unknown>; after: Record<string, unknown> } {
  if (Object.keys(trace.after).length === 0) return change;
  return {
    before: { ...change.before, notifications: trace.before },
    after: { ...change.after, notifications: trace.after },
  };
}

const notificationsOf = prepared((db) =>
  db
    .select()
    .from(notifications)
    .where(eq(notifications.incidentId, sql.placeholder('incidentId')))
    .prepare(),
);

/**
 * Creates the obligations that do not exist yet and moves the deadline of pending ones when the
 * awareness time changed. A crime number given in the report counts as the police already told.
 */
export function ensureObligations(
  tx: Tx,
  incident: Incident,
  owed: Owed[],
  at: Date,
  bodies: readonly OutsideBody[],
): ObligationTrace {
  const existing = notificationsOf(tx).all({ incidentId: incident.id });
  const trace: ObligationTrace = { before: {}, after: {} };
  for (const n of existing) {
    const due = dueAt(bodies, n, incident.awareAt);
    if (n.status === 'pending' && n.dueAt?.getTime() !== due.getTime()) {
      tx.update(notifications).set({ dueAt: due }).where(eq(notifications.id, n.id)).run();
      trace.before[traceKey(n)] = { status: n.status, dueAt: iso(n.dueAt) };
      trace.after[traceKey(n)] = { status: n.status, dueAt: iso(due) };
    }
  }
  for (const o of owed) {
    if (existing.some((n) => n.kind === o.kind && n.stage === o.stage)) continue;
    const alreadyReported = o.kind === 'police' && incident.crimeNumber;
    const row = tx
      .insert(notifications)
      .values({
        incidentId: incident.id,
        kind: o.kind,
        stage: o.stage,
        label: o.label,
        dueAt: addHours(incident.awareAt, o.hours),
        status: alreadyReported ? 'done' : 'pending',
        ...(alreadyReported
          ? { doneBy: incident.reporterId, doneAt: incident.reportedAt, externalRef: incident.crimeNumber }
          : {}),
        createdAt: at,
      })
      .returning()
      .get();
    trace.before[traceKey(o)] = null;
    trace.after[traceKey(o)] = {
      status: row.status,
      dueAt: iso(row.dueAt),
      ...(row.status === 'done'
        ? { doneBy: row.doneBy, doneAt: iso(row.doneAt), externalRef: row.externalRef }
        : {}),
    };
  }
  return trace;
}

/** A record closed at triage owes nobody a notification; the reason is kept (GDPR Art. 33(5)). */
export function releasePendingObligations(
  tx: Tx,
  incidentId: number,
  by: string,
  at: Date,
  reason: string,
  /** Only this body's obligation (a possibility triage did not confirm); all when absent. */
  kind?: string,
): ObligationTrace {
  const which = and(
    eq(notifications.incidentId, incidentId),
    eq(notifications.status, 'pending'),
    kind ? eq(notifications.kind, kind) : undefined,
  );
  const pending = tx.select().from(notifications).where(which).all();
  const trace: ObligationTrace = { before: {}, after: {} };
  if (pending.length === 0) return trace;
  tx.update(notifications).set({ status: 'not_required', reason, doneBy: by, doneAt: at }).where(which).run();
  for (const n of pending) {
    trace.before[traceKey(n)] = { status: 'pending', dueAt: iso(n.dueAt) };
    trace.after[traceKey(n)] = { status: 'not_required', reason };
  }
  return trace;
}

/** The outside bodies the report's own answers call for (seed 003 §5.7–5.9), opened if not yet. */
export function ensureReportObligations(
  tx: Tx,
  incident: Incident,
  at: Date,
  bodies: readonly OutsideBody[],
): ObligationTrace {
  return ensureObligations(
    tx,
    incident,
    requiredNotifications(bodies, incident, {
      // Seed 003 §5.7 "actual or possible": the 72-hour clock runs from awareness either way.
      personalData: possiblePersonalData(incident),
      criminal: false,
      customersAffected: incident.customersAffected === 'yes',
    }),
    at,
    bodies,
  );
}

/** Makes released obligations owed again, each due from awareness; a correction or a triage again. */
export function reopenObligations(
  tx: Tx,
  rows: Notification[],
  bodies: readonly OutsideBody[],
  awareAt: Date,
): ObligationTrace {
  const trace: ObligationTrace = { before: {}, after: {} };
  for (const n of rows) {
    const due = dueAt(bodies, n, awareAt);
    tx.update(notifications)
      .set({ status: 'pending', dueAt: due, reason: null, doneBy: null, doneAt: null })
      .where(eq(notifications.id, n.id))
      .run();
    trace.before[traceKey(n)] = { status: n.status, reason: n.reason };
    trace.after[traceKey(n)] = { status: 'pending', dueAt: iso(due) };
  }
  return trace;
}
