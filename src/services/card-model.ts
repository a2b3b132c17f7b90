import { asc, eq } from 'drizzle-orm';
import type { CardModel } from '../../blocks/triage-card';
import type { Db } from '../../db/client';
import { actions, type Incident, incidents, notifications, reviews } from '../../db/schema';
import { closureGaps } from '../domain/closure-gaps';
import { lateReport } from '../domain/late-report';

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
    now,
    orgTimeZone,
    ...(lateReportHours === undefined ? {} : { lateReport: lateReport(incident, lateReportHours) }),
  };
}
