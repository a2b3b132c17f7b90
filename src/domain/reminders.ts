import { TZDate } from '@date-fns/tz';
import { addDays, addHours, format, subDays, subHours } from 'date-fns';
import { and, eq, gt, inArray, isNotNull, isNull, lte, max, notInArray, or, sql } from 'drizzle-orm';
import { ownerName, userText } from '../../blocks/text';
import type { Db } from '../../db/client';
import {
  actions,
  type Incident,
  incidentEvents,
  incidents,
  type Notification,
  notifications,
  remindersSent,
  reviews,
  snoozes,
} from '../../db/schema';
import type { Config } from '../config';
import { dueDay } from '../dates';
import { findCategory } from './categories';
import { CLOSURE_STEP_WORDS, closureWaitSteps } from './closure-waits';
import { enqueue } from './deliveries';
import type { DutyKind } from './duties';
import { notDoingDeciders } from './duties';
import { recordDigest } from './duty-messages';
import { FINAL_STATES } from './lifecycle';
import { dueAt } from './obligations';
import { notificationLabel } from './outside-bodies';
import { ruleFor } from './permissions';
import { planAgreementDue } from './plan-agreement';
import { possiblePersonalData, urgentTriage } from './possible-breach';
import { insidersOf, RESTRICTED_TITLE } from './restricted';
import { type Tx, writeTransaction } from './tx';

/** One thing a person owes, as a reminder shows it: reference and what is owed, never details. */
export interface ReminderItem {
  /**
   * `<what>:<id>` for the thing owed (its subject, see subjectOf), then its stage when it has
   * several (`:soon`, `:passed`, a round): "already sent" and "snooze" apply to this key.
   */
  key: string;
  incidentId: number;
  reference: string;
  text: string;
  urgent: boolean;
  /** Set for an action. */
  actionId?: number;
  /**
   * The step it reminds of (domain/duties.ts), so the reminder carries the button that takes it,
   * and is marked done once the step is settled. `mine`: the reader owes it themselves (an action's
   * owner is offered Done; anyone else marking it done is asked to confirm).
   */
  step?: {
    duty: string;
    kind: DutyKind;
    state: string;
    mine: boolean;
    notification?: { id: number; kind: Notification['kind']; label?: string | null };
  };
  /** How often it may repeat: once per `day` (in the recipient's zone), or once per `stage`. */
  repeat: 'day' | 'stage';
  /** News that asks nothing (a head of department's update for the Director): no buttons. */
  news?: true;
}

/** The thing a reminder is about, whatever its stage: `target:7:passed` → `target:7`. */
function subjectOf(key: string): string {
  return key.split(':').slice(0, 2).join(':');
}

/** An urgent untriaged report is chased again after this many hours, day or night. */
const URGENT_TRIAGE_REPEAT_HOURS = 4;

/** At most this many items in one digest (Block Kit allows 50 blocks); the rest come next sweep. */
const DIGEST_LIMIT = 20;

type Draft = Omit<ReminderItem, 'reference'> & { recipients: string[] };

/** Incidents being worked on, whose target resolution time counts: reminders and App Home's "overdue" share it. */
export const OPEN_WORK = ['triaged', 'resolving'] as const;

/** Past its target resolution time: still being worked on (once resolved, the target was met or not). */
export function pastTarget(i: Pick<Incident, 'status' | 'targetResolutionAt'>, now: Date): boolean {
  return (
    (OPEN_WORK as readonly string[]).includes(i.status) &&
    i.targetResolutionAt !== null &&
    i.targetResolutionAt.getTime() <= now.getTime()
  );
}

/** Counting down to its target resolution time (the work is under way). */
export const workingToTarget = (i: Pick<Incident, 'status' | 'targetResolutionAt'>): boolean =>
  (OPEN_WORK as readonly string[]).includes(i.status) && i.targetResolutionAt !== null;

function hoursBetween(a: Date, b: Date): number {
  return Math.round(Math.abs(a.getTime() - b.getTime()) / 3_600_000);
}

