import type { Incident } from '../../db/schema';
import { appendEvent } from './audit';
import { applyChange, type RecordResult, type Target } from './change';
import type { DomainContext } from './context';
import { type Delivery, enqueue } from './deliveries';
import { assertOpen } from './lifecycle';
import { assertCan } from './permissions';
import type { Actor } from './roles';
import type { Tx } from './tx';

/** Seed 003 §5.6: the SIRO and the Managing Director hear of it. */
function escalationDms(ctx: DomainContext, incident: Incident): Extract<Delivery, { kind: 'dm' }>[] {
  const people = [...new Set([...ctx.config.roles.siro, ...ctx.config.roles.md])];
  return people.map(
    (userId) => ({ kind: 'dm', incidentId: incident.id, userId, template: 'escalation' }) as const,
  );
}

export function escalateIncident(ctx: DomainContext, actor: Actor, target: Target): RecordResult {
  return applyChange(ctx, target, (_tx, incident, now) => {
    assertCan(ctx.config, actor, 'escalate', incident, 'escalate');
    assertOpen(incident, 'escalate it');
    const again = incident.escalatedAt !== null;
    return {
      actor,
      type: 'escalated',
      patch: { escalatedAt: now },
      before: { escalatedAt: incident.escalatedAt?.toISOString() ?? null },
      after: { escalatedAt: now.toISOString() },
      summary: `<@${actor.id}> ${again ? 're-escalated' : 'escalated'} this to the SIRO and the Managing Director.`,
      deliveries: escalationDms(ctx, incident),
    };
  });
}

/** At report time, when customers or staff may be affected: no one has to remember to escalate. */
export function escalateOnReport(ctx: DomainContext, tx: Tx, incident: Incident, at: Date): void {
  const event = appendEvent(tx, {
    incidentId: incident.id,
    at,
    actorId: 'vigil',
    type: 'escalated',
    after: { escalatedAt: at.toISOString(), automatic: true },
    summary:
      'Escalated automatically to the SIRO and the Managing Director: the report says customers or staff may be affected.',
  });
  enqueue(tx, { kind: 'thread_line', incidentId: incident.id, eventId: event.id }, at);
  for (const dm of escalationDms(ctx, incident))
    enqueue(tx, { ...dm, automatic: true }, at, `escalation:${event.id}:${dm.userId}`);
}
