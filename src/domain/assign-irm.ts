import { applyChange, type RecordResult, type Target } from './change';
import type { DomainContext } from './context';
import { InvalidTransition } from './errors';
import { assertOpen } from './lifecycle';
import { isSlackUserId } from './people-ids';
import { assertCan } from './permissions';
import type { Actor } from './roles';

/**
 * Seed 000: the reporter's head of department is the default IRM; anyone allowed may reassign, and
 * the Managing Director designates (Responsibilities).
 */
export function assignIrm(ctx: DomainContext, actor: Actor, target: Target, irmId: string): RecordResult {
  return applyChange(ctx, target, (_tx, incident) => {
    assertCan(ctx.config, actor, 'assign_irm', incident, 'assign the Incident Response Manager');
    assertOpen(incident, 'reassign it');
    if (!isSlackUserId(irmId)) throw new InvalidTransition('Please choose a person.');
    if (incident.irmId === irmId) return null;
    // A restricted record's IRM must see it: choosing them is adding them (only insiders may choose).
    const access = incident.accessIds ?? [];
    const adds = incident.restricted && !ctx.config.roles.siro.includes(irmId) && !access.includes(irmId);
    return {
      actor,
      type: 'irm_assigned',
      patch: { irmId, ...(adds ? { accessIds: [...access, irmId] } : {}) },
      before: { irmId: incident.irmId, ...(adds ? { accessIds: access } : {}) },
      after: { irmId, ...(adds ? { accessIds: [...access, irmId] } : {}) },
      summary: `<@${actor.id}> made <@${irmId}> the Incident Response Manager.`,
      // The new IRM is asked for their steps (duties.ts); the one replaced is told, unless they did it.
      deliveries:
        incident.irmId && incident.irmId !== actor.id
          ? [{ kind: 'dm', incidentId: incident.id, userId: incident.irmId, template: 'irm_replaced' }]
          : [],
    };
  });
}
