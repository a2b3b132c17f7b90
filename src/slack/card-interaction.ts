import type { RespondFn } from '@slack/bolt';
import { parseCardBlockId } from '../../blocks/card-ids';
import { findIncidentById } from '../../db/find-incident';
import type { Incident } from '../../db/schema';
import type { Target } from '../domain/change';
import { enqueue } from '../domain/deliveries';
import { DomainError, Stale } from '../domain/errors';
import { type Capability, can, whoMay } from '../domain/permissions';
import { type Actor, actorFor } from '../domain/roles';
import type { ListenerDeps } from './deps';

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
    `Only ${whoMay(deps.config, capability)} may do that on ${incident.reference}.`,
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
    await refuse(deps, respond, userId, err.message, `${what} on incident ${target.incidentId}`);
  }
}

export interface CardClick {
  ack: () => Promise<void>;
  body: { user: { id: string }; trigger_id: string; container?: unknown };
  action: { block_id: string };
  respond?: RespondFn;
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
 * Parses which incident a card control belongs to. A control from an unknown card is refused, and
 * so is one whose block id names another incident than the card it was clicked on: the block id
 * is the client's word, the card's channel and timestamp are stored with the incident.
 */
export async function clickedIncident(
  deps: ListenerDeps,
  click: CardClick,
): Promise<{ incident: Incident; version: number } | undefined> {
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
  if (!message || message.channel !== incident.cardChannelId || message.ts !== incident.cardTs) {
    await refuse(
      deps,
      click.respond,
      click.body.user.id,
      'That control does not belong to the card it was clicked on; nothing was changed.',
      `control of ${incident.reference} clicked elsewhere`,
    );
    return undefined;
  }
  return { incident, version: ids.version };
}
