import { asc, eq, sql } from 'drizzle-orm';
import type { CardModel } from '../../blocks/triage-card';
import type { Db } from '../../db/client';
import { prepared } from '../../db/prepared';
import { actions, type Incident, incidents, notifications, reviews } from '../../db/schema';
import { lastActor } from '../domain/audit';
import { closureGaps } from '../domain/closure-gaps';
import { lateReport } from '../domain/late-report';

const byIncident = <T extends typeof notifications | typeof actions | typeof reviews>(table: T) =>
  prepared((db) =>
    db
      .select()
      .from(table)
      .where(eq(table.incidentId, sql.placeholder('incidentId')))
      .orderBy(asc(table.id))
      .prepare(),
  );
const notificationsOf = byIncident(notifications);
const actionsOf = byIncident(actions);
const reviewsOf = byIncident(reviews);

const referenceOf = prepared((db) =>
  db
    .select({ r: incidents.reference })
    .from(incidents)
    .where(eq(incidents.id, sql.placeholder('id')))
    .prepare(),
);

/** Everything the incident's card shows, read from the register at the time of drawing. */
export function loadCardModel(
  db: Db,
  incident: Incident,
  now: Date,
  orgTimeZone: string,
  lateReportHours?: number,
): CardModel {
  const of = { incidentId: incident.id };
  return {
    incident,
    notifications: notificationsOf(db).all(of),
    actions: actionsOf(db).all(of),
    reviews: reviewsOf(db).all(of),
    closureGaps: incident.status === 'resolved' ? closureGaps(db, incident) : null,
    duplicateOf: incident.duplicateOfId
      ? (referenceOf(db).get({ id: incident.duplicateOfId })?.r ?? null)
      : null,
    escalatedBy: incident.escalatedAt ? lastActor(db, incident.id, ['escalated']) : null,
    closedBy:
      incident.status === 'closed'
        ? lastActor(db, incident.id, ['closed'])
        : incident.status === 'not_incident' || incident.status === 'duplicate'
          ? lastActor(db, incident.id, ['dismissed_not_incident', 'dismissed_duplicate'])
          : null,
    now,
    orgTimeZone,
    ...(lateReportHours === undefined ? {} : { lateReport: lateReport(incident, lateReportHours) }),
  };
}
