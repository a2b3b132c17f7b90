import { eq } from 'drizzle-orm';
import { type Incident, type IncidentStatus, incidents } from '../../db/schema';
import type { Config } from '../config';
import { applyChange, type ChangeSpec, type RecordResult, type Target } from './change';
import { closureGaps } from './closure-gaps';
import type { DomainContext } from './context';
import { Forbidden, InvalidTransition } from './errors';
import { parseReference } from './numbering';
import { assertCan, type Capability } from './permissions';
import { latestReview, pendingReview } from './reviews';
import type { Actor } from './roles';
import type { Tx } from './tx';

export const FINAL_STATES: readonly IncidentStatus[] = ['closed', 'not_incident', 'duplicate'];

export function isOpen(status: IncidentStatus): boolean {
  return !FINAL_STATES.includes(status);
}

const STATUS_WORDS: Record<IncidentStatus, string> = {
  reported: 'awaiting triage',
  triaged: 'triaged',
  resolving: 'being resolved',
  resolved: 'resolved',
  in_review: 'awaiting closure approval',
  closed: 'closed',
  not_incident: 'closed as not an incident',
  duplicate: 'closed as a duplicate',
};

/** What each step needs from the person taking it, beyond the incident itself. */
export interface TransitionInputs {
  triage: null;
  dismiss_not_incident: null;
  dismiss_duplicate: { duplicateOf: string | null };
  start_resolution: null;
  resolve: null;
  submit_causal_analysis: { technicalMeasures: string | null; administrativeMeasures: string | null };
  decide_causal_analysis: null;
  learning_review: null;
  request_closure: { noAction: boolean; justification: string | null };
  peer_review_approve: null;
  peer_review_return: null;
  approve_closure: null;
  return_closure: null;
  reopen: { reason: string };
  agree_action_plan: null;
  retriage: { reason: string };
}

export type Transition = keyof TransitionInputs;

interface GuardArgs<I> {
  tx: Tx;
  incident: Incident;
  actor: Actor;
  config: Config;
  input: I;
}

/** Why a step cannot be taken: a precondition not met, or (four eyes) someone else's to take. */
type Refusal = string | { fourEyes: string };

interface Rule<I> {
  from: readonly IncidentStatus[];
  /** null: a step within the state (the analysis, the learning review, an approving peer review). */
  to: IncidentStatus | null;
  who: Capability;
  /** What the person tried, for "Only … may <what> on INC-…". */
  what: string;
  /** Said when the incident is in none of the `from` states; by default its state and the verb. */
  notNow?: (incident: Incident) => string;
  /** Preconditions, checked after who-may and the state. */
  guard?: (g: GuardArgs<I>) => Refusal | null;
}

const reviewable = (what: string) => (i: Incident) =>
  `${i.reference} must be resolved (operations restored) before ${what}${i.status === 'in_review' ? '; it is awaiting closure approval now' : ''}.`;

function gapsRefusal(incident: Incident, gaps: string[]): string | null {
  return gaps.length > 0 ? `${incident.reference} cannot close yet:\n• ${gaps.join('\n• ')}` : null;
}

/** The record a report would duplicate, by the reference the SIRO typed. */
export function findOriginal(tx: Tx, typed: string | null): { reference: string; original?: Incident } {
  const reference = parseReference(typed ?? '') ?? '';
  const original = reference
    ? tx.select().from(incidents).where(eq(incidents.reference, reference)).get()
    : undefined;
  return { reference: reference || (typed ?? ''), ...(original ? { original } : {}) };
}

function waitingPeerReview(g: GuardArgs<null>): Refusal | null {
  const pending = pendingReview(g.tx, g.incident.id, 'peer_review');
  if (!pending) return `${g.incident.reference} is not waiting for a peer review.`;
  if (pending.submittedBy === g.actor.id)
    return { fourEyes: 'You put this forward for closure: the peer review must be done by someone else.' };
  return null;
}