/** "5 hours", "1 hour"; over two days in days ("22 days", never "527 hours"). */
export function hoursInWords(hours: number): string {
  if (hours > 48) return `${Math.round(hours / 24)} days`;
  return `${hours} hour${hours === 1 ? '' : 's'}`;
}

/**
 * Everything owed at `now`, by rule (ISSUE 4 / seeds): the SIRO for untriaged reports; the IRM
 * for the target resolution time approaching and passed and for analyses awaiting approval; the
 * HOD for the causal analysis; owners and the IRM for actions; the people who may record a
 * notification for its deadline (urgent); and the SIRO for anything overdue past the threshold.
 */
export function findDueReminders(
  db: Db,
  now: Date,
  config: Config,
  /**
   * Only what may be owed to this person (App Home): the same rules, reading only the rows that
   * may concern them. Only their entry of the map is then complete.
   */
  onlyFor?: string,
): Map<string, ReminderItem[]> {
  const passes = dueReminderPasses(db, now, config, onlyFor);
  for (;;) {
    const pass = passes.next();
    if (pass.done) return pass.value;
  }
}

/**
 * findDueReminders one pass over the register at a time: the sweep hands the event loop back
 * between passes (src/services/reminders.ts), so on a large register a click waits for one pass,
 * not for all of them. Each pass reads what is stored when it runs.
 */
