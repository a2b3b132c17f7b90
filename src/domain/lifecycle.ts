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
  start_resolution: { from: ['triaged'], to: 'resolving' },
  resolve: { from: ['triaged', 'resolving'], to: 'resolved' },
  request_closure: { from: ['resolved'], to: 'in_review' },
  return_from_review: { from: ['in_review'], to: 'resolved' },
  close: { from: ['in_review'], to: 'closed' },
  reopen: { from: ['closed', 'resolved', 'in_review'], to: 'resolving' },
} as const satisfies Record<string, { from: readonly IncidentStatus[]; to: IncidentStatus }>;

export type Transition = keyof typeof TRANSITIONS;

export const FINAL_STATES: readonly IncidentStatus[] = ['closed', 'not_incident', 'duplicate'];

export function isOpen(status: IncidentStatus): boolean {
  return !FINAL_STATES.includes(status);
}

const STATUS_WORDS: Record<IncidentStatus, string> = {
  reported: 'awaiting triage',
  triaged: 'triaged',
  resolving: 'being resolved',
  resolved: 'resolved',
  in_review: 'in review for closure',
  closed: 'closed',
  not_incident: 'closed as not an incident',
  duplicate: 'closed as a duplicate',
};

const VERBS: Record<Transition, string> = {
  triage: 'triaged',
  dismiss_not_incident: 'dismissed',
  dismiss_duplicate: 'dismissed',
  start_resolution: 'moved to resolution',
  resolve: 'marked resolved',
  request_closure: 'put forward for closure',
  return_from_review: 'returned from review',
  close: 'closed',
  reopen: 'reopened',
};

export function assertTransition(incident: Incident, transition: Transition): IncidentStatus {
  const rule = TRANSITIONS[transition];
  if (!(rule.from as readonly IncidentStatus[]).includes(incident.status))
    throw new InvalidTransition(
      `${incident.reference} is ${STATUS_WORDS[incident.status]}: it cannot be ${VERBS[transition]} now.`,
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
