import { eq, or, sql } from 'drizzle-orm';
import { inList, prepared, storedValues } from '../../db/prepared';
import { homeViews, type IncidentStatus, outbox } from '../../db/schema';
import type { ReminderItem } from './reminders';
import type { Tx } from './tx';

/**
 * DMs that tell rather than ask (steps are asked for by duty messages, domain/duty-messages.ts):
 * the reporter's receipt and status news, and the hand-off news drawn from the event that caused it.
 */
export type DirectMessage =
  | 'receipt'
  | 'status'
  /** To the IRM replaced by someone else. */
  | 'irm_replaced'
  /** To the analysis's author, with the IRM's comment. */
  | 'analysis_approved'
  /** To the IRM (and, for Critical, the SIRO and MD), with the reason and the target moved. */
  | 'severity_changed'
  /** To the head of department: a new analysis will be asked once it is restored again. */
  | 'reopened'
  /** To someone the SIRO let see a restricted record. */
  | 'access_granted'
  /** To the Information Asset Owner a report names (seed 003 §3.7): reference and category only. */
  | 'asset_owner'
  /** Seed 003 §4.1: to the reporter, the team's question, with the button to answer it. */
  | 'reporter_question'
  /** To whoever asked: the reporter's answer. */
  | 'reporter_answered'
  /** To the IRM: the reporter added information or evidence. */
  | 'reporter_added';

/**
 * What Slack must be told, decided by the domain and rendered from the database at delivery time,
 * so a message delayed by an outage still shows the incident as it is then (except what the
 * message announces, such as a status, which is carried with it).
 */
export type Delivery =
  | { kind: 'post_card'; incidentId: number }
  | { kind: 'update_card'; incidentId: number }
  | { kind: 'thread_line'; incidentId: number; eventId: number }
  | {
      kind: 'dm';
      incidentId: number;
      userId: string;
      template: DirectMessage;
      /** For `status`: the status it announces, as it was when the change was made. */
      status?: IncidentStatus;
      /** For `status`: the status it moved from (a reopening is told as such). */
      from?: IncidentStatus;
      /** The change it tells of (set by recordChange): who did what, before and after. */
      eventId?: number;
    }
  | {
      kind: 'digest';
      incidentId: null;
      userId: string;
      items: ReminderItem[];
      more?: number;
      messageId?: number;
    }
  /** A message asking for a step (domain/duty-messages.ts): posted, or edited to show how it stands. */
  | { kind: 'duty_message'; incidentId: number | null; messageId: number; thread?: true }
  | { kind: 'home'; incidentId: null; userId: string }
  | { kind: 'monthly_report' | 'monthly_chart'; incidentId: null; userId: string; period: string }
  /** Seed 000 Rep.4.4: asks the Management Representative (or SIRO) for the briefing's recommendations. */
  | { kind: 'briefing_request'; incidentId: null; userId: string; period: string };

/**
 * Queues many deliveries in one statement, each with its dedupe key, skipping those already queued;
 * returns how many were new. For sweeps that see thousands of candidates (a JSON list is one
 * parameter, whatever its length); the rows are the ones enqueue() writes.
 */
export function enqueueMany(
  tx: Tx,
  deliveries: { delivery: Delivery; dedupeKey: string }[],
  at: Date,
): number {
  if (deliveries.length === 0) return 0;
  const rows = JSON.stringify(
    deliveries.map(({ delivery: { kind, incidentId, ...rest }, dedupeKey }) => [
      kind,
      incidentId,
      JSON.stringify(rest),
      dedupeKey,
    ]),
  );
  return tx.run(sql`
    insert into ${outbox} (kind, incident_id, payload, dedupe_key, next_attempt_at, created_at)
    select value ->> 0, value ->> 1, value ->> 2, value ->> 3, ${at.getTime()}, ${at.getTime()}
    from json_each(${rows}) where true
    on conflict (dedupe_key) do nothing`).changes;
}

const insertDelivery = prepared((db) =>
  db
    .insert(outbox)
    .values(
      storedValues(outbox, ['kind', 'incidentId', 'payload', 'dedupeKey', 'nextAttemptAt', 'createdAt']),
    )
    .onConflictDoNothing({ target: outbox.dedupeKey })
    .prepare(),
);

export function enqueue(tx: Tx, delivery: Delivery, at: Date, dedupeKey?: string): boolean {
  const { kind, incidentId, ...rest } = delivery;
  return (
    insertDelivery(tx).run({
      kind,
      incidentId,
      payload: rest,
      dedupeKey: dedupeKey ?? null,
      nextAttemptAt: at,
      createdAt: at,
    }).changes > 0
  );
}

/**
 * Marks the one refresh of a person's Home that is still waiting. Home is rendered when it is
 * delivered, so a change while one waits needs no second row; the outbox clears the key as it
 * starts rendering, so a change after that queues a new refresh rather than being missed.
 */
export const homeKey = (userId: string) => `home:${userId}`;

const homeViewers = prepared((db) =>
  db
    .select({ userId: homeViews.userId })
    .from(homeViews)
    .where(or(eq(homeViews.team, true), inList(homeViews.userId, 'involved')))
    .prepare(),
);

const homeViewer = prepared((db) =>
  db
    .select({ userId: homeViews.userId })
    .from(homeViews)
    .where(eq(homeViews.userId, sql.placeholder('userId')))
    .prepare(),
);

/**
 * Refreshes the App Home of those who see this incident there: its reporter, IRM and head of
 * department, whoever owes or owed a step on it, and the team members who use Home. Only people who have opened Home get one, and
 * at most one waits per person however many changes come.
 */
export function refreshHomes(
  tx: Tx,
  incident: { reporterId: string; irmId: string | null; hodId: string | null },
  at: Date,
  /** Others whose Home changed with it: those asked for, or relieved of, a step. */
  others: Iterable<string> = [],
): void {
  const involved = [incident.reporterId, incident.irmId, incident.hodId, ...others].filter((u): u is string =>
    Boolean(u),
  );
  const viewers = homeViewers(tx).all({ involved: JSON.stringify(involved) });
  for (const { userId } of viewers) queueHomeRefresh(tx, userId, at);
}

/** One App Home refresh for a person who has opened Home; at most one waits per person. */
export function queueHomeRefresh(tx: Tx, userId: string, at: Date): void {
  enqueue(tx, { kind: 'home', incidentId: null, userId }, at, homeKey(userId));
}

/** Refreshes the App Home of one person, if they have ever opened it. */
export function refreshHome(tx: Tx, userId: string, at: Date): boolean {
  const seen = homeViewer(tx).get({ userId });
  if (seen) queueHomeRefresh(tx, userId, at);
  return Boolean(seen);
}
