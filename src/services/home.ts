import type { WebClient } from '@slack/web-api';
import { subDays } from 'date-fns';
import { and, asc, count, desc, eq, inArray, isNotNull, isNull, lte, ne, or, sql } from 'drizzle-orm';
import type { DutyView } from '../../blocks/duty-message';
import { type HomeIncident, type HomeModel, type HomeOverdue, homeView } from '../../blocks/home-view';
import type { Db } from '../../db/client';
import { inList, prepared, stored, storedValues } from '../../db/prepared';
import {
  actions,
  dutyMessages,
  homeViews,
  type IncidentStatus,
  incidents,
  messageDuties,
  notifications,
  UNSETTLED_ACTION_STATUSES,
} from '../../db/schema';
import type { Config } from '../config';
import { dueDay } from '../dates';
import { CLOSURE_STEP_WORDS, type ClosureWait, closureWaitSteps } from '../domain/closure-waits';
import { FINAL_STATES } from '../domain/lifecycle';
import { messageUrl } from '../domain/links';
import { notificationLabel } from '../domain/outside-bodies';
import { rules } from '../domain/permissions';
import { OPEN_WORK } from '../domain/reminders';
import { seesDetails } from '../domain/restricted';
import { actorFor } from '../domain/roles';
import { dutyView } from './duty-model';
import { countOutbox } from './outbox-status';
import { betweenSteps } from './yielding';

/** How many of each list are read; the view says "…and N more" for the rest. */
const LIST = 15;

const OPEN_STATES: IncidentStatus[] = incidents.status.enumValues.filter((s) => !FINAL_STATES.includes(s));

/** Most severe first; awaiting triage before everything, as the next decision to make. */
const SEVERITY_RANK = sql`case ${incidents.severity} when 'critical' then 1 when 'high' then 2
  when 'medium' then 3 when 'low' then 4 else 0 end`;

/** Only what a Home line shows: never the description or other details of a report. */
const LINE = {
  id: incidents.id,
  reference: incidents.reference,
  title: incidents.title,
  status: incidents.status,
  severity: incidents.severity,
  cardChannelId: incidents.cardChannelId,
  cardTs: incidents.cardTs,
  restricted: incidents.restricted,
  accessIds: incidents.accessIds,
  reporterId: incidents.reporterId,
};

const CARD = { cardChannelId: incidents.cardChannelId, cardTs: incidents.cardTs };
const USER = sql.placeholder('userId');
const MANAGING = and(eq(incidents.irmId, USER), inArray(incidents.status, OPEN_STATES));
const MY_ACTIONS = and(
  // Their own, or their team's (seed 003 §5.5: work allocated to a team).
  or(
    eq(actions.ownerId, USER),
    sql`exists (select 1 from json_each(${actions.ownerMembers}) where value = ${USER})`,
  ),
  inArray(actions.status, [...UNSETTLED_ACTION_STATUSES]),
  inArray(incidents.status, OPEN_STATES),
);
const IS_OPEN = inArray(incidents.status, OPEN_STATES);

// Home is drawn on every change its person sees: each query is prepared once (db/prepared.ts).
const myReports = prepared((db) =>
  db
    .select(LINE)
    .from(incidents)
    .where(eq(incidents.reporterId, USER))
    .orderBy(desc(incidents.id))
    .limit(LIST)
    .prepare(),
);
const myReportCount = prepared((db) =>
  db.select({ n: count() }).from(incidents).where(eq(incidents.reporterId, USER)).prepare(),
);
const managingList = prepared((db) =>
  db
    .select(LINE)
    .from(incidents)
    .where(MANAGING)
    .orderBy(SEVERITY_RANK, asc(incidents.id))
    .limit(LIST)
    .prepare(),
);
const managingCount = prepared((db) => db.select({ n: count() }).from(incidents).where(MANAGING).prepare());
const myActionList = prepared((db) =>
  db
    .select({ reference: incidents.reference, ...CARD, action: actions })
    .from(actions)
    .innerJoin(incidents, eq(incidents.id, actions.incidentId))
    .where(MY_ACTIONS)
    .orderBy(asc(actions.dueAt), asc(actions.id))
    .limit(LIST)
    .prepare(),
);
const myActionCount = prepared((db) =>
  db
    .select({ n: count() })
    .from(actions)
    .innerJoin(incidents, eq(incidents.id, actions.incidentId))
    .where(MY_ACTIONS)
    .prepare(),
);
const openByKind = prepared((db) =>
  db
    .select({ status: incidents.status, severity: incidents.severity, n: count() })
    .from(incidents)
    .where(IS_OPEN)
    .groupBy(incidents.status, incidents.severity)
    .prepare(),
);
const openList = prepared((db) =>
  db
    .select(LINE)
    .from(incidents)
    .where(IS_OPEN)
    .orderBy(SEVERITY_RANK, asc(incidents.id))
    .limit(LIST)
    .prepare(),
);