export function* dueReminderPasses(
  db: Db,
  now: Date,
  config: Config,
  onlyFor?: string,
): Generator<void, Map<string, ReminderItem[]>, void> {
  const r = config.reminders;
  const drafts: Draft[] = [];
  const escalateBefore = subDays(now, r.escalateOverdueDays);
  const sirOs = config.roles.siro;
  // A SIRO is owed escalations on anything, so only others' reading can be narrowed.
  const narrow = onlyFor !== undefined && !sirOs.includes(onlyFor);
  // Whoever may record some notification by role is owed its deadline on any incident.
  const notifiers = config.outsideBodies.flatMap((b) => b.roles);
  const holdsRole =
    onlyFor !== undefined &&
    notifiers.some(
      (role) =>
        (role === 'siro' || role === 'cio' || role === 'md' || role === 'iao') &&
        config.roles[role].includes(onlyFor),
    );
  const only = <T>(condition: T): T | undefined => (narrow ? condition : undefined);
  const person = onlyFor ?? '';

  const soonest = Math.min(r.untriagedHours, r.untriagedUrgentHours);
  for (const i of narrow
    ? []
    : db
        .select({
          id: incidents.id,
          reportedAt: incidents.reportedAt,
          awareAt: incidents.awareAt,
          personalData: incidents.personalData,
          customersOrStaffAffected: incidents.customersOrStaffAffected,
          reporterNotSure: incidents.reporterNotSure,
        })
        .from(incidents)
        .where(and(eq(incidents.status, 'reported'), lte(incidents.reportedAt, subHours(now, soonest))))
        .all()) {
    const hours = hoursBetween(now, i.reportedAt);
    const waited = hoursInWords(hours);
    // Seed 003 §5.7 "actual or possible": the regulator's 72 hours run from awareness, nights and
    // weekends included, so such a report is chased at any hour, every URGENT_TRIAGE_REPEAT_HOURS.
    if (urgentTriage(i)) {
      if (i.reportedAt.getTime() > subHours(now, r.untriagedUrgentHours).getTime()) continue;
      const regulatorBy = dueAt(config.outsideBodies, { kind: 'regulator', stage: '' }, i.awareAt);
      const round = Math.floor(
        (now.getTime() - i.reportedAt.getTime()) / (URGENT_TRIAGE_REPEAT_HOURS * 3_600_000),
      );
      drafts.push({
        key: `triage:${i.id}:urgent:${round}`,
        incidentId: i.id,
        text: possiblePersonalData(i)
          ? `waiting for triage for ${waited}; possible personal-data breach: the regulator must be told by ${dueDay(regulatorBy, config.orgTimeZone, 'EEE d MMM HH:mm')} (${config.notifyHours.regulator} hours from awareness)`
          : `waiting for triage for ${waited}; customers or staff may be affected`,
        urgent: true,
        step: { duty: `triage:${i.id}`, kind: 'triage', state: 'reported', mine: true },
        repeat: 'stage',
        recipients: sirOs,
      });
      continue;
    }
    if (i.reportedAt.getTime() > subHours(now, r.untriagedHours).getTime()) continue;
    drafts.push({
      key: `triage:${i.id}`,
      incidentId: i.id,
      text: `waiting for triage for ${waited}`,
      urgent: false,
      step: { duty: `triage:${i.id}`, kind: 'triage', state: 'reported', mine: true },
      repeat: 'day',
      recipients: sirOs,
    });
  }
  yield;

  for (const i of db
    .select({
      id: incidents.id,
      targetResolutionAt: incidents.targetResolutionAt,
      irmId: incidents.irmId,
      hodId: incidents.hodId,
    })
    .from(incidents)
    .where(
      and(
        inArray(incidents.status, [...OPEN_WORK]),
        isNotNull(incidents.targetResolutionAt),
        lte(incidents.targetResolutionAt, addHours(now, r.beforeTargetHours)),
        only(or(eq(incidents.irmId, person), and(isNull(incidents.irmId), eq(incidents.hodId, person)))),
      ),
    )
    .all()) {
    const due = i.targetResolutionAt as Date;
    const passed = due.getTime() <= now.getTime();
    const owner = i.irmId ?? i.hodId;
    if (owner)
      drafts.push({
        key: `target:${i.id}:${passed ? 'passed' : 'soon'}`,
        incidentId: i.id,
        text: passed
          ? `target resolution time passed ${hoursInWords(hoursBetween(now, due))} ago: resolve it or agree a new severity`
          : `target resolution time in ${hoursInWords(hoursBetween(now, due))}`,
        urgent: false,
        step: { duty: `resolve:${i.id}`, kind: 'resolve', state: 'resolving', mine: true },
        repeat: 'day',
        recipients: [owner],
      });
    if (passed && due.getTime() <= escalateBefore.getTime())
      drafts.push({
        key: `overdue:${i.id}`,
        incidentId: i.id,
        text: `is past its target resolution time by more than ${r.escalateOverdueDays} days (IRM <@${owner ?? 'nobody'}>)`,
        urgent: false,
        step: { duty: `resolve:${i.id}`, kind: 'resolve', state: 'resolving', mine: false },
        repeat: 'day',
        recipients: sirOs,
      });
  }

  yield;

  // Causal analysis: due from the HOD once resolved; waiting on the IRM once submitted.
  // One query for every resolved record with its latest analysis round (not one query each).
  const latestRound = db
    .select({ incidentId: reviews.incidentId, round: max(reviews.round).as('latest_round') })
    .from(reviews)
    .where(eq(reviews.type, 'causal_analysis'))
    .groupBy(reviews.incidentId)
    .as('latest_round');
  for (const { latest, ...i } of db
    .select({
      id: incidents.id,
      resolvedAt: incidents.resolvedAt,
      closureJustification: incidents.closureJustification,
      irmId: incidents.irmId,
      hodId: incidents.hodId,
      latest: { round: reviews.round, decision: reviews.decision, submittedBy: reviews.submittedBy },
    })
    .from(incidents)
    .leftJoin(latestRound, eq(latestRound.incidentId, incidents.id))
    .leftJoin(
      reviews,
      and(
        eq(reviews.incidentId, incidents.id),
        eq(reviews.type, 'causal_analysis'),
        eq(reviews.round, latestRound.round),
      ),
    )
    .where(
      and(
        eq(incidents.status, 'resolved'),
        isNotNull(incidents.resolvedAt),
        only(or(eq(incidents.irmId, person), eq(incidents.hodId, person))),
      ),
    )
    .all()) {
    if (latest?.decision === 'approved' || i.closureJustification) continue;
    if (latest?.decision === 'pending') {
      const approver = i.irmId && i.irmId !== latest.submittedBy ? i.irmId : sirOs[0];
      if (approver)
        drafts.push({
          key: `analysis-review:${i.id}:${latest.round}`,
          incidentId: i.id,
          text: 'causal analysis waiting for your approval',
          urgent: false,
          step: { duty: `analysis_review:${i.id}`, kind: 'analysis_review', state: '', mine: true },
          repeat: 'day',
          recipients: [approver],
        });
    } else if ((i.resolvedAt as Date).getTime() <= subDays(now, r.analysisDays).getTime()) {
      const analyst = i.hodId ?? i.irmId;
      if (analyst)
        drafts.push({
          key: `analysis:${i.id}:${(latest?.round ?? 0) + 1}`,
          incidentId: i.id,
          text: latest
            ? 'causal analysis sent back to you: please revise it'
            : 'causal analysis and preventive plan due from you',
          urgent: false,
          step: { duty: `analysis:${i.id}`, kind: 'analysis', state: '', mine: true },
          repeat: 'day',
          recipients: [analyst],
        });
    }
  }

  yield;

  // Actions of records still open: one dismissed at triage, or closed, owes nothing more.
  for (const { a, irmId, hodId } of db
    .select({ a: actions, irmId: incidents.irmId, hodId: incidents.hodId })
    .from(actions)
    .innerJoin(incidents, eq(incidents.id, actions.incidentId))
    .where(
      and(
        eq(actions.status, 'open'),
        notInArray(incidents.status, [...FINAL_STATES]),
        isNotNull(actions.dueAt),
        lte(actions.dueAt, addDays(now, r.actionDays)),
        // The owner (or a member of the owning team), and the IRM (or the head of department).
        only(
          or(
            eq(actions.ownerId, person),
            sql`exists (select 1 from json_each(${actions.ownerMembers}) where value = ${person})`,
            eq(incidents.irmId, person),
            and(isNull(incidents.irmId), eq(incidents.hodId, person)),
          ),
        ),
      ),
    )
    .all()) {
    const due = a.dueAt as Date;
    const overdue = due.getTime() <= now.getTime();
    const day = dueDay(due, config.orgTimeZone, 'd MMM');
    const when = overdue ? `overdue since ${day}` : `due ${day}`;
    const what = userText(a.description, 120);
    const step = (mine: boolean) => ({
      duty: `action:${a.id}`,
      kind: 'action' as const,
      state: 'open',
      mine,
    });
    const item = {
      key: `action:${a.id}:${overdue ? 'overdue' : 'soon'}`,
      incidentId: a.incidentId,
      actionId: a.id,
      urgent: false,
      repeat: 'day',
    } as const;
    const owners = a.ownerMembers ?? [a.ownerId];
    drafts.push({
      ...item,
      text: `${a.ownerMembers ? `your team's ${a.kind}` : a.kind} action ${when}: ${what}`,
      recipients: owners,
      step: step(true),
    });
    // Issue 4: the IRM (or the head of department) follows the plan, so hears of it too.
    const follower = irmId ?? hodId;
    if (follower && !owners.includes(follower))
      drafts.push({
        ...item,
        text: `${a.kind} action owned by ${ownerName(a)} ${when}: ${what}`,
        recipients: [follower],
        step: step(false),
      });
    if (overdue && due.getTime() <= escalateBefore.getTime())
      drafts.push({
        key: `action-overdue:${a.id}`,
        incidentId: a.incidentId,
        text: `an action owned by ${ownerName(a)} is more than ${r.escalateOverdueDays} days overdue`,
        urgent: false,
        actionId: a.id,
        step: step(false),
        repeat: 'day',
        recipients: sirOs,
      });
  }

  yield;

  // A proposed "won't do" waits on whoever decides: the IRM, or the SIRO when the IRM proposed it.
  for (const { a, irmId } of db
    .select({
      a: {
        id: actions.id,
        incidentId: actions.incidentId,
        ownerId: actions.ownerId,
        ownerGroupName: actions.ownerGroupName,
        ownerMembers: actions.ownerMembers,
        kind: actions.kind,
        description: actions.description,
      },
      irmId: incidents.irmId,
    })
    .from(actions)
    .innerJoin(incidents, eq(incidents.id, actions.incidentId))
    .where(
      and(
        eq(actions.status, 'not_doing_proposed'),
        notInArray(incidents.status, [...FINAL_STATES]),
        only(eq(incidents.irmId, person)),
      ),
    )
    .all())
    drafts.push({
      key: `action-proposal:${a.id}`,
      incidentId: a.incidentId,
      text: `${ownerName(a)} proposes not doing a ${a.kind} action: ${userText(a.description, 120)}. Accept it or keep it open`,
      urgent: false,
      actionId: a.id,
      step: { duty: `action:${a.id}`, kind: 'action', state: 'not_doing_proposed', mine: true },
      repeat: 'day',
      recipients: notDoingDeciders(config, irmId, a.ownerId, a.ownerMembers ?? []),
    });

  yield;

  // Seed 003 §4.3: an action plan the SIRO has not agreed, once it has waited REMIND_PLAN_DAYS.
  for (const i of narrow ? [] : yield* plansWaiting(db, subDays(now, r.planDays)))
    drafts.push({
      key: `plan:${i.id}`,
      incidentId: i.id,
      text: 'the action plan waits for your agreement (needed before closure)',
      urgent: false,
      step: { duty: `plan:${i.id}`, kind: 'plan', state: i.status, mine: true },
      repeat: 'day',
      recipients: sirOs,
    });

  yield;

  // Seed 003 §5.10–5.11: the steps after restoration are chased like every other, and the SIRO
  // hears of any left waiting ESCALATE_OVERDUE_DAYS longer.
  const escalateClosure = subDays(now, r.closureDays + r.escalateOverdueDays);
  for (const w of yield* closureWaitSteps(db, config, subDays(now, r.closureDays))) {
    if (narrow && !w.owners.includes(person)) continue;
    const days = Math.floor((now.getTime() - w.since.getTime()) / 86_400_000);
    drafts.push({
      key: `${w.step}:${w.incidentId}`,
      incidentId: w.incidentId,
      text: `${CLOSURE_STEP_WORDS[w.step]} has waited for you ${days} days`,
      urgent: false,
      step: { duty: `${w.step}:${w.incidentId}`, kind: w.step, state: w.state, mine: true },
      repeat: 'day',
      recipients: w.owners,
    });
    if (!narrow && w.since.getTime() <= escalateClosure.getTime())
      drafts.push({
        key: `closure-overdue:${w.incidentId}`,
        incidentId: w.incidentId,
        text: `${CLOSURE_STEP_WORDS[w.step]} has waited ${days} days (owed by ${w.owners.map((o) => `<@${o}>`).join(', ')})`,
        urgent: false,
        step: { duty: `${w.step}:${w.incidentId}`, kind: w.step, state: w.state, mine: false },
        repeat: 'day',
        recipients: sirOs.filter((id) => !w.owners.includes(id)),
      });
  }

  yield;

  // Seed 000 Rep.2: the head of department keeps the Director informed; their updates reach the
  // Managing Director once each, in the digest.
  for (const u of onlyFor !== undefined && !config.roles.md.includes(onlyFor) ? [] : headsUpdates(db, now))
    drafts.push({
      key: `hod-update:${u.eventId}`,
      incidentId: u.incidentId,
      text: `update from the head of department <@${u.actorId}>: ${userText(u.text, 300)}`,
      urgent: false,
      repeat: 'stage',
      news: true,
      recipients: config.roles.md,
    });

  yield;

  for (const n of db
    .select({ n: notifications, irmId: incidents.irmId })
    .from(notifications)
    .innerJoin(incidents, eq(incidents.id, notifications.incidentId))
    .where(
      and(
        eq(notifications.status, 'pending'),
        isNotNull(notifications.dueAt),
        lte(notifications.dueAt, addHours(now, r.notifyHours)),
        holdsRole ? undefined : only(eq(incidents.irmId, person)),
      ),
    )
    .all()) {
    const due = n.n.dueAt as Date;
    const overdue = due.getTime() <= now.getTime();
    const rule = ruleFor(config, `notify_${n.n.kind}`);
    const recipients = [
      ...rule.roles.flatMap((role) =>
        role === 'siro' || role === 'cio' || role === 'md' || role === 'iao' ? config.roles[role] : [],
      ),
      ...(rule.irm && n.irmId ? [n.irmId] : []),
    ];
    const hoursLeft = Math.max(0, Math.floor((due.getTime() - now.getTime()) / 3_600_000));
    // Urgent stages: once ahead, once in the last 6 hours, then every 24 hours once it has passed
    // (counted from the deadline, so the same in every time zone) until it is recorded.
    const daysLate = Math.floor((now.getTime() - due.getTime()) / 86_400_000) + 1;
    const stage = overdue ? `overdue:${daysLate}` : hoursLeft < 6 ? 'final' : 'soon';
    drafts.push({
      key: `notify:${n.n.id}:${stage}`,
      incidentId: n.n.incidentId,
      text: overdue
        ? `${notificationLabel(n.n)} notification deadline passed ${hoursInWords(hoursBetween(now, due))} ago: notify now or record why not`
        : `${notificationLabel(n.n)} must be notified within ${hoursInWords(hoursLeft)}`,
      urgent: true,
      step: {
        duty: `notify:${n.n.id}`,
        kind: 'notify',
        state: 'pending',
        mine: true,
        notification: { id: n.n.id, kind: n.n.kind, label: n.n.label },
      },
      repeat: 'stage',
      recipients: [...new Set(recipients)],
    });
  }

  yield;

  const about = db
    .select({
      id: incidents.id,
      reference: incidents.reference,
      category: incidents.category,
      restricted: incidents.restricted,
      accessIds: incidents.accessIds,
    })
    .from(incidents)
    .where(
      sql`${incidents.id} in (select value from json_each(${JSON.stringify([...new Set(drafts.map((d) => d.incidentId))])}))`,
    )
    .all();
  const refs = new Map(
    about.map((x) => [
      x.id,
      x.restricted
        ? `${x.reference} (${RESTRICTED_TITLE.toLowerCase()})`
        : `${x.reference} (${findCategory(x.category)?.label ?? x.category})`,
    ]),
  );
  // A restricted record reminds only those who may see it, and an action's owners of their action.
  const insiders = new Map(about.filter((x) => x.restricted).map((x) => [x.id, insidersOf(config, x)]));
  // By key, so a SIRO owed thousands of items in a large register is not a quadratic search.
  const byPerson = new Map<string, Map<string, ReminderItem>>();
  for (const { recipients, ...item } of drafts) {
    const inside = insiders.get(item.incidentId);
    for (const person of recipients) {
      if (inside && !inside.includes(person) && !(item.step?.kind === 'action' && item.step.mine)) continue;
      const items = byPerson.get(person) ?? new Map<string, ReminderItem>();
      if (!items.has(item.key)) items.set(item.key, { ...item, reference: refs.get(item.incidentId) ?? '' });
      byPerson.set(person, items);
    }
  }
  return new Map([...byPerson].map(([person, items]) => [person, [...items.values()]]));
}