/**
 * Four eyes that cannot deadlock (seed 003 §5.11): a CIO who passes the peer review may not then
 * approve, so when no other CIO is configured their approval would leave nobody able to close it.
 * Refused before it happens, with what to do instead.
 */
export function soleCioRefusal(config: Pick<Config, 'roles'>, personId: string): string | null {
  const cios = config.roles.cio;
  return cios.includes(personId) && cios.every((id) => id === personId)
    ? 'You are the only CIO, and closure needs a CIO who did not do the peer review: if you did it, nobody could approve the closure. Leave the peer review to someone else; you approve closure after it.'
    : null;
}

function passingPeerReview(g: GuardArgs<null>): Refusal | null {
  const waiting = waitingPeerReview(g);
  if (waiting) return waiting;
  const sole = soleCioRefusal(g.config, g.actor.id);
  return sole ? { fourEyes: sole } : null;
}

function waitingClosureApproval(g: GuardArgs<null>): Refusal | null {
  const pending = pendingReview(g.tx, g.incident.id, 'closure_approval');
  if (!pending) return `${g.incident.reference} needs an approved peer review before the CIO can close it.`;
  return null;
}

function approvingClosure(g: GuardArgs<null>): Refusal | null {
  const waiting = waitingClosureApproval(g);
  if (waiting) return waiting;
  if (pendingReview(g.tx, g.incident.id, 'closure_approval')?.submittedBy === g.actor.id)
    return {
      fourEyes: g.config.roles.cio.some((id) => id !== g.actor.id)
        ? 'You did the peer review: closure must be approved by another CIO.'
        : 'You did the peer review and you are the only CIO, so you cannot also approve: send it back, and it can be put forward again for a peer review by someone else.',
    };
  return null;
}

/**
 * The incident lifecycle (PRODUCT.md, seeds 000 §3–4 and 003 §4.3, §5.5–5.11) as one table:
 * reported → triaged → resolving → resolved → in review → closed, reopen back to resolving, and
 * triage closing a record as not an incident or a duplicate, which keeps it in the register.
 * Each step names its from-states, its to-state, who may take it and what must be true first.
 */
