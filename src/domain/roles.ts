import type { Incident } from '../../db/schema';
import type { Config } from '../config';

export type Role = 'siro' | 'cio' | 'md' | 'iao' | 'hod' | 'security';

/** Who is acting, with the roles they hold organisation-wide (not yet about a given incident). */
export interface Actor {
  id: string;
  roles: ReadonlySet<Role>;
}

export const SYSTEM_ACTOR: Actor = { id: 'vigil', roles: new Set() };

export function actorFor(config: Config, userId: string, inSecurityChannel: boolean): Actor {
  const roles = new Set<Role>();
  if (config.roles.siro.includes(userId)) roles.add('siro');
  if (config.roles.cio.includes(userId)) roles.add('cio');
  if (config.roles.md.includes(userId)) roles.add('md');
  if (config.roles.iao.includes(userId)) roles.add('iao');
  if (config.departments.some((d) => d.headId === userId)) roles.add('hod');
  if (inSecurityChannel) roles.add('security');
  return { id: userId, roles };
}

/** Whether the configuration names this person for a role (SIRO, CIO, MD, IAO, a head of department). */
export const isRoleHolder = (config: Config, userId: string): boolean =>
  actorFor(config, userId, false).roles.size > 0;

/** Relations a person has to one incident, which widen what they may do with it. */
export function relationsTo(actor: Actor, incident: Incident) {
  return {
    reporter: incident.reporterId === actor.id,
    irm: incident.irmId === actor.id,
    hod: incident.hodId === actor.id,
  };
}