/** The recipient's calendar day, the bucket of a reminder that repeats daily. */
function reminderDay(now: Date, timeZone: string): string {
  return format(new TZDate(now, timeZone), 'yyyy-MM-dd');
}

/** The key under which one reminder counts as sent: per day in the recipient's zone, or once for its stage. */
export function reminderKey(userId: string, item: ReminderItem, day: string): string {
  return `${userId}|${item.key}|${item.repeat === 'day' ? day : 'once'}`;
}

/** A snooze lasts a week at most; longer rows (the old "dismiss forever") no longer silence anything. */
const LONGEST_SNOOZE_DAYS = 7;

export function activeSnoozes(tx: Tx, userId: string, now: Date): Set<string> {
  return new Set(
    tx
      .select({ key: snoozes.itemKey })
      .from(snoozes)
      .where(
        and(
          eq(snoozes.userId, userId),
          gt(snoozes.until, now),
          lte(snoozes.until, addDays(now, LONGEST_SNOOZE_DAYS + 1)),
        ),
      )
      .all()
      .map((s) => s.key),
  );
}

/** Which of these keys are recorded as sent: one query (a JSON list is one parameter, any length). */
function sentKeys(tx: Tx, keys: string[]): Set<string> {
  if (keys.length === 0) return new Set();
  return new Set(
    tx
      .select({ key: remindersSent.key })
      .from(remindersSent)
      .where(sql`${remindersSent.key} in (select value from json_each(${JSON.stringify(keys)}))`)
      .all()
      .map((r) => r.key),
  );
}

