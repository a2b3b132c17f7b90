import type { Incident } from '../../db/schema';
import type { Config } from '../config';
import type { Duty } from './duties';

/**
 * A restricted report (seed 000 Rep.1, 003 §4.1: it is about someone who would otherwise see it,
 * the reporter's own head or a member of the security team) is seen and worked only by the SIROs
 * and the people they add. Everyone else sees its reference, kind and status, and nothing more.
 */
export type RestrictedFacts = Pick<Incident, 'restricted' | 'accessIds'>;

/** The SIROs and whoever they added: the only people who see a restricted record's details. */
export function insidersOf(config: Pick<Config, 'roles'>, incident: RestrictedFacts): string[] {
  return [...new Set([...config.roles.siro, ...(incident.accessIds ?? [])])];
}

/** Whether `userId` may see the record's details: anyone for an ordinary record, insiders for a restricted one. */
export function seesDetails(
  config: Pick<Config, 'roles'>,
  incident: RestrictedFacts,
  userId: string | null,
): boolean {
  return !incident.restricted || (userId !== null && insidersOf(config, incident).includes(userId));
}

/** What a restricted record is called wherever its title would show to someone who may not see it. */
export const RESTRICTED_TITLE = 'Restricted report';

/**
 * The duties of a restricted record, kept among its insiders: nothing is posted in the card's
 * thread (the security channel may be the people it is about); a step owed by someone outside is
 * asked of the insiders who may take it, or, when none may, of the SIRO, to add someone who can
 * (an `access` duty naming the step), so no step is left without anyone to take it. An action's
 * owner is told of their own action, as for any record.
 */
export function restrictDuties(duties: Duty[], config: Pick<Config, 'roles'>, incident: Incident): Duty[] {
  const inside = new Set(insidersOf(config, incident));
  const out: Duty[] = [];
  for (const d of duties) {
    const owners = d.owners.filter((o) => inside.has(o));
    if (d.kind === 'action' && d.state === 'open') out.push({ ...d, inThread: false });
    else if (owners.length > 0) out.push({ ...d, owners, inThread: false });
    else if (d.kind === 'action') out.push({ ...d, owners: config.roles.siro, inThread: false });
    else if (d.kind !== 'follow' && d.kind !== 'escalation')
      out.push({
        key: `access:${incident.id}:${d.kind}${d.notificationId ? `:${d.notificationId}` : ''}`,
        kind: 'access',
        incidentId: incident.id,
        owners: config.roles.siro,
        inThread: false,
        state: d.kind,
      });
  }
  return out;
}