interface CardRef {
  cardChannelId: string | null;
  cardTs: string | null;
}

/**
 * Who sees the team's Home: the security channel's members and the SIRO, CIO, Managing Director
 * and Information Asset Officer. A head of department sees their own Home only.
 */
function seesTeamHome(config: Config, userId: string, inSecurityChannel: boolean): boolean {
  return [...actorFor(config, userId, inSecurityChannel).roles].some((r) => r !== 'hod');
}

/** Whether a person may designate any incident's IRM by a role they hold (the MD, seed 000 Responsibilities). */
function designatesIrm(config: Config, userId: string): boolean {
  const roles = actorFor(config, userId, false).roles;
  return rules(config).assign_irm.roles.some((r) => r !== 'security' && roles.has(r));
}

/** What a person's App Home shows: their own reports for everyone; the register's open work for the team. */
function buildHomeModel(
  db: Db,
  config: Config,
  now: Date,
  userId: string,
  team: boolean,
  workspaceUrl: string | null,
  waits: ClosureWait[],
): HomeModel {
  // The card is in the private security channel: a link only for those who may open it.
  const urlOf = (i: CardRef) =>
    team && workspaceUrl && i.cardChannelId && i.cardTs
      ? messageUrl(workspaceUrl, i.cardChannelId, i.cardTs)
      : null;
  const toItem = (
    i: CardRef &
      Omit<HomeIncident, 'url' | 'restricted' | 'shown'> & {
        restricted: boolean;
        accessIds: string[] | null;
        reporterId: string;
      },
  ): HomeIncident => ({
    reference: i.reference,
    title: i.title,
    status: i.status,
    severity: i.severity,
    url: urlOf(i),
    // A restricted record's title only for those who may see it, and its reporter (who wrote it).
    restricted: i.restricted,
    shown: i.reporterId === userId || seesDetails(config, i, userId),
  });

  const user = { userId };
  const owed = owedBy(db, config, userId, now, urlOf);
  const model: HomeModel = {
    userId,
    team,
    roles: config.roles,
    myReports: myReports(db).all(user).map(toItem),
    myReportCount: myReportCount(db).get(user)?.n ?? 0,
    owed: owed.items,
    owedCount: owed.count,
    managing: managingList(db).all(user).map(toItem),
    managingCount: managingCount(db).get(user)?.n ?? 0,
    myActions: myActionList(db)
      .all(user)
      .map((r) => ({ reference: r.reference, action: r.action, url: urlOf(r) })),
    myActionCount: myActionCount(db).get(user)?.n ?? 0,
    open: [],
    openCount: 0,
    bySeverity: { critical: 0, high: 0, medium: 0, low: 0, untriaged: 0 },
    byStatus: {},
    overdue: [],
    overdueCount: 0,
    pendingDeliveries: 0,
    deadDeliveries: 0,
    canDesignate: designatesIrm(config, userId),
  };
  if (!team) return model;

  for (const row of openByKind(db).all()) {
    model.bySeverity[row.severity ?? 'untriaged'] += row.n;
    model.byStatus[row.status] = (model.byStatus[row.status] ?? 0) + row.n;
    model.openCount += row.n;
  }
  model.open = openList(db).all().map(toItem);

  const overdue = overdueWork(db, config, now, waits);
  model.overdue = overdue.items.slice(0, LIST).map(({ card, ...o }) => ({ ...o, url: urlOf(card) }));
  model.overdueCount = overdue.count;
  const deliveries = countOutbox(db);
  model.pendingDeliveries = deliveries.pending;
  model.deadDeliveries = deliveries.dead;
  return model;
}

/** How many steps Home shows with their buttons (two blocks each, of Home's 100). */
const OWED_SHOWN = 12;

