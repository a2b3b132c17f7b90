import type { Action, Incident } from '../../db/schema';
import type { Config } from '../config';
import { Forbidden } from './errors';
import { type Actor, type Role, relationsTo } from './roles';

export type NotificationKind = 'regulator' | 'police' | 'cert' | 'customers';

export type Capability =
  | 'use_card'
  | 'triage'
  | 'assign_irm'
  | 'escalate'
  | 'post_update'
  | 'add_action'
  | `notify_${NotificationKind}`
  | 'resolve'
  | 'causal_analysis'
  | 'approve_causal_analysis'
  | 'learning_review'
  | 'request_closure'
  | 'peer_review'
  | 'approve_closure'
  | 'reopen'
  | 'update_action'
  /** Seed 003 §4.3: the SIRO agrees the resolution action plan. */
  | 'agree_action_plan'
  /** Who sees and works a restricted record besides the SIROs. */
  | 'manage_access'
  /** Seed 003 §3.6: correct the report's facts, with a reason. */
  | 'correct_facts'
  /** Seed 003 §4.1: ask the reporter for more information. */
  | 'ask_reporter'
  /** Seed 000 Rep.2, ISO 27001 A.5.28: register evidence (the reporter adds to their own report apart). */
  | 'add_evidence';

const ROLE_NAMES: Record<Role, string> = {
  siro: 'the SIRO',
  cio: 'the CIO',
  md: 'the Managing Director / DPO',
  iao: 'the Information Asset Officer',
  hod: 'a head of department',
  security: 'the security team',
};

/** Role holders, the security team, and the incident's own IRM and head of department. */
const TEAM: Role[] = ['security', 'siro', 'cio', 'md', 'iao'];

interface Rule {
  roles: Role[];
  irm?: boolean;
  hod?: boolean;
}

/**
 * The permissions matrix. Seeds: SIRO allocates severity and priority (003 §4.3); police by the
 * IAO or SIRO (§5.9); national CERT by the CIO (§5.8); the regulator is the DPO's duty (PRODUCT).
 */
export function rules(config: Pick<Config, 'triageRoles'>): Record<Capability, Rule> {
  return {
    use_card: { roles: TEAM, irm: true, hod: true },
    triage: { roles: config.triageRoles },
    // Seed 000 Responsibilities: the Managing Director designates the Incident Response Manager.
    assign_irm: { roles: ['siro', 'cio', 'md', 'security'], irm: true },
    escalate: { roles: TEAM, irm: true, hod: true },
    post_update: { roles: TEAM, irm: true, hod: true },
    add_action: { roles: TEAM, irm: true, hod: true },
    notify_regulator: { roles: ['siro', 'md'] },
    notify_police: { roles: ['siro', 'iao'] },
    notify_cert: { roles: ['cio'] },
    notify_customers: { roles: ['siro', 'md'], irm: true },
    // Seed 000 §3–4: the IRM follows it to resolution; the HOD plans the preventive measures and
    // the IRM approves them. Seed 003 §4.3, §5.10–5.11: the SIRO reviews; the CIO approves closure.
    resolve: { roles: ['siro'], irm: true },
    causal_analysis: { roles: [], irm: true, hod: true },
    approve_causal_analysis: { roles: ['siro'], irm: true },
    learning_review: { roles: ['siro', 'security'] },
    request_closure: { roles: ['siro'], irm: true },
    peer_review: { roles: TEAM, irm: true, hod: true },
    approve_closure: { roles: ['cio'] },
    reopen: { roles: ['siro', 'cio'], irm: true },
    update_action: { roles: ['siro'], irm: true },
    agree_action_plan: { roles: ['siro'] },
    manage_access: { roles: ['siro'] },
    // The security team establishes the facts (seed 003 §3.6): its members, the SIRO, the IRM.
    correct_facts: { roles: ['siro', 'security'], irm: true },
    ask_reporter: { roles: TEAM, irm: true, hod: true },
    add_evidence: { roles: TEAM, irm: true, hod: true },
  };
}

export function can(
  config: Pick<Config, 'triageRoles'>,
  actor: Actor,
  capability: Capability,
  incident: Incident,
): boolean {
  const rule = rules(config)[capability];
  const rel = relationsTo(actor, incident);
  // A restricted record: only the SIROs and the people they added; those work it as the team does.
  if (incident.restricted && !actor.roles.has('siro') && !(incident.accessIds ?? []).includes(actor.id))
    return false;
  const roles: ReadonlySet<Role> = incident.restricted ? new Set([...actor.roles, 'security']) : actor.roles;
  return (
    rule.roles.some((r) => roles.has(r)) || (rule.irm === true && rel.irm) || (rule.hod === true && rel.hod)
  );
}

/** Who may, in words, for the refusal message. */
export function whoMay(config: Pick<Config, 'triageRoles'>, capability: Capability): string {
  const rule = rules(config)[capability];
  const names = rule.roles.map((r) => ROLE_NAMES[r]);
  if (rule.irm) names.push("the incident's Incident Response Manager");
  if (rule.hod) names.push("the reporter's head of department");
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : (names[0] ?? 'nobody');
}

/** Who may, in words, on this incident: a restricted record's insiders, whatever the capability. */
export function whoMayOn(
  config: Pick<Config, 'triageRoles'>,
  capability: Capability,
  incident: Pick<Incident, 'restricted'>,
): string {
  return incident.restricted ? 'the SIRO and the people they added' : whoMay(config, capability);
}

export function assertCan(
  config: Pick<Config, 'triageRoles'>,
  actor: Actor,
  capability: Capability,
  incident: Incident,
  what: string,
): void {
  if (!can(config, actor, capability, incident))
    throw new Forbidden(
      `Only ${whoMayOn(config, capability, incident)} may ${what} on ${incident.reference}.`,
    );
}

/** Whether `userId` owns the action: its person, or a member of the team (user group) it was given to. */
export function ownsAction(action: Pick<Action, 'ownerId' | 'ownerMembers'>, userId: string): boolean {
  return action.ownerId === userId || (action.ownerMembers ?? []).includes(userId);
}

/** An action's owner may close it; so may whoever may update actions on the incident. */
export function mayUpdateAction(
  config: Pick<Config, 'triageRoles'>,
  actor: Actor,
  action: Pick<Action, 'ownerId' | 'ownerMembers'>,
  incident: Incident,
): boolean {
  return ownsAction(action, actor.id) || can(config, actor, 'update_action', incident);
}

export const updateActionRefusal = (incident: Pick<Incident, 'reference'>) =>
  `Only the action's owner, the IRM or the SIRO may update actions on ${incident.reference}.`;

export function assertMayUpdateAction(
  config: Pick<Config, 'triageRoles'>,
  actor: Actor,
  action: Pick<Action, 'ownerId' | 'ownerMembers'>,
  incident: Incident,
): void {
  if (!mayUpdateAction(config, actor, action, incident)) throw new Forbidden(updateActionRefusal(incident));
}
