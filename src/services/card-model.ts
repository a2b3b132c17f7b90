import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { CardModel } from '../../blocks/triage-card';
import type { Db } from '../../db/client';
import { actions, type Incident, incidentEvents, incidents, notifications, reviews } from '../../db/schema';
import { closureGaps } from '../domain/closure-gaps';
import { lateReport } from '../domain/late-report';

/** Who took the latest step of one of these kinds ('vigil' when Vigil did it on its own). */
function lastActor(db: Db, incidentId: number, types: string[]): string | null {
  return (
    db
      .select({ actorId: incidentEvents.actorId })
      .from(incidentEvents)
      .where(and(eq(incidentEvents.incidentId, incidentId), inArray(incidentEvents.type, types)))
      .orderBy(desc(incidentEvents.id))
      .limit(1)
      .get()?.actorId ?? null
  );
}

/** Everything the incident's card shows, read from the register at the time of drawing. */
export function loadCardModel(
  db: Db,
  incident: Incident,
  now: Date,
  orgTimeZone: string,
  lateReportHours?: number,
): CardModel {
  const byIncident = <T extends typeof notifications | typeof actions | typeof reviews>(table: T) =>
    db.select().from(table).where(eq(table.incidentId, incident.id)).orderBy(asc(table.id)).all();
  return {
    incident,
    notifications: byIncident(notifications),
    actions: byIncident(actions),
    reviews: byIncident(reviews),
    closureGaps: incident.status === 'resolved' ? closureGaps(db, incident) : null,
    duplicateOf: incident.duplicateOfId
      ? (db
          .select({ r: incidents.reference })
          .from(incidents)
          .where(eq(incidents.id, incident.duplicateOfId))
          .get()?.r ?? null)
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
