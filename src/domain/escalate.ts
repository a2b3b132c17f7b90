import type { Incident } from '../../db/schema';
import { appendEvent, lastActor } from './audit';
import { applyChange, type RecordResult, staleFor, type Target } from './change';
import type { DomainContext } from './context';
import { enqueue } from './deliveries';
import { Stale } from './errors';
import { assertOpen } from './lifecycle';
import { assertCan } from './permissions';
import type { Actor } from './roles';
import type { Tx } from './tx';

/** A click on Escalate this soon after an escalation is the same intent, not a new one. */
const JUST_NOW_MS = 2 * 60_000;

export function escalateIncident(ctx: DomainContext, actor: Actor, target: Target): RecordResult {
  // The version is checked here rather than by applyChange: a second click on the same card
  // (a double click, or two people at once) learns it was escalated just now, not that the card moved.
  return applyChange(ctx, { ...target, version: undefined }, (tx, incident, now) => {
    assertCan(ctx.config, actor, 'escalate', incident, 'escalate');
    assertOpen(incident, 'escalate it');
    if (target.version !== undefined && target.version !== incident.version) {
      const last = incident.escalatedAt;
      if (last && now.getTime() - last.getTime() < JUST_NOW_MS) {
        const by = lastActor(tx, incident.id, ['escalated']);
        throw new Stale(
          `${incident.reference} was already escalated just now${by && by !== 'vigil' ? ` by <@${by}>` : ''}: the SIRO and the Managing Director have been told. The card now shows it.`,
        );
      }
      throw staleFor(incident);
    }
    const again = incident.escalatedAt !== null;
    return {
      actor,
      type: 'escalated',
      patch: { escalatedAt: now },
      before: { escalatedAt: incident.escalatedAt?.toISOString() ?? null },
      after: { escalatedAt: now.toISOString() },
      // The SIRO and the Managing Director are told by the escalation's duty (duties.ts).
      summary: `<@${actor.id}> ${again ? 're-escalated' : 'escalated'} this to the SIRO and the Managing Director.`,
    };
  });
}

/**
 * Seed 003 §5.6, when the report or the triage says customers or staff may be affected: no one has
 * to remember to escalate. Recorded as its own event (actor `vigil`), after the change that set it off.
 */
export function escalateAutomatically(tx: Tx, incident: Incident, at: Date, because: string): void {
  const event = appendEvent(tx, {
    incidentId: incident.id,
    at,
    actorId: 'vigil',
    type: 'escalated',
    before: { escalatedAt: null },
    after: { escalatedAt: at.toISOString(), automatic: true },
    summary: `Escalated automatically to the SIRO and the Managing Director: ${because}.`,
  });
  enqueue(tx, { kind: 'thread_line', incidentId: incident.id, eventId: event.id }, at);
}