/**
 * The items a person has not been sent and has not snoozed, urgent first. Without their time zone
 * (`null`), an item that repeats daily counts as unsent: only a check, never a decision to send.
 */
export function unsentItems(
  tx: Tx,
  userId: string,
  items: ReminderItem[],
  now: Date,
  timeZone: string | null,
): ReminderItem[] {
  const snoozed = activeSnoozes(tx, userId, now);
  const day = reminderDay(now, timeZone ?? 'UTC');
  const candidates = items.filter((item) => !snoozed.has(item.key));
  // Without the zone a daily item's day is unknown: it counts as unsent, and is not looked up.
  const unknowable = (item: ReminderItem) => item.repeat === 'day' && timeZone === null;
  const sent = sentKeys(
    tx,
    candidates.filter((item) => !unknowable(item)).map((item) => reminderKey(userId, item, day)),
  );
  const fresh = candidates.filter((item) => unknowable(item) || !sent.has(reminderKey(userId, item, day)));
  return [...fresh.filter((i) => i.urgent), ...fresh.filter((i) => !i.urgent)];
}

export interface Digest {
  /** What the digest shows, each recorded as sent. */
  items: ReminderItem[];
  /** Due too but not shown, to keep the message within Slack's limits (counted in it). */
  more: number;
}

