import { and, count, desc, eq, isNotNull, lte, notInArray } from 'drizzle-orm';
import type { HomeIncident, HomeModel } from '../../blocks/home-view';
import type { Db } from '../../db/client';
import { actions, incidents, notifications, type Severity } from '../../db/schema';
import type { Config } from '../config';
import { FINAL_STATES } from '../domain/lifecycle';
import { messageUrl } from '../domain/links';
import { findDueReminders } from '../domain/reminders';
import { countOutbox } from './outbox-status';

const LIST = 15;

/** What a person's App Home shows: their own reports for everyone; the register's open work for the team. */
export function buildHomeModel(
  db: Db,
  config: Config,
  now: Date,
  userId: string,
  team: boolean,
  workspaceUrl: string | null,
): HomeModel {
  const toItem = (i: typeof incidents.$inferSelect): HomeIncident => ({
    reference: i.reference,
    title: i.title,
    status: i.status,
    severity: i.severity,
    url:
      workspaceUrl && i.cardChannelId && i.cardTs
        ? messageUrl(workspaceUrl, i.cardChannelId, i.cardTs)
        : null,
  });
  const mine = db
    .select()
    .from(incidents)
    .where(eq(incidents.reporterId, userId))
    .orderBy(desc(incidents.id))
    .limit(LIST)
    .all();
  const myReportCount =
    db.select({ n: count() }).from(incidents).where(eq(incidents.reporterId, userId)).get()?.n ?? 0;
  const model: HomeModel = {
    userId,
    team,
    roles: config.roles,
    // A reporter sees the status of their own reports, never the card.
    myReports: mine.map((i) => ({ ...toItem(i), url: team ? toItem(i).url : null })),
    myReportCount,
    waitingOnMe: findDueReminders(db, now, config).get(userId) ?? [],
    open: [],
    openCount: 0,
    bySeverity: { critical: 0, high: 0, medium: 0, low: 0, untriaged: 0 },
    overdue: [],
    pendingDeliveries: 0,
    deadDeliveries: 0,
  };
  if (!team) return model;

  const openWhere = notInArray(incidents.status, [...FINAL_STATES]);
  for (const row of db
    .select({ severity: incidents.severity, n: count() })
    .from(incidents)
    .where(openWhere)
    .groupBy(incidents.severity)
    .all())
    model.bySeverity[row.severity ?? 'untriaged'] += row.n;
  model.openCount = Object.values(model.bySeverity).reduce((a, b) => a + b, 0);
  // Most severe first, then oldest.
  model.open = db
    .select()
    .from(incidents)
    .where(openWhere)
    .orderBy(incidents.severity, incidents.id)
    .all()
    .sort((a, b) => rank(a.severity) - rank(b.severity) || a.id - b.id)
    .slice(0, LIST)
    .map(toItem);

  const late = db
    .select({ reference: incidents.reference })
    .from(incidents)
    .where(and(openWhere, isNotNull(incidents.targetResolutionAt), lte(incidents.targetResolutionAt, now)))
    .all();
  model.overdue.push(...late.map((r) => `${r.reference}: past its target resolution time`));
  const lateActions = db
    .select({ reference: incidents.reference, n: count() })
    .from(actions)
    .innerJoin(incidents, eq(incidents.id, actions.incidentId))
    .where(and(eq(actions.status, 'open'), isNotNull(actions.dueAt), lte(actions.dueAt, now)))
    .groupBy(incidents.reference)
    .all();
  model.overdue.push(
    ...lateActions.map((r) => `${r.reference}: ${r.n} overdue action${r.n === 1 ? '' : 's'}`),
  );
  const lateNotices = db
    .select({ reference: incidents.reference, kind: notifications.kind })
    .from(notifications)
    .innerJoin(incidents, eq(incidents.id, notifications.incidentId))
    .where(
      and(eq(notifications.status, 'pending'), isNotNull(notifications.dueAt), lte(notifications.dueAt, now)),
    )
    .all();
  model.overdue.push(...lateNotices.map((r) => `${r.reference}: ${r.kind} notification deadline passed`));
  const deliveries = countOutbox(db);
  model.pendingDeliveries = deliveries.pending;
  model.deadDeliveries = deliveries.dead;
  return model;
}

function rank(severity: Severity | null): number {
  return severity === null ? 0 : { critical: 1, high: 2, medium: 3, low: 4 }[severity];
}
