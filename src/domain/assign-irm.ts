import { loadForChange, type RecordResult, recordChange, type Target } from './change';
import type { DomainContext } from './context';
import { InvalidTransition } from './errors';
import { assertOpen } from './lifecycle';
import { assertCan } from './permissions';
import type { Actor } from './roles';
import { writeTransaction } from './tx';

/** Seed 000: the reporter's head of department is the default IRM; anyone allowed may reassign. */
export function assignIrm(ctx: DomainContext, actor: Actor, target: Target, irmId: string): RecordResult {
  return writeTransaction(ctx.db, (tx) => {
    const loaded = loadForChange(tx, target);
    if (loaded.duplicate) return { incident: loaded.incident, applied: false };
    const { incident } = loaded;
    assertCan(ctx.config, actor, 'assign_irm', incident, 'assign the Incident Response Manager');
    assertOpen(incident, 'reassign it');
    if (!/^[UW][A-Z0-9]+$/.test(irmId)) throw new InvalidTransition('Please choose a person.');
    if (incident.irmId === irmId) return { incident, applied: false };
    const now = ctx.clock.now();
    const result = recordChange(tx, incident, {
      actor,
      at: now,
      type: 'irm_assigned',
      patch: { irmId },
      before: { irmId: incident.irmId },
      after: { irmId },
      summary: `<@${actor.id}> made <@${irmId}> the Incident Response Manager.`,
      deliveries: [{ kind: 'dm', incidentId: incident.id, userId: irmId, template: 'irm_assigned' }],
      ...(target.requestKey ? { requestKey: target.requestKey } : {}),
    });
    return { incident: result.incident, applied: true };
  });
}