interface DigestPlan extends Digest {
  /**
   * What is recorded as sent: the items shown, and the daily ones left out of a long digest
   * (counted in it, and due again tomorrow), so a person owed hundreds of things gets one message
   * a day rather than one every sweep. An urgent item left out is not recorded: it comes next sweep.
   */
  recorded: ReminderItem[];
}

function plan(tx: Tx, userId: string, items: ReminderItem[], now: Date, timeZone: string): DigestPlan {
  const fresh = unsentItems(tx, userId, items, now, timeZone);
  const shown = fresh.slice(0, DIGEST_LIMIT);
  const left = fresh.slice(DIGEST_LIMIT);
  return {
    items: shown,
    more: left.length,
    recorded: [...shown, ...left.filter((i) => !i.urgent && i.repeat === 'day')],
  };
}

/** The digest a person would get now, without recording or sending anything (a dry run). */
export function planDigest(
  tx: Tx,
  userId: string,
  items: ReminderItem[],
  now: Date,
  timeZone: string,
): Digest {
  const { items: shown, more } = plan(tx, userId, items, now, timeZone);
  return { items: shown, more };
}

/**
 * Records and queues one digest for a person: urgent items first, only those not snoozed and not
 * already sent, as many as the message shows (see DigestPlan for the rest). One transaction, so
 * two sweeps racing each other (two processes, too) send each reminder once. `deliverAt` is the
 * real time: a sweep run "as if" at another time must not delay the message.
 */