const WAITING = and(eq(messageDuties.ownerId, USER), isNull(messageDuties.settledAt));
const owedList = prepared((db) =>
  db
    .select({ duty: messageDuties })
    .from(messageDuties)
    .innerJoin(dutyMessages, eq(dutyMessages.id, messageDuties.messageId))
    .where(and(WAITING, eq(dutyMessages.kind, 'dm')))
    .orderBy(asc(messageDuties.messageId))
    .limit(OWED_SHOWN)
    .prepare(),
);
const owedCount = prepared((db) => db.select({ n: count() }).from(messageDuties).where(WAITING).prepare());

/**
 * The steps a person owes now, each as its DM asks it (with the same buttons): the duty messages
 * still waiting on them (domain/duty-messages.ts keeps those in step with the register).
 */
function owedBy(
  db: Db,
  config: Config,
  userId: string,
  now: Date,
  urlOf: (i: CardRef) => string | null,
): { items: DutyView[]; count: number } {
  const rows = owedList(db).all({ userId });
  const total = owedCount(db).get({ userId })?.n ?? 0;
  const items = rows.flatMap(({ duty }) => {
    const view = dutyView(db, duty, userId, { orgTimeZone: config.orgTimeZone, now, cardUrl: null });
    if (!view) return [];
    return [{ ...view, cardUrl: urlOf(view.incident) }];
  });
  return { items, count: total };
}

const LATE_TARGET = and(
  inArray(incidents.status, [...OPEN_WORK]),
  isNotNull(incidents.targetResolutionAt),
  lte(incidents.targetResolutionAt, stored(incidents.targetResolutionAt, 'now')),
);
const lateTargets = prepared((db) =>
  db
    .select({ reference: incidents.reference, ...CARD })
    .from(incidents)
    .where(LATE_TARGET)
    .orderBy(asc(incidents.targetResolutionAt))
    .limit(LIST)
    .prepare(),
);
const lateTargetCount = prepared((db) =>
  db.select({ n: count() }).from(incidents).where(LATE_TARGET).prepare(),
);
const LATE_ACTION = and(
  eq(actions.status, 'open'),
  isNotNull(actions.dueAt),
  lte(actions.dueAt, stored(actions.dueAt, 'now')),
);
const lateActions = prepared((db) =>
  db
    .select({ reference: incidents.reference, ...CARD, n: count() })
    .from(actions)
    .innerJoin(incidents, eq(incidents.id, actions.incidentId))
    .where(LATE_ACTION)
    .groupBy(incidents.id)
    .orderBy(sql`min(${actions.dueAt})`)
    .limit(LIST)
    .prepare(),
);
const lateActionCount = prepared((db) =>
  db
    .select({ n: sql<number>`count(distinct ${actions.incidentId})` })
    .from(actions)
    .where(LATE_ACTION)
    .prepare(),
);
const LATE_NOTICE = and(
  eq(notifications.status, 'pending'),
  isNotNull(notifications.dueAt),
  lte(notifications.dueAt, stored(notifications.dueAt, 'now')),
);
const lateNotices = prepared((db) =>
  db
    .select({ reference: incidents.reference, ...CARD, kind: notifications.kind })
    .from(notifications)
    .innerJoin(incidents, eq(incidents.id, notifications.incidentId))
    .where(LATE_NOTICE)
    .orderBy(asc(notifications.dueAt))
    .limit(LIST)
    .prepare(),
);
const lateNoticeCount = prepared((db) =>
  db.select({ n: count() }).from(notifications).where(LATE_NOTICE).prepare(),
);
const cardsOf = prepared((db) =>
  db
    .select({ id: incidents.id, ...CARD })
    .from(incidents)
    .where(inList(incidents.id, 'ids'))
    .prepare(),
);

/**
 * What is late across the register: incidents being worked on past their target resolution time
 * (the reminders' definition, OPEN_WORK), open actions past due, and outside notifications past
 * their deadline. Each list is read to LIST rows, oldest first, and counted in full.
 */