const LIFECYCLE: { [T in Transition]: Rule<TransitionInputs[T]> } = {
  triage: { from: ['reported', 'triaged'], to: 'triaged', who: 'triage', what: 'triage' },
  dismiss_not_incident: {
    from: ['reported', 'triaged'],
    to: 'not_incident',
    who: 'triage',
    what: 'triage',
  },
  dismiss_duplicate: {
    from: ['reported', 'triaged'],
    to: 'duplicate',
    who: 'triage',
    what: 'triage',
    guard: ({ tx, incident, input }) => {
      const { reference, original } = findOriginal(tx, input.duplicateOf);
      if (!original || original.id === incident.id)
        return `There is no other incident ${reference} to be a duplicate of.`;
      if (original.status === 'duplicate' || original.status === 'not_incident') {
        const root = original.duplicateOfId
          ? tx.select().from(incidents).where(eq(incidents.id, original.duplicateOfId)).get()
          : undefined;
        return `${original.reference} is itself ${STATUS_WORDS[original.status]}: ${root ? `mark this a duplicate of ${root.reference} instead` : 'a report can only duplicate a record that stands'}.`;
      }
      return null;
    },
  },
  start_resolution: { from: ['triaged'], to: 'resolving', who: 'resolve', what: 'start resolution' },
  resolve: { from: ['triaged', 'resolving'], to: 'resolved', who: 'resolve', what: 'mark it resolved' },
  submit_causal_analysis: {
    from: ['resolved'],
    to: null,
    who: 'causal_analysis',
    what: 'submit the causal analysis',
    notNow: reviewable('the causal analysis'),
    guard: ({ tx, incident, input }) => {
      const previous = latestReview(tx, incident.id, 'causal_analysis');
      if (previous?.decision === 'approved') return 'The causal analysis is already approved.';
      if (previous?.decision === 'pending') return 'A causal analysis is already waiting for approval.';
      if (!input.technicalMeasures && !input.administrativeMeasures)
        return 'Please give at least one permanent preventive measure, technical or administrative (seed 000 §4.1).';
      return null;
    },
  },
  decide_causal_analysis: {
    from: ['resolved', 'in_review'],
    to: null,
    who: 'approve_causal_analysis',
    what: 'approve the causal analysis',
    notNow: () => 'There is no causal analysis waiting for approval.',
    guard: ({ tx, incident, actor }) => {
      const pending = pendingReview(tx, incident.id, 'causal_analysis');
      if (!pending) return 'There is no causal analysis waiting for approval.';
      if (pending.submittedBy === actor.id)
        return { fourEyes: 'You submitted this analysis: the SIRO, or another IRM, must review it.' };
      return null;
    },
  },
  learning_review: {
    from: ['resolved'],
    to: null,
    who: 'learning_review',
    what: 'record the review',
    notNow: reviewable('the review'),
  },
  request_closure: {
    from: ['resolved'],
    to: 'in_review',
    who: 'request_closure',
    what: 'put it forward for closure',
    guard: ({ tx, incident, input }) => {
      if (input.noAction && !input.justification)
        return 'Closing with "no action" needs a recorded justification (seed 003 §5.5).';
      return gapsRefusal(incident, closureGaps(tx, incident, input.noAction));
    },
  },
  peer_review_approve: {
    from: ['in_review'],
    to: null,
    who: 'peer_review',
    what: 'peer-review the closure',
    notNow: (i) => `${i.reference} is not waiting for a peer review.`,
    guard: passingPeerReview,
  },
  peer_review_return: {
    from: ['in_review'],
    to: 'resolved',
    who: 'peer_review',
    what: 'peer-review the closure',
    notNow: (i) => `${i.reference} is not waiting for a peer review.`,
    guard: waitingPeerReview,
  },
  approve_closure: {
    from: ['in_review'],
    to: 'closed',
    who: 'approve_closure',
    what: 'approve closure',
    notNow: (i) => `${i.reference} needs an approved peer review before the CIO can close it.`,
    guard: (g) =>
      approvingClosure(g) ??
      gapsRefusal(g.incident, closureGaps(g.tx, g.incident, g.incident.closureJustification !== null)),
  },
  return_closure: {
    from: ['in_review'],
    to: 'resolved',
    who: 'approve_closure',
    what: 'approve closure',
    notNow: (i) => `${i.reference} needs an approved peer review before the CIO can close it.`,
    guard: waitingClosureApproval,
  },
  reopen: {
    from: ['closed', 'resolved', 'in_review'],
    to: 'resolving',
    who: 'reopen',
    what: 'reopen it',
    guard: ({ input }) => (input.reason.trim() ? null : 'Please give the reason for reopening.'),
  },
  // Seed 003 §4.3: the SIRO agrees the resolution action plan, once, while it is being worked.
  agree_action_plan: {
    from: ['triaged', 'resolving', 'resolved'],
    to: null,
    who: 'agree_action_plan',
    what: 'agree the action plan',
    notNow: (i) => `${i.reference} is ${STATUS_WORDS[i.status]}: its action plan cannot be agreed now.`,
    guard: ({ tx, incident }) =>
      latestReview(tx, incident.id, 'action_plan')?.decision === 'approved'
        ? `The action plan of ${incident.reference} is already agreed.`
        : null,
  },
  // Seed 003 §5.3, §5.11: a record closed at triage comes back for a new decision when new facts emerge.
  retriage: {
    from: ['not_incident', 'duplicate'],
    to: 'reported',
    who: 'triage',
    what: 'triage it again',
    notNow: (i) =>
      `${i.reference} is ${STATUS_WORDS[i.status]}: only a record closed at triage can be triaged again.`,
    guard: ({ input }) => (input.reason.trim() ? null : 'Please give the reason for triaging it again.'),
  },
};

