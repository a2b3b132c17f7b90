import type { RespondFn } from '@slack/bolt';
import { and, eq, sql } from 'drizzle-orm';
import { parseCardBlockId, parseDutyBlockId } from '../../blocks/card-ids';
import { eventClause } from '../../blocks/event-words';
import { slackDate } from '../../blocks/text';
import { findIncidentById } from '../../db/find-incident';
import { prepared } from '../../db/prepared';
import { dutyMessages, homeViews, type Incident, incidents, messageDuties } from '../../db/schema';
import type { Target } from '../domain/change';
import { enqueue } from '../domain/deliveries';
import { DomainError, Stale } from '../domain/errors';
import { knowsOf, NOT_YOURS } from '../domain/knows-of';
import { type Capability, can, whoMayOn } from '../domain/permissions';
import { type Actor, actorFor } from '../domain/roles';
import { eventById } from '../services/duty-model';
import type { ListenerDeps } from './deps';

const incidentWithCard = prepared((db) =>
  db
    .select({ id: incidents.id })
    .from(incidents)
    .where(
      and(
        eq(incidents.cardChannelId, sql.placeholder('channel')),
        eq(incidents.cardTs, sql.placeholder('ts')),
      ),
    )
    .prepare(),
);

const homeViewOf = prepared((db) =>
  db
    .select({ viewId: homeViews.viewId })
    .from(homeViews)
    .where(eq(homeViews.userId, sql.placeholder('userId')))
    .prepare(),
);

const dutyMessageAt = prepared((db) =>
  db
    .select()
    .from(dutyMessages)
    .where(
      and(eq(dutyMessages.channelId, sql.placeholder('channel')), eq(dutyMessages.ts, sql.placeholder('ts'))),
    )
    .prepare(),
);

const stepsOf = prepared((db) =>
  db
    .select()
    .from(messageDuties)
    .where(
      and(
        eq(messageDuties.messageId, sql.placeholder('messageId')),
        eq(messageDuties.incidentId, sql.placeholder('incidentId')),
      ),
    )
    .prepare(),
);

export async function resolveActor(deps: ListenerDeps, userId: string): Promise<Actor> {
  return actorFor(deps.config, userId, await deps.securityTeam.has(userId));
}

export function findIncident(deps: ListenerDeps, incidentId: number): Incident | undefined {
  return findIncidentById(deps.db, incidentId);
}

/** Queues a redraw of the card, so whoever acted on an old copy sees the current state. */
export function refreshCard(deps: ListenerDeps, incidentId: number): void {
  enqueue(deps.db, { kind: 'update_card', incidentId }, deps.clock.now());
  deps.outbox.kick();
}

/**
 * A refusal's words for this person: NOT_YOURS, saying nothing of the incident, when they may not
 * know it exists (a forged form or click); the domain's own words otherwise.
 */
export function refusalFor(deps: ListenerDeps, actor: Actor, incidentId: number, message: string): string {
  const incident = findIncident(deps, incidentId);
  return incident && knowsOf(deps.db, deps.config, actor, incident) ? message : NOT_YOURS;
}

/**
 * A click acknowledged only once what it changes is stored (a process killed just after the
 * acknowledgement loses nothing), or before the first answer to it, whichever comes first.
 */
export function ackOnce<A extends { ack: () => Promise<void>; respond?: RespondFn }>(
  args: A,
): A & { acked: () => Promise<void> } {
  let done: Promise<void> | undefined;
  const ack = () => {
    done ??= args.ack();
    return done;
  };
  const respond = args.respond;
  return {
    ...args,
    ack,
    acked: ack,
    ...(respond
      ? {
          respond: (async (message: Parameters<RespondFn>[0]) => {
            await ack();
            return respond(message);
          }) as RespondFn,
        }
      : {}),
  };
}

/** A refusal goes only to the person who tried (PRODUCT.md Privacy), and is logged without details. */
export async function refuse(
  deps: ListenerDeps,
  respond: RespondFn | undefined,
  userId: string,
  text: string,
  what: string,
) {
  deps.logger.info(`refused ${what} for ${userId}`);
  await respond?.({ response_type: 'ephemeral', replace_original: false, text });
}

/**
 * Checks before a form opens that the person may do this at all, so nobody fills a form only to
 * be refused; the domain checks again when the form comes back.
 */
