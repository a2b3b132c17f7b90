import { z } from 'zod';
import { applyChange, type RecordResult, type Target } from './change';
import type { DomainContext } from './context';
import { InvalidTransition } from './errors';
import { SLACK_USER_ID } from './people-ids';
import { assertCan } from './permissions';
import type { Actor } from './roles';

export const accessSchema = z.object({
  accessIds: z
    .array(z.string().regex(SLACK_USER_ID, 'Please choose people.'))
    .max(50, 'Please choose at most 50 people.')
    .nullish()
    .transform((v) => v ?? []),
});
export type AccessInput = z.output<typeof accessSchema>;

/**
 * The SIRO chooses who, besides the SIROs, sees and works a restricted record: audited (before
 * and after), and each person added is told they may now see it (their steps are asked for as usual).
 */
export function setAccess(
  ctx: DomainContext,
  actor: Actor,
  target: Target,
  input: AccessInput,
): RecordResult {
  return applyChange(ctx, { ...target, version: undefined }, (_tx, incident) => {
    assertCan(ctx.config, actor, 'manage_access', incident, 'choose who may see it');
    if (!incident.restricted)
      throw new InvalidTransition(`${incident.reference} is not restricted: the security team sees it.`);
    const before = incident.accessIds ?? [];
    const after = [...new Set(input.accessIds)].filter((id) => !ctx.config.roles.siro.includes(id));
    const added = after.filter((id) => !before.includes(id));
    const removed = before.filter((id) => !after.includes(id));
    if (added.length === 0 && removed.length === 0) return null;
    const names = (ids: string[]) => ids.map((id) => `<@${id}>`).join(', ');
    return {
      actor,
      type: 'access_changed',
      patch: { accessIds: after },
      before: { accessIds: before },
      after: { accessIds: after },
      summary: `<@${actor.id}> changed who may see this restricted record${added.length > 0 ? `; added ${names(added)}` : ''}${removed.length > 0 ? `; removed ${names(removed)}` : ''}.`,
      deliveries: added
        .filter((id) => id !== actor.id)
        .map((userId) => ({
          kind: 'dm' as const,
          incidentId: incident.id,
          userId,
          template: 'access_granted' as const,
        })),
    };
  });
}
