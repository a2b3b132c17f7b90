import { dutyMessage } from '../../blocks/duty-message';
import type { EventFacts } from '../../blocks/event-words';
import { reminderDigest } from '../../blocks/reminder-digest';
import type { SlackMessage } from '../../blocks/reporter-receipt';
import type { Db } from '../../db/client';
import { findIncidentById } from '../../db/find-incident';
import { inList, prepared } from '../../db/prepared';
import { type DutyMessage, incidentEvents, type MessageDuty } from '../../db/schema';
import { messageUrl } from '../domain/links';
import type { ReminderItem } from '../domain/reminders';
import { dutyView } from './duty-model';

export interface DutyRenderContext {
  db: Db;
  now: Date;
  orgTimeZone: string;
  /** For a link to the card in a DM: only those who can open the security channel get one. */
  workspaceUrl: string | null;
  isSecurityTeam: (userId: string) => Promise<boolean>;
}

const eventsById = prepared((db) =>
  db.select().from(incidentEvents).where(inList(incidentEvents.id, 'ids')).prepare(),
);

function settledFacts(db: Db, duties: MessageDuty[]): Map<string, EventFacts> {
  const ids = duties.flatMap((d) => (d.settledEventId === null ? [] : [d.settledEventId]));
  if (ids.length === 0) return new Map();
  const events = new Map(
    eventsById(db)
      .all({ ids: JSON.stringify(ids) })
      .map((e): [number, EventFacts] => [e.id, e]),
  );
  const out = new Map<string, EventFacts>();
  for (const d of duties) {
    const e = d.settledEventId === null ? undefined : events.get(d.settledEventId);
    if (e) out.set(d.duty, e);
  }
  return out;
}

/**
 * A duty message as it should read now, or null when there is nothing to post: every step it
 * asks for was settled before it ever went out (news of a step already taken is only noise).
 */
export async function renderDutyMessage(
  ctx: DutyRenderContext,
  message: DutyMessage,
  duties: MessageDuty[],
): Promise<SlackMessage | null> {
  const allSettled = duties.length > 0 && duties.every((d) => d.settledAt !== null);
  if (message.ts === null && allSettled) return null;
  if (message.kind === 'digest') {
    const payload = message.payload ?? {};
    const items = (Array.isArray(payload.items) ? payload.items : []) as ReminderItem[];
    const more = typeof payload.more === 'number' ? payload.more : 0;
    return reminderDigest(items, more, settledFacts(ctx.db, duties), message.userId);
  }
  const [duty] = duties;
  if (!duty) return null;
  const incident = findIncidentById(ctx.db, duty.incidentId);
  if (!incident) throw new Error(`incident ${duty.incidentId} not found`);
  const linked =
    message.kind === 'dm' &&
    message.userId !== null &&
    ctx.workspaceUrl !== null &&
    incident.cardChannelId !== null &&
    incident.cardTs !== null &&
    (await ctx.isSecurityTeam(message.userId));
  const view = dutyView(ctx.db, duty, message.kind === 'dm' ? message.userId : null, {
    orgTimeZone: ctx.orgTimeZone,
    now: ctx.now,
    incident,
    cardUrl:
      linked && ctx.workspaceUrl && incident.cardChannelId && incident.cardTs
        ? messageUrl(ctx.workspaceUrl, incident.cardChannelId, incident.cardTs)
        : null,
  });
  return view ? dutyMessage(view) : null;
}