export async function mayOpen(
  deps: ListenerDeps,
  respond: RespondFn | undefined,
  userId: string,
  incident: Incident,
  capability: Capability,
): Promise<boolean> {
  const actor = await resolveActor(deps, userId);
  if (can(deps.config, actor, capability, incident)) return true;
  await refuse(
    deps,
    respond,
    userId,
    `Only ${whoMayOn(deps.config, capability, incident)} may do that on ${incident.reference}.`,
    `${capability} on ${incident.reference}`,
  );
  return false;
}

/**
 * Runs a change from a card control; a refusal is explained to the clicker alone. A stale click
 * redraws the card; so does any refused select or menu (`redrawOnRefusal`), or the clicker's copy
 * would go on showing the choice that was refused.
 */
export async function runCardChange(
  deps: ListenerDeps,
  respond: RespondFn | undefined,
  userId: string,
  target: Pick<Target, 'incidentId'>,
  what: string,
  change: (actor: Actor) => { applied: boolean },
  opts: { redrawOnRefusal?: boolean } = {},
): Promise<void> {
  const actor = await resolveActor(deps, userId);
  try {
    change(actor);
    deps.outbox.kick();
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    if (err instanceof Stale || opts.redrawOnRefusal) refreshCard(deps, target.incidentId);
    await refuse(
      deps,
      respond,
      userId,
      refusalFor(deps, actor, target.incidentId, err.message),
      `${what} on incident ${target.incidentId}`,
    );
  }
}

export interface CardClick {
  ack: () => Promise<void>;
  body: { user: { id: string }; trigger_id: string; container?: unknown; message?: unknown; view?: unknown };
  action: { block_id: string };
  respond?: RespondFn;
}

/** Where a control was clicked: the card (with the version it showed), or a message or Home asking a step. */
export interface Clicked {
  incident: Incident;
  /** The card's version for a card control; the current one elsewhere (the step's own state guards it). */
  version: number;
  surface: 'card' | 'elsewhere';
}

/** The message a control was clicked on, as Slack says (`container`); undefined for anything else. */
function clickedMessage(container: unknown): { channel: string; ts: string } | undefined {
  if (typeof container !== 'object' || container === null) return undefined;
  const c = container as Record<string, unknown>;
  return c.type === 'message' && typeof c.channel_id === 'string' && typeof c.message_ts === 'string'
    ? { channel: c.channel_id, ts: c.message_ts }
    : undefined;
}

/**
 * An earlier copy of this incident's card: Slack took a post whose answer was lost, so the card
 * was posted again and only the newer ts is stored (README "At least once"). Its buttons still
 * act on the incident. It is recognised by Slack's account of the clicked message: one the bot
 * posted at the top of the card's channel, no incident's current card, whose controls all name
 * this incident, the clicked one among them. A thread line, another incident's card or a message
 * carrying no such controls is not one.
 */
function isEarlierCopy(
  deps: ListenerDeps,
  incident: Incident,
  click: CardClick,
  clicked: { channel: string; ts: string },
): boolean {
  // Before any answer arrived nothing is stored, yet the copy Slack took is in the security channel.
  if (clicked.channel !== (incident.cardChannelId ?? deps.config.securityChannelId)) return false;
  const m = click.body.message;
  if (typeof m !== 'object' || m === null) return false;
  const message = m as Record<string, unknown>;
  if (message.ts !== clicked.ts || message.user !== deps.botUserId) return false;
  if (message.thread_ts !== undefined && message.thread_ts !== clicked.ts) return false;
  const blockIds = (Array.isArray(message.blocks) ? (message.blocks as unknown[]) : []).flatMap((b) => {
    const id = typeof b === 'object' && b !== null ? (b as Record<string, unknown>).block_id : undefined;
    return typeof id === 'string' && parseCardBlockId(id) ? [id] : [];
  });
  if (!blockIds.includes(click.action.block_id)) return false;
  if (blockIds.some((id) => parseCardBlockId(id)?.incidentId !== incident.id)) return false;
  const current = incidentWithCard(deps.db).get({ channel: clicked.channel, ts: clicked.ts });
  return current === undefined;
}

/**
 * Parses which incident a card control belongs to. A control from an unknown card is refused, and
 * so is one whose block id names another incident than the card it was clicked on: the block id
 * is the client's word, the card's channel and timestamp are stored with the incident (or the
 * message is an earlier copy of its card, see isEarlierCopy).
 */
