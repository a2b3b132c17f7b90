import { TZDate } from '@date-fns/tz';
import { addDays, addHours, format, subDays, subHours } from 'date-fns';
import { and, eq, gt, inArray, isNotNull, isNull, lte, or } from 'drizzle-orm';
import { userText } from '../../blocks/text';
import type { Db } from '../../db/client';
import { actions, incidents, notifications, remindersSent, reviews, snoozes } from '../../db/schema';
import type { Config } from '../config';
import { findCategory } from './categories';
import { enqueue } from './deliveries';
import { NOTIFICATION_LABELS } from './obligations';
import { rules } from './permissions';
import { type Tx, writeTransaction } from './tx';

/** One thing a person owes, as a reminder shows it: reference and what is owed, never details. */
export interface ReminderItem {
  /** Stable for the item in its current stage: "done" and "snooze" apply to this key. */
  key: string;
  incidentId: number;
  reference: string;
  text: string;
  urgent: boolean;
  /** Set for an action, so "Done" can complete it. */
  actionId?: number;
  /** How often it may repeat: once per `day`, or once per `stage`. */
  repeat: 'day' | 'stage';
}

type Draft = Omit<ReminderItem, 'reference'> & { recipients: string[] };

/** Incidents being worked on, whose target resolution time counts: reminders and App Home's "overdue" share it. */
export const OPEN_WORK = ['triaged', 'resolving'] as const;

function hoursBetween(a: Date, b: Date): number {
  return Math.round(Math.abs(a.getTime() - b.getTime()) / 3_600_000);
}