function overdueWork(
  db: Db,
  config: Config,
  now: Date,
  waits: ClosureWait[],
): { items: (Omit<HomeOverdue, 'url'> & { card: CardRef })[]; count: number } {
  const at = { now };
  const targets = lateTargets(db).all(at);
  const targetCount = lateTargetCount(db).get(at)?.n ?? 0;
  const late = lateActions(db).all(at);
  const actionCount = lateActionCount(db).get(at)?.n ?? 0;
  const notices = lateNotices(db).all(at);
  const noticeCount = lateNoticeCount(db).get(at)?.n ?? 0;

  // Seed 003 §5.10–5.11: a closure step left waiting past REMIND_CLOSURE_DAYS is late too.
  waits.sort((a, b) => a.since.getTime() - b.since.getTime());
  const waitCards = new Map(
    cardsOf(db)
      .all({ ids: JSON.stringify(waits.slice(0, LIST).map((w) => w.incidentId)) })
      .map((r) => [r.id, r]),
  );

  const item = (r: CardRef & { reference: string }, text: string) => ({
    reference: r.reference,
    text,
    card: { cardChannelId: r.cardChannelId, cardTs: r.cardTs },
  });
  return {
    items: [
      // Deadlines owed outside the organisation first: they are the ones with legal weight.
      ...notices.map((r) => item(r, `${notificationLabel(r)} notification deadline passed`)),
      ...targets.map((r) => item(r, 'past its target resolution time')),
      ...late.map((r) => item(r, `${r.n} overdue action${r.n === 1 ? '' : 's'}`)),
      ...waits
        .slice(0, LIST)
        .map((w) =>
          item(
            { reference: w.reference, cardChannelId: null, cardTs: null, ...waitCards.get(w.incidentId) },
            `${CLOSURE_STEP_WORDS[w.step]} waiting since ${dueDay(w.since, config.orgTimeZone, 'd MMM')}`,
          ),
        ),
    ],
    count: noticeCount + targetCount + actionCount + waits.length,
  };
}

const setAudience = prepared((db) =>
  db
    .update(homeViews)
    .set(storedValues(homeViews, ['team']))
    .where(and(eq(homeViews.userId, USER), ne(homeViews.team, stored(homeViews.team, 'team'))))
    .prepare(),
);
const recordOpened = prepared((db) => {
  const values = storedValues(homeViews, ['userId', 'team', 'openedAt']);
  return db
    .insert(homeViews)
    .values(values)
    .onConflictDoUpdate({ target: homeViews.userId, set: { team: values.team, openedAt: values.openedAt } })
    .prepare();
});
const setViewId = prepared((db) =>
  db
    .update(homeViews)
    .set(storedValues(homeViews, ['viewId']))
    .where(and(eq(homeViews.userId, USER), sql`${homeViews.viewId} is not ${sql.placeholder('viewId')}`))
    .prepare(),
);

/** Re-derives whether a person sees the team's Home now, and keeps their row in step. */
async function homeAudience(
  db: Db,
  config: Config,
  isSecurityTeam: (userId: string) => Promise<boolean>,
  userId: string,
  openedAt?: Date,
): Promise<boolean> {
  const team = seesTeamHome(config, userId, await isSecurityTeam(userId));
  if (openedAt) recordOpened(db).run({ userId, team, openedAt });
  // Written only when the audience changed: most refreshes find it as it was.
  else setAudience(db).run({ team, userId });
  return team;
}

interface PublishHomeDeps {
  db: Db;
  config: Config;
  client: WebClient;
  workspaceUrl: string;
  isSecurityTeam: (userId: string) => Promise<boolean>;
}

/**
 * Publishes a person's Home as it is now, for the audience they belong to now: someone who left
 * the security channel or gave up a role gets the staff Home from the next refresh on, however
 * they were seen when they opened it.
 */
export async function publishHome(
  deps: PublishHomeDeps,
  userId: string,
  now: Date,
  opts: { opened?: boolean } = {},
): Promise<void> {
  const team = await homeAudience(
    deps.db,
    deps.config,
    deps.isSecurityTeam,
    userId,
    opts.opened ? now : undefined,
  );
  // Closure steps left waiting are worked out record by record: between records, clicks go first.
  const waits = team
    ? await betweenSteps(
        closureWaitSteps(deps.db, deps.config, subDays(now, deps.config.reminders.closureDays)),
      )
    : [];
  const model = buildHomeModel(deps.db, deps.config, now, userId, team, deps.workspaceUrl, waits);
  const published = await deps.client.views.publish({ user_id: userId, view: homeView(model) });
  // Clicks in Home are recognised as coming from the view Slack gave this person.
  if (published.view?.id) setViewId(deps.db).run({ viewId: published.view.id, userId });
}
