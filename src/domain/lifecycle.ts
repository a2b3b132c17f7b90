import type { Incident, IncidentStatus } from '../../db/schema';
import { InvalidTransition } from './errors';

/**
 * The incident lifecycle (PRODUCT.md): reported → triaged → resolving → resolved → in review →
 * closed, with reopen back to resolving; triage may instead close the record as not an incident
 * or a duplicate, which keeps it in the register.
 */
export const TRANSITIONS = {
  triage: { from: ['reported', 'triaged'], to: 'triaged' },
  dismiss_not_incident: { from: ['reported', 'triaged'], to: 'not_incident' },
  dismiss_duplicate: { from: ['reported', 'triaged'], to: 'duplicate' },
} as const satisfies Record<string, { from: readonly IncidentStatus[]; to: IncidentStatus }>;

export type Transition = keyof typeof TRANSITIONS;

export const FINAL_STATES: readonly IncidentStatus[] = ['closed', 'not_incident', 'duplicate'];

export function isOpen(status: IncidentStatus): boolean {
  return !FINAL_STATES.includes(status);
}

export function assertTransition(incident: Incident, transition: Transition): IncidentStatus {
  const rule = TRANSITIONS[transition];
  if (!(rule.from as readonly IncidentStatus[]).includes(incident.status))
    throw new InvalidTransition(
      `${incident.reference} is ${incident.status.replace('_', ' ')}; it can no longer be ${transition === 'triage' ? 'triaged' : 'dismissed'}.`,
    );
  return rule.to;
}

/** Work on an incident (updates, actions, notifications) stops when its record is closed. */
export function assertOpen(incident: Incident, what: string): void {
  if (!isOpen(incident.status))
    throw new InvalidTransition(
      `${incident.reference} is closed (${incident.status.replace('_', ' ')}): you cannot ${what}.`,
    );
}