export async function clickedIncident(deps: ListenerDeps, click: CardClick): Promise<Clicked | undefined> {
  if (parseDutyBlockId(click.action.block_id)) return clickedElsewhere(deps, click);
  const ids = parseCardBlockId(click.action.block_id);
  const incident = ids ? findIncident(deps, ids.incidentId) : undefined;
  if (!ids || !incident) {
    await refuse(
      deps,
      click.respond,
      click.body.user.id,
      'That incident no longer exists in the register.',
      'unknown card',
    );
    return undefined;
  }
  const message = clickedMessage(click.body.container);
  const onCard = message?.channel === incident.cardChannelId && message.ts === incident.cardTs;
  if (!message || (!onCard && !isEarlierCopy(deps, incident, click, message))) {
    await refuse(
      deps,
      click.respond,
      click.body.user.id,
      'That control does not belong to the card it was clicked on; nothing was changed.',
      `control of ${incident.reference} clicked elsewhere`,
    );
    return undefined;
  }
  if (!onCard) deps.logger.info(`${incident.reference}: control clicked on an earlier copy of its card`);
  return { incident, version: ids.version, surface: 'card' };
}

/** The Home view a click came from, as Slack says (`container` and `view`). */
function clickedHome(click: CardClick): string | undefined {
  const c = click.body.container as Record<string, unknown> | undefined;
  const v = click.body.view as Record<string, unknown> | undefined;
  return c?.type === 'view' && v?.type === 'home' && typeof v.id === 'string' && v.id === c.view_id
    ? v.id
    : undefined;
}

/**
 * A control outside the card: on a message Vigil posted to ask for a step (the clicker's own DM or
 * reminder, or a post in the card's thread) about this incident, or in the clicker's own App Home.
 * Slack shows each of these only to whom it is for; the stored record of the message (or of the
 * person's Home) is checked anyway, since the block id is the client's word. A click on a step
 * already taken is answered with who took it and when.
 */
async function clickedElsewhere(deps: ListenerDeps, click: CardClick): Promise<Clicked | undefined> {
  const userId = click.body.user.id;
  const ids = parseDutyBlockId(click.action.block_id);
  const incident = ids ? findIncident(deps, ids.incidentId) : undefined;
  if (!ids || !incident) {
    await refuse(
      deps,
      click.respond,
      userId,
      'That incident no longer exists in the register.',
      'unknown step',
    );
    return undefined;
  }
  const elsewhere = async () => {
    await refuse(
      deps,
      click.respond,
      userId,
      'That control does not belong to the message it was clicked on; nothing was changed.',
      `control of ${incident.reference} clicked elsewhere`,
    );
    return undefined;
  };
  const message = clickedMessage(click.body.container);
  if (!message) {
    const home = clickedHome(click);
    const stored = homeViewOf(deps.db).get({ userId });
    if (!home || stored?.viewId !== home) return elsewhere();
    return { incident, version: incident.version, surface: 'elsewhere' };
  }
  const posted = dutyMessageAt(deps.db).get({ channel: message.channel, ts: message.ts });
  if (!posted || (posted.kind !== 'thread' && posted.userId !== userId)) return elsewhere();
  const steps = stepsOf(deps.db).all({ messageId: posted.id, incidentId: incident.id });
  // A reminder lists several steps: the one clicked is its item's.
  const item = /^r(\d+)$/.exec(ids.slot);
  const items = (posted.payload?.items ?? []) as { step?: { duty?: string } }[];
  const clicked =
    posted.kind === 'digest' && item
      ? steps.filter((d) => d.duty === items[Number(item[1])]?.step?.duty)
      : steps;
  if (clicked.length === 0) return elsewhere();
  const settled = clicked.find((d) => d.settledEventId !== null);
  if (clicked.every((d) => d.settledAt !== null) && settled?.settledEventId) {
    const event = eventById(deps.db, settled.settledEventId);
    await refuse(
      deps,
      click.respond,
      userId,
      `Nothing to do here any more: ${event ? eventClause(event, userId) : 'it was settled'}${event ? `, ${slackDate(event.at, deps.config.orgTimeZone)}` : ''}.`,
      `settled step on ${incident.reference}`,
    );
    return undefined;
  }
  return { incident, version: incident.version, surface: 'elsewhere' };
}
