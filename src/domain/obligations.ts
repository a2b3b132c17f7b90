import { addHours } from 'date-fns';
import { and, eq } from 'drizzle-orm';
import { type Incident, notifications } from '../../db/schema';
import type { Config } from '../config';
import { isNetworkCategory } from './categories';
import type { NotificationKind } from './permissions';
import { possiblePersonalData } from './possible-breach';
import type { Tx } from './tx';

export const NOTIFICATION_LABELS: Record<NotificationKind, string> = {
  regulator: 'Data-protection regulator',
  police: 'Police',
  cert: 'National CERT',
  customers: 'Affected customers',
};

/** The same names inside a sentence: common nouns in lower case, a proper name ("National CERT") kept. */
export const NOTIFICATION_NOUNS: Record<NotificationKind, string> = {
  regulator: 'data-protection regulator',
  police: 'police',
  cert: 'National CERT',
  customers: 'affected customers',
};

export interface ObligationFacts {
  personalData: boolean;
  criminal: boolean;
  customersAffected: boolean;
}

/**
 * Which outside parties must be told (seed 003 §5.7–5.9): the regulator when personal data is
 * involved, the police when it is criminal, the national CERT for network security incidents,
 * and customers when they are affected.
 */
export function requiredNotifications(incident: Incident, facts: ObligationFacts): NotificationKind[] {
  const kinds: NotificationKind[] = [];
  if (facts.personalData) kinds.push('regulator');
  if (facts.criminal || incident.crimeNumber) kinds.push('police');
  if (isNetworkCategory(incident.category)) kinds.push('cert');
  if (facts.customersAffected) kinds.push('customers');
  return kinds;
}

/** Deadlines run from when the organisation became aware (GDPR Art. 33: 72 hours). */
export function dueAt(kind: NotificationKind, awareAt: Date, hours: Config['notifyHours']): Date {
  return addHours(awareAt, hours[kind]);
}

/** How obligations stood before and after a change, by kind, for the audit event that made it. */
export interface ObligationTrace {
  before: Partial<Record<NotificationKind, Record<string, unknown> | null>>;
  after: Partial<Record<NotificationKind, Record<string, unknown>>>;
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

/**
 * Creates the obligations that do not exist yet and moves the deadline of pending ones when the
 * awareness time changed. A crime number given in the report counts as the police already told.
 */
export function ensureObligations(
  tx: Tx,
  incident: Incident,
  kinds: NotificationKind[],
  at: Date,
  hours: Config['notifyHours'],
): ObligationTrace {
  const existing = tx.select().from(notifications).where(eq(notifications.incidentId, incident.id)).all();
  const trace: ObligationTrace = { before: {}, after: {} };
  for (const n of existing) {
    const due = dueAt(n.kind, incident.awareAt, hours);
    if (n.status === 'pending' && n.dueAt?.getTime() !== due.getTime()) {
      tx.update(notifications).set({ dueAt: due }).where(eq(notifications.id, n.id)).run();
      trace.before[n.kind] = { status: n.status, dueAt: iso(n.dueAt) };
      trace.after[n.kind] = { status: n.status, dueAt: iso(due) };
    }
  }
  for (const kind of kinds) {
    if (existing.some((n) => n.kind === kind)) continue;
    const alreadyReported = kind === 'police' && incident.crimeNumber;
    const row = tx
      .insert(notifications)
      .values({
        incidentId: incident.id,
        kind,
        dueAt: dueAt(kind, incident.awareAt, hours),
        status: alreadyReported ? 'done' : 'pending',
        ...(alreadyReported
          ? { doneBy: incident.reporterId, doneAt: incident.reportedAt, externalRef: incident.crimeNumber }
          : {}),
        createdAt: at,
      })
      .returning()
      .get();
    trace.before[kind] = null;
    trace.after[kind] = {
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
  kind?: NotificationKind,
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
    trace.before[n.kind] = { status: 'pending', dueAt: iso(n.dueAt) };
    trace.after[n.kind] = { status: 'not_required', reason };
  }
  return trace;
}

/** The outside bodies the report's own answers call for (seed 003 §5.7–5.9), opened if not yet. */
export function ensureReportObligations(
  tx: Tx,
  incident: Incident,
  at: Date,
  hours: Config['notifyHours'],
): ObligationTrace {
  return ensureObligations(
    tx,
    incident,
    requiredNotifications(incident, {
      // Seed 003 §5.7 "actual or possible": the 72-hour clock runs from awareness either way.
      personalData: possiblePersonalData(incident),
      criminal: false,
      customersAffected: incident.customersOrStaffAffected === 'yes',
    }),
    at,
    hours,
  );
}