/**
 * Everything owed at `now`, by rule (ISSUE 4 / seeds): the SIRO for untriaged reports; the IRM
 * for the target resolution time approaching and passed and for analyses awaiting approval; the
 * HOD for the causal analysis; owners for their actions; the people who may record a notification
 * for its deadline (urgent); and the SIRO for anything overdue past the escalation threshold.
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
  const r = config.reminders;
  const drafts: Draft[] = [];
  const escalateBefore = subDays(now, r.escalateOverdueDays);
  const sirOs = config.roles.siro;
  // A SIRO is owed escalations on anything, so only others' reading can be narrowed.
  const narrow = onlyFor !== undefined && !sirOs.includes(onlyFor);
  const holdsRole =
    onlyFor !== undefined && (['cio', 'md', 'iao'] as const).some((k) => config.roles[k].includes(onlyFor));
  const only = <T>(condition: T): T | undefined => (narrow ? condition : undefined);
  const person = onlyFor ?? '';

  for (const i of narrow
    ? []
    : db
        .select({ id: incidents.id, reportedAt: incidents.reportedAt })
        .from(incidents)
        .where(
          and(eq(incidents.status, 'reported'), lte(incidents.reportedAt, subHours(now, r.untriagedHours))),
        )
        .all()) {
    drafts.push({
      key: `triage:${i.id}`,
      incidentId: i.id,
      text: `waiting for triage for ${hoursBetween(now, i.reportedAt)} hours`,
      urgent: false,
      repeat: 'day',
      recipients: sirOs,
    });
  }

  for (const i of db
    .select()
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
          ? `target resolution time passed ${hoursBetween(now, due)} hours ago: resolve it or agree a new severity`
          : `target resolution time in ${hoursBetween(now, due)} hours`,
        urgent: false,
        repeat: 'day',
        recipients: [owner],
      });
    if (passed && due.getTime() <= escalateBefore.getTime())
      drafts.push({
        key: `overdue:${i.id}`,
        incidentId: i.id,
        text: `is past its target resolution time by more than ${r.escalateOverdueDays} days (IRM <@${owner ?? 'nobody'}>)`,
        urgent: false,
        repeat: 'day',
        recipients: sirOs,
      });
  }

  // Causal analysis: due from the HOD once resolved; waiting on the IRM once submitted.
  for (const i of db
    .select()
    .from(incidents)
    .where(
      and(
        eq(incidents.status, 'resolved'),
        isNotNull(incidents.resolvedAt),
        only(or(eq(incidents.irmId, person), eq(incidents.hodId, person))),
      ),
    )
    .all()) {
    const latest = db
      .select()
      .from(reviews)
      .where(and(eq(reviews.incidentId, i.id), eq(reviews.type, 'causal_analysis')))
      .all()
      .at(-1);
    if (latest?.decision === 'approved' || i.closureJustification) continue;
    if (latest?.decision === 'pending') {
      const approver = i.irmId && i.irmId !== latest.submittedBy ? i.irmId : sirOs[0];
      if (approver)
        drafts.push({
          key: `analysis-review:${i.id}:${latest.round}`,
          incidentId: i.id,
          text: 'causal analysis waiting for your approval',
          urgent: false,
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
          repeat: 'day',
          recipients: [analyst],
        });
    }
  }

  for (const a of db
    .select()
    .from(actions)
    .where(
      and(
        eq(actions.status, 'open'),
        isNotNull(actions.dueAt),
        lte(actions.dueAt, addDays(now, r.actionDays)),
        only(eq(actions.ownerId, person)),
      ),
    )
    .all()) {
    const due = a.dueAt as Date;
    const overdue = due.getTime() <= now.getTime();
    const day = format(new TZDate(due.getTime() - 1, config.orgTimeZone), 'd MMM');
    drafts.push({
      key: `action:${a.id}:${overdue ? 'overdue' : 'soon'}`,
      incidentId: a.incidentId,
      actionId: a.id,
      text: `${a.kind} action ${overdue ? `overdue since ${day}` : `due ${day}`}: ${userText(a.description, 120)}`,
      urgent: false,
      repeat: 'day',
      recipients: [a.ownerId],
    });
    if (overdue && due.getTime() <= escalateBefore.getTime())
      drafts.push({
        key: `action-overdue:${a.id}`,
        incidentId: a.incidentId,
        text: `an action owned by <@${a.ownerId}> is more than ${r.escalateOverdueDays} days overdue`,
        urgent: false,
        repeat: 'day',
        recipients: sirOs,
      });
  }

  const permission = rules(config);
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
    const rule = permission[`notify_${n.n.kind}`];
    const recipients = [
      ...rule.roles.flatMap((role) =>
        role === 'siro' || role === 'cio' || role === 'md' || role === 'iao' ? config.roles[role] : [],
      ),
      ...(rule.irm && n.irmId ? [n.irmId] : []),
    ];
    const hoursLeft = Math.max(0, Math.floor((due.getTime() - now.getTime()) / 3_600_000));
    // Urgent stages: once a day ahead, once in the last 6 hours, once overdue.
    const stage = overdue ? 'overdue' : hoursLeft < 6 ? 'final' : 'soon';
    drafts.push({
      key: `notify:${n.n.id}:${stage}`,
      incidentId: n.n.incidentId,
      text: overdue
        ? `${NOTIFICATION_LABELS[n.n.kind]} notification deadline passed ${hoursBetween(now, due)} hours ago: notify now or record why not`
        : `${NOTIFICATION_LABELS[n.n.kind]} must be notified within ${hoursLeft} hours`,
      urgent: true,
      repeat: 'stage',
      recipients: [...new Set(recipients)],
    });
  }

  const refs = new Map(
    db
      .select({ id: incidents.id, reference: incidents.reference, category: incidents.category })
      .from(incidents)
      .where(inArray(incidents.id, [...new Set(drafts.map((d) => d.incidentId))]))
      .all()
      .map((x) => [x.id, `${x.reference} (${findCategory(x.category)?.label ?? x.category})`]),
  );
  const byPerson = new Map<string, ReminderItem[]>();
  for (const { recipients, ...item } of drafts) {
    for (const person of recipients) {
      const list = byPerson.get(person) ?? [];
      if (!list.some((x) => x.key === item.key))
        list.push({ ...item, reference: refs.get(item.incidentId) ?? '' });
      byPerson.set(person, list);
    }
  }
  return byPerson;
}

/** The key under which one reminder counts as sent: per day, or once for its stage. */
export function reminderKey(userId: string, item: ReminderItem, now: Date, timeZone: string): string {
  const bucket = item.repeat === 'day' ? format(new TZDate(now, timeZone), 'yyyy-MM-dd') : 'once';
  return `${userId}|${item.key}|${bucket}`;
}

export function activeSnoozes(tx: Tx, userId: string, now: Date): Set<string> {
  return new Set(
    tx
      .select({ key: snoozes.itemKey })
      .from(snoozes)
      .where(and(eq(snoozes.userId, userId), gt(snoozes.until, now)))
      .all()
      .map((s) => s.key),
  );
}

/**
 * Records and queues one digest for a person: only items not snoozed and not already sent, all in
 * one transaction, so two sweeps racing each other send each reminder once.
 */
export function queueDigest(
  db: Db,
  userId: string,
  items: ReminderItem[],
  now: Date,
  timeZone: string,
): ReminderItem[] {
  return writeTransaction(db, (tx) => {
    const snoozed = activeSnoozes(tx, userId, now);
    const fresh = items.filter((item) => {
      if (snoozed.has(item.key)) return false;
      const key = reminderKey(userId, item, now, timeZone);
      return (
        tx
          .insert(remindersSent)
          .values({ key, userId, itemKey: item.key, sentAt: now })
          .onConflictDoNothing()
          .run().changes > 0
      );
    });
    if (fresh.length > 0) enqueue(tx, { kind: 'digest', incidentId: null, userId, items: fresh }, now);
    return fresh;
  });
}

export function snooze(db: Db, userId: string, itemKey: string, until: Date): void {
  db.insert(snoozes)
    .values({ userId, itemKey, until })
    .onConflictDoUpdate({ target: [snoozes.userId, snoozes.itemKey], set: { until } })
    .run();
}
