import { and, desc, eq, or, sql } from 'drizzle-orm';
import type { DutyView } from '../../blocks/duty-message';
import type { EventFacts } from '../../blocks/event-words';
import type { Db } from '../../db/client';
import { findIncidentById } from '../../db/find-incident';
import { inList, prepared } from '../../db/prepared';
import {
  actions,
  type DutyMessage,
  dutyMessages,
  type Incident,
  incidentEvents,
  type MessageDuty,
  messageDuties,
  notifications,
  reviews,
} from '../../db/schema';
import type { DutyKind } from '../domain/duties';
import { latestReview, pendingReview } from '../domain/reviews';

const KINDS: readonly DutyKind[] = [
  'triage',
  'follow',
  'resolve',
  'analysis',
  'analysis_review',
  'learning',
  'closure_request',
  'peer_review',
  'closure_approval',
  'action',
  'notify',
  'escalation',
  'plan',
  'prevention',
  'access',
];

/** `action:40` → the kind and the id it names. */
export function parseDutyKey(key: string): { kind: DutyKind; id: number } | null {
  const [kind, id] = key.split(':');
  const found = KINDS.find((k) => k === kind);
  return found && id ? { kind: found, id: Number(id) } : null;
}

const messageById = prepared((db) =>
  db
    .select()
    .from(dutyMessages)
    .where(eq(dutyMessages.id, sql.placeholder('id')))
    .prepare(),
);
const dutiesOfMessage = prepared((db) =>
  db
    .select()
    .from(messageDuties)
    .where(eq(messageDuties.messageId, sql.placeholder('id')))
    .prepare(),
);
const eventRow = prepared((db) =>
  db
    .select()
    .from(incidentEvents)
    .where(eq(incidentEvents.id, sql.placeholder('id')))
    .prepare(),
);
const latestEventOf = prepared((db) =>
  db
    .select()
    .from(incidentEvents)
    .where(
      and(eq(incidentEvents.incidentId, sql.placeholder('incidentId')), inList(incidentEvents.type, 'types')),
    )
    .orderBy(desc(incidentEvents.id))
    .limit(1)
    .prepare(),
);
const latestActionEvent = prepared((db) =>
  db
    .select()
    .from(incidentEvents)
    .where(
      and(
        eq(incidentEvents.incidentId, sql.placeholder('incidentId')),
        sql`json_extract(${incidentEvents.after}, '$.actionId') = ${sql.placeholder('actionId')}`,
      ),
    )
    .orderBy(desc(incidentEvents.id))
    .limit(1)
    .prepare(),
);
const actionById = prepared((db) =>
  db
    .select()
    .from(actions)
    .where(eq(actions.id, sql.placeholder('id')))
    .prepare(),
);
const notificationById = prepared((db) =>
  db
    .select()
    .from(notifications)
    .where(eq(notifications.id, sql.placeholder('id')))
    .prepare(),
);
const reviewById = prepared((db) =>
  db
    .select()
    .from(reviews)
    .where(eq(reviews.id, sql.placeholder('id')))
    .prepare(),
);
const latestClosureReview = prepared((db) =>
  db
    .select()
    .from(reviews)
    .where(
      and(
        eq(reviews.incidentId, sql.placeholder('incidentId')),
        or(eq(reviews.type, 'peer_review'), eq(reviews.type, 'closure_approval')),
      ),
    )
    .orderBy(desc(reviews.id))
    .limit(1)
    .prepare(),
);

export function loadDutyMessage(
  db: Db,
  messageId: number,
): { message: DutyMessage; duties: MessageDuty[] } | null {
  const message = messageById(db).get({ id: messageId });
  if (!message) return null;
  const duties = dutiesOfMessage(db).all({ id: messageId });
  return { message, duties };
}

/** An audit event by id: its facts are what words about it are drawn from. */
export function eventById(db: Db, id: number | null): EventFacts | undefined {
  return id === null ? undefined : eventRow(db).get({ id });
}

/** The latest of these events on the incident, as facts. */
function latestEvent(db: Db, incidentId: number, types: string[]): EventFacts | undefined {
  return latestEventOf(db).get({ incidentId, types: JSON.stringify(types) });
}

/**
 * Everything one step's message shows, read from the register as it is now (a message drawn late
 * after an outage shows the incident as it then is), with what settled it if it is settled.
 */
export function dutyView(
  db: Db,
  duty: MessageDuty,
  recipient: string | null,
  opts: { orgTimeZone: string; now: Date; cardUrl: string | null; incident?: Incident },
): DutyView | null {
  const parsed = parseDutyKey(duty.duty);
  const incident = opts.incident ?? findIncidentById(db, duty.incidentId);
  if (!parsed || !incident) return null;
  const view: DutyView = {
    kind: parsed.kind,
    state: duty.state,
    recipient,
    incident,
    orgTimeZone: opts.orgTimeZone,
    now: opts.now,
    cardUrl: opts.cardUrl,
  };
  const settled = eventById(db, duty.settledEventId);
  if (settled) view.settled = settled;
  switch (parsed.kind) {
    case 'action': {
      const action = actionById(db).get({ id: parsed.id });
      if (action) view.action = action;
      // Asked again because a proposal not to do it was turned down: the owner hears by whom.
      const last = latestActionEvent(db).get({ incidentId: incident.id, actionId: parsed.id });
      if (last?.type === 'action_kept_open') view.cause = last;
      break;
    }
    case 'notify': {
      const n = notificationById(db).get({ id: parsed.id });
      if (n) view.notification = n;
      break;
    }
    case 'analysis':
    case 'analysis_review': {
      const analysis = latestReview(db, incident.id, 'causal_analysis');
      if (analysis) view.analysis = analysis;
      break;
    }
    case 'closure_request': {
      const last = latestClosureReview(db).get({ incidentId: incident.id });
      if (last?.decision === 'returned') view.sentBack = last;
      break;
    }
    case 'peer_review': {
      const request =
        pendingReview(db, incident.id, 'peer_review') ?? latestReview(db, incident.id, 'peer_review');
      if (request) view.closureRequest = request;
      break;
    }
    case 'closure_approval': {
      const approval = latestReview(db, incident.id, 'closure_approval');
      const peerId = Number(approval?.content.peerReviewId);
      const peer = Number.isInteger(peerId) ? reviewById(db).get({ id: peerId }) : undefined;
      if (peer) view.peerReview = peer;
      break;
    }
    case 'resolve': {
      const cause = latestEvent(db, incident.id, ['reopened', 'triaged', 'retriaged']);
      if (cause?.type === 'reopened') view.cause = cause;
      break;
    }
    case 'escalation': {
      const cause = latestEvent(db, incident.id, ['escalated']);
      if (cause) view.cause = cause;
      break;
    }
    default:
      break;
  }
  return view;
}