const VERBS: Record<Transition, string> = {
  triage: 'triaged',
  dismiss_not_incident: 'dismissed',
  dismiss_duplicate: 'dismissed',
  start_resolution: 'moved to resolution',
  resolve: 'marked resolved',
  submit_causal_analysis: 'analysed',
  decide_causal_analysis: 'reviewed',
  learning_review: 'reviewed',
  request_closure: 'put forward for closure',
  peer_review_approve: 'peer-reviewed',
  peer_review_return: 'peer-reviewed',
  approve_closure: 'closed',
  return_closure: 'returned from review',
  reopen: 'reopened',
  agree_action_plan: 'given an agreed plan',
  retriage: 'triaged again',
};

/**
 * Whether `actor` may take `transition` on the incident as it is now: who may, then the state,
 * then the preconditions. Refuses with the reason; returns the state it leads to.
 */
function checkTransition<T extends Transition>(
  config: Config,
  tx: Tx,
  actor: Actor,
  incident: Incident,
  transition: T,
  input: TransitionInputs[T],
): IncidentStatus {
  const rule: Rule<TransitionInputs[T]> = LIFECYCLE[transition];
  assertCan(config, actor, rule.who, incident, rule.what);
  if (!rule.from.includes(incident.status))
    throw new InvalidTransition(
      rule.notNow?.(incident) ??
        `${incident.reference} is ${STATUS_WORDS[incident.status]}: it cannot be ${VERBS[transition]} now.`,
    );
  const refusal = rule.guard?.({ tx, incident, actor, config, input }) ?? null;
  if (typeof refusal === 'string') throw new InvalidTransition(refusal);
  if (refusal) throw new Forbidden(refusal.fourEyes);
  return rule.to ?? incident.status;
}

/**
 * Why `actor` could not take `transition` now, or null if they could: for a form that asks for a
 * confirmation first, so a step that would be refused is refused before anyone confirms it.
 */
export function transitionRefusal<T extends Transition>(
  ctx: DomainContext,
  actor: Actor,
  incident: Incident,
  transition: T,
  input: TransitionInputs[T],
): string | null {
  try {
    checkTransition(ctx.config, ctx.db, actor, incident, transition, input);
    return null;
  } catch (err) {
    if (err instanceof Forbidden || err instanceof InvalidTransition) return err.message;
    throw err;
  }
}

type TransitionEffect = (
  tx: Tx,
  incident: Incident,
  now: Date,
  to: IncidentStatus,
) => Omit<ChangeSpec, 'at' | 'requestKey'>;

/**
 * Takes one step of the lifecycle: checks it, lets `effect` record what the step does, and sets
 * the new state with its before and after in the step's audit event, all in one transaction.
 */
export function applyTransition<T extends Transition>(
  ctx: DomainContext,
  actor: Actor,
  target: Target,
  transition: T,
  input: TransitionInputs[T],
  effect: TransitionEffect,
): RecordResult {
  return applyChange(ctx, target, (tx, incident, now) => {
    const to = checkTransition(ctx.config, tx, actor, incident, transition, input);
    const spec = effect(tx, incident, now, to);
    if (to === incident.status) return spec;
    return {
      ...spec,
      patch: { ...spec.patch, status: to },
      before: { status: incident.status, ...spec.before },
      after: { status: to, ...spec.after },
    };
  });
}

/** Work on an incident (updates, actions, notifications) stops when its record is closed. */
export function assertOpen(incident: Incident, what: string): void {
  if (!isOpen(incident.status))
    throw new InvalidTransition(
      `${incident.reference} is closed (${incident.status.replace('_', ' ')}): you cannot ${what}.`,
    );
}
