import { and, eq, isNull, sql } from 'drizzle-orm';
import { prepared, storedValues } from '../../db/prepared';
import { type DutyMessage, dutyMessages, type Incident, messageDuties } from '../../db/schema';
import type { Config } from '../config';
import { enqueue } from './deliveries';
import { type Duty, dutiesOf } from './duties';
import type { Tx } from './tx';

/** The change after which the duties were looked at again: it settles what it made moot. */
export interface DutyCause {
  eventId: number;
  actorId: string;
  at: Date;
}

/**
 * Queues the drawing of a duty message: its first post, or an edit to show how it stands now. A
 * thread post keeps its place among the card's thread lines (the card's delivery lane).
 */
export function queueDutyMessage(
  tx: Tx,
  incidentId: number | null,
  message: { id: number; kind: DutyMessage['kind'] },
  at: Date,
): void {
  enqueue(
    tx,
    {
      kind: 'duty_message',
      incidentId,
      messageId: message.id,
      ...(message.kind === 'thread' ? { thread: true } : {}),
    },
    at,
  );
}

const insertMessage = prepared((db) =>
  db
    .insert(dutyMessages)
    .values(storedValues(dutyMessages, ['incidentId', 'kind', 'userId', 'createdAt']))
    .returning({ id: dutyMessages.id })
    .prepare(),
);

const insertMessageDuty = prepared((db) =>
  db
    .insert(messageDuties)
    .values(storedValues(messageDuties, ['messageId', 'duty', 'incidentId', 'ownerId', 'state']))
    .prepare(),
);

const openDuties = prepared((db) =>
  db
    .select({
      messageId: messageDuties.messageId,
      duty: messageDuties.duty,
      ownerId: messageDuties.ownerId,
      state: messageDuties.state,
      kind: dutyMessages.kind,
    })
    .from(messageDuties)
    .innerJoin(dutyMessages, eq(dutyMessages.id, messageDuties.messageId))
    .where(and(eq(messageDuties.incidentId, sql.placeholder('incidentId')), isNull(messageDuties.settledAt)))
    .prepare(),
);

const oneDuty = and(
  eq(messageDuties.messageId, sql.placeholder('messageId')),
  eq(messageDuties.duty, sql.placeholder('duty')),
);

const setDutyState = prepared((db) =>
  db
    .update(messageDuties)
    .set(storedValues(messageDuties, ['state']))
    .where(oneDuty)
    .prepare(),
);

const settleDuty = prepared((db) =>
  db
    .update(messageDuties)
    .set(storedValues(messageDuties, ['settledAt', 'settledBy', 'settledEventId']))
    .where(oneDuty)
    .prepare(),
);

function ask(
  tx: Tx,
  duty: Duty,
  message: { kind: 'dm' | 'thread'; userId: string | null },
  at: Date,
  quiet: boolean,
): void {
  const row = insertMessage(tx).get({
    incidentId: duty.incidentId,
    kind: message.kind,
    userId: message.userId,
    createdAt: at,
  });
  if (!row) throw new Error('no duty message was inserted');
  insertMessageDuty(tx).run({
    messageId: row.id,
    duty: duty.key,
    incidentId: duty.incidentId,
    ownerId: message.userId ?? '',
    state: duty.state,
  });
  if (!quiet) queueDutyMessage(tx, duty.incidentId, { id: row.id, kind: message.kind }, at);
}

/**
 * Brings the messages about an incident in line with what is owed after a change, in the change's
 * transaction: a message whose step no longer stands for its owner is settled by this change (and
 * edited to say so, its buttons gone); one whose step moved on is drawn again; and whoever now owes
 * a step they have not been asked for gets a DM (and the team a post in the card's thread).
 */
export function reconcileDuties(
  tx: Tx,
  config: Config,
  incident: Incident,
  cause: DutyCause,
  /** Record what is owed without messaging anyone (catching up a register kept before duties). */
  opts: { quiet?: boolean } = {},
): Set<string> {
  const quiet = opts.quiet === true;
  // Whose App Home lists what they owe differently after this.
  const affected = new Set<string>();
  const duties = new Map(dutiesOf(tx, config, incident).map((d) => [d.key, d]));
  const open = openDuties(tx).all({ incidentId: incident.id });

  const redraw = new Map<number, DutyMessage['kind']>();
  const settled: { messageId: number; duty: string }[] = [];
  const asked = new Set<string>();
  for (const row of open) {
    const duty = duties.get(row.duty);
    // A thread post or a digest item stands while anyone owes the step; a DM while its person does.
    const stands = duty !== undefined && (row.ownerId === '' || duty.owners.includes(row.ownerId));
    if (!stands) {
      if (row.ownerId) affected.add(row.ownerId);
      settled.push({ messageId: row.messageId, duty: row.duty });
      redraw.set(row.messageId, row.kind);
      continue;
    }
    // A digest lists the step as it was when sent; only its settling changes it.
    if (row.kind !== 'digest' && duty.state !== row.state) {
      setDutyState(tx).run({ state: duty.state, messageId: row.messageId, duty: row.duty });
      redraw.set(row.messageId, row.kind);
    }
    if (row.kind === 'dm') asked.add(`${row.duty}|${row.ownerId}`);
    if (row.kind === 'thread') asked.add(`${row.duty}|`);
  }
  for (const s of settled)
    settleDuty(tx).run({
      settledAt: cause.at,
      settledBy: cause.actorId,
      settledEventId: cause.eventId,
      messageId: s.messageId,
      duty: s.duty,
    });
  if (!quiet) for (const [id, kind] of redraw) queueDutyMessage(tx, incident.id, { id, kind }, cause.at);

  for (const duty of duties.values()) {
    for (const owner of duty.owners) {
      if (asked.has(`${duty.key}|${owner}`)) continue;
      ask(tx, duty, { kind: 'dm', userId: owner }, cause.at, quiet);
      affected.add(owner);
    }
    if (duty.inThread && !asked.has(`${duty.key}|`))
      ask(tx, duty, { kind: 'thread', userId: null }, cause.at, quiet);
  }
  return affected;
}

/**
 * Records a reminder digest as a duty message, one row per item's step, so that each item is
 * marked done (its buttons gone) once its step is settled. Items not tied to a step are shown as
 * sent and never change.
 */
export function recordDigest(
  tx: Tx,
  userId: string,
  payload: Record<string, unknown>,
  items: { duty: string | null; incidentId: number }[],
  at: Date,
): number {
  const row = tx
    .insert(dutyMessages)
    .values({ incidentId: null, kind: 'digest', userId, payload, createdAt: at })
    .returning({ id: dutyMessages.id })
    .get();
  const seen = new Set<string>();
  for (const item of items) {
    if (!item.duty || seen.has(item.duty)) continue;
    seen.add(item.duty);
    tx.insert(messageDuties)
      .values({ messageId: row.id, duty: item.duty, incidentId: item.incidentId, ownerId: '', state: '' })
      .run();
  }
  return row.id;
}