export function queueDigest(
  db: Db,
  userId: string,
  items: ReminderItem[],
  at: { now: Date; deliverAt: Date; timeZone: string },
): Digest {
  return writeTransaction(db, (tx) => {
    const digest = plan(tx, userId, items, at.now, at.timeZone);
    const day = reminderDay(at.now, at.timeZone);
    // The plan was read under this transaction's write lock, so every row it records is new: one
    // statement for them all (a SIRO of a large register may be owed thousands of daily items).
    const rows = digest.recorded.map((item) => [reminderKey(userId, item, day), item.key]);
    if (rows.length > 0)
      tx.run(sql`insert into ${remindersSent} (key, user_id, item_key, sent_at)
        select value ->> 0, ${userId}, value ->> 1, ${at.now.getTime()} from json_each(${JSON.stringify(rows)})`);
    if (digest.items.length > 0) {
      // Kept as a duty message: each item is marked done, its buttons gone, once its step is settled.
      const messageId = recordDigest(
        tx,
        userId,
        { items: digest.items, more: digest.more },
        digest.items.map((item) => ({ duty: item.step?.duty ?? null, incidentId: item.incidentId })),
        at.now,
      );
      enqueue(tx, { kind: 'duty_message', incidentId: null, messageId }, at.deliverAt);
    }
    return { items: digest.items, more: digest.more };
  });
}

