import { preparedSql } from '../../db/prepared';
import type { Incident } from '../../db/schema';
import type { Config } from '../config';
import { can } from './permissions';
import type { Actor } from './roles';
import type { Tx } from './tx';

/**
 * What a refusal says to someone who may not know the incident exists: the same words as for one
 * that does not, so a forged form or click walking incident ids learns nothing, not even which
 * references there are.
 */
export const NOT_YOURS = 'You cannot act on that incident, or it does not exist.';

const toldOf = preparedSql<[{ incidentId: number; userId: string }], { told: number }>(`SELECT EXISTS (
    SELECT 1 FROM actions a WHERE a.incident_id = @incidentId
      AND (a.owner_id = @userId OR EXISTS (SELECT 1 FROM json_each(coalesce(a.owner_members, '[]')) m WHERE m.value = @userId))
    UNION ALL
    SELECT 1 FROM message_duties d WHERE d.incident_id = @incidentId AND d.owner_id = @userId
  ) AS told`);

/**
 * Whether `actor` has been told of this incident: they work it (the card's people, a restricted
 * record's insiders), reported it, are its IRM, head of department or named asset owner, own one of
 * its actions, or were asked for one of its steps. Everyone else may not see its reference.
 */
export function knowsOf(
  tx: Tx,
  config: Pick<Config, 'triageRoles'>,
  actor: Actor,
  incident: Incident,
): boolean {
  if (can(config, actor, 'use_card', incident)) return true;
  const named = [incident.reporterId, incident.irmId, incident.hodId, incident.assetOwnerId];
  if (named.includes(actor.id) || (incident.accessIds ?? []).includes(actor.id)) return true;
  return toldOf(tx).get({ incidentId: incident.id, userId: actor.id })?.told === 1;
}