export function snooze(db: Db, userId: string, itemKey: string, until: Date): void {
  db.insert(snoozes)
    .values({ userId, itemKey, until })
    .onConflictDoUpdate({ target: [snoozes.userId, snoozes.itemKey], set: { until } })
    .run();
}

/**
 * Done on a reminder that is not an action: looks in the register whether the person still owes
 * the thing (in any stage). Still owed: snoozed for a day, so it comes back rather than vanishing.
 */
export function checkDone(
  db: Db,
  userId: string,
  itemKey: string,
  now: Date,
  config: Config,
): { stillOwed: ReminderItem | undefined } {
  const subject = subjectOf(itemKey);
  // Only what this person may be owed is read (as App Home does), not the whole register.
  const stillOwed = findDueReminders(db, now, config, userId)
    .get(userId)
    ?.find((i) => subjectOf(i.key) === subject);
  if (stillOwed) snooze(db, userId, stillOwed.key, addDays(now, 1));
  return { stillOwed };
}

/** Incidents from Medium up whose action plan the SIRO was asked to agree before `since`, and has not. */
function* plansWaiting(
  db: Db,
  since: Date,
): Generator<void, { id: number; status: Incident['status'] }[], void> {
  // Asked once there is an action or operations are restored (plan-agreement.ts): counted from then.
  const candidates = db
    .select()
    .from(incidents)
    .where(
      and(
        inArray(incidents.status, ['triaged', 'resolving', 'resolved']),
        inArray(incidents.severity, ['critical', 'high', 'medium']),
        sql`not exists (select 1 from ${reviews} r where r.incident_id = ${incidents.id}
          and r.type = 'action_plan' and r.decision = 'approved')`,
        or(
          lte(incidents.resolvedAt, since),
          sql`exists (select 1 from ${actions} a where a.incident_id = ${incidents.id} and a.created_at <= ${since.getTime()})`,
        ),
      ),
    )
    .all();
  const due: { id: number; status: Incident['status'] }[] = [];
  for (const [n, i] of candidates.entries()) {
    // Each is asked whether its plan is due (a few reads): a sweep may hand the loop back between.
    if (n > 0 && n % 100 === 0) yield;
    if (planAgreementDue(db, i)) due.push({ id: i.id, status: i.status });
  }
  return due;
}

/** Listed, not "not in" the final ones: the status index then finds them. */
const OPEN_STATES = incidents.status.enumValues.filter((st) => !FINAL_STATES.includes(st));

/** How far back a head of department's update is still news for the Managing Director. */
const UPDATE_NEWS_DAYS = 7;

/** Updates posted on open incidents by their head of department (or, without one, the IRM) in the last week. */
function headsUpdates(
  db: Db,
  now: Date,
): { eventId: number; incidentId: number; actorId: string; text: string }[] {
  return (
    db
      .select({
        eventId: incidentEvents.id,
        incidentId: incidentEvents.incidentId,
        actorId: incidentEvents.actorId,
        text: sql<string>`json_extract(${incidentEvents.after}, '$.text')`,
      })
      // From the open incidents (indexed by status), then each one's events (indexed by incident):
      // never a scan of the whole trail.
      .from(incidents)
      .innerJoin(incidentEvents, eq(incidentEvents.incidentId, incidents.id))
      .where(
        and(
          inArray(incidents.status, OPEN_STATES),
          eq(incidentEvents.type, 'update'),
          gt(incidentEvents.at, subDays(now, UPDATE_NEWS_DAYS)),
          lte(incidentEvents.at, now),
          sql`${incidentEvents.actorId} = coalesce(${incidents.hodId}, ${incidents.irmId})`,
        ),
      )
      .all()
      .filter((u) => typeof u.text === 'string')
  );
}
