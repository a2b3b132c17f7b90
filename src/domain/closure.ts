import { and, eq, inArray } from 'drizzle-orm';
import { userText } from '../../blocks/text';
import { actions, type Incident, notifications, reviews } from '../../db/schema';
import { UNSETTLED_ACTION_STATUSES } from './action-status';
import { applyChange, type RecordResult, type Target } from './change';
import type { DomainContext } from './context';
import { InvalidTransition } from './errors';
import { type ClosureRequestInput, type DecisionInput, decidePending, latestReview } from './follow-through';
import { assertTransition } from './lifecycle';
import { assertCan } from './permissions';
import type { Actor } from './roles';
import type { Tx } from './tx';

/**
 * What still stands between an incident and closure (seed 003 §5.10–5.11, §5.5): restored,
 * analysed and approved, reviewed for recurrence, every action done or accepted, every outside
 * party told or recorded as not needed. A Low incident closed with "no action" skips the analysis.
 */
export function closureGaps(tx: Tx, incident: Incident, noAction = false): string[] {
  const gaps: string[] = [];
  if (!incident.resolvedAt) gaps.push('Operations have not been marked restored.');
  if (!incident.severity) gaps.push('No severity is set.');
  if (noAction && incident.severity !== 'low')
    gaps.push('Only a Low-severity incident may close with "no action".');
  if (!noAction) {
    const analysis = latestReview(tx, incident.id, 'causal_analysis');
    if (!analysis) gaps.push('The causal analysis and preventive plan have not been submitted.');
    else if (analysis.decision !== 'approved') gaps.push('The causal analysis is not approved by the IRM.');
  }
  if (!latestReview(tx, incident.id, 'learning'))
    gaps.push('The recurrence and risk-register review is missing.');
  const unsettled = tx
    .select({ status: actions.status })
    .from(actions)
    .where(and(eq(actions.incidentId, incident.id), inArray(actions.status, UNSETTLED_ACTION_STATUSES)))
    .all();
  const open = unsettled.filter((a) => a.status === 'open').length;
  const proposed = unsettled.length - open;
  if (open > 0) gaps.push(`${open} action${open === 1 ? ' is' : 's are'} still open.`);
  if (proposed > 0)
    gaps.push(
      `${proposed} action${proposed === 1 ? '' : 's'} marked "won't do" by ${proposed === 1 ? 'its owner waits' : 'their owners wait'} for the IRM or SIRO to accept.`,
    );
  const pending = tx
    .select({ kind: notifications.kind })
    .from(notifications)
    .where(and(eq(notifications.incidentId, incident.id), eq(notifications.status, 'pending')))
    .all();
  for (const n of pending)
    gaps.push(`The ${n.kind === 'cert' ? 'national CERT' : n.kind} notification is not recorded.`);
  return gaps;
}

export function requestClosure(
  ctx: DomainContext,
  actor: Actor,
  target: Target,
  input: ClosureRequestInput,
): RecordResult {
  return applyChange(ctx, target, (tx, incident, now) => {
    assertCan(ctx.config, actor, 'request_closure', incident, 'put it forward for closure');
    const status = assertTransition(incident, 'request_closure');
    if (input.noAction && !input.justification)
      throw new InvalidTransition('Closing with "no action" needs a recorded justification (seed 003 §5.5).');
    const gaps = closureGaps(tx, incident, input.noAction);
    if (gaps.length > 0)
      throw new InvalidTransition(`${incident.reference} cannot close yet:\n• ${gaps.join('\n• ')}`);
    tx.insert(reviews)
      .values({
        incidentId: incident.id,
        type: 'peer_review',
        submittedBy: actor.id,
        submittedAt: now,
        content: { ...input },
      })
      .run();
    return {
      actor,
      type: 'closure_requested',
      patch: { status, closureJustification: input.noAction ? input.justification : null },
      before: { status: incident.status },
      after: { status, noAction: input.noAction, justification: input.justification },
      summary:
        `<@${actor.id}> put this forward for closure${input.noAction ? ` with no action: ${userText(input.justification ?? '', 400)}` : ''}. ` +
        'It needs a peer review by someone else, then the CIO’s approval.',
    };
  });
}

/** Four eyes: the peer reviewer is not the person who put it forward (seed 003 §5.11). */
export function peerReview(
  ctx: DomainContext,
  actor: Actor,
  target: Target,
  input: DecisionInput,
): RecordResult {
  return applyChange(ctx, { ...target, version: undefined }, (tx, incident, now) => {
    assertCan(ctx.config, actor, 'peer_review', incident, 'peer-review the closure');
    const waiting = `${incident.reference} is not waiting for a peer review.`;
    if (incident.status !== 'in_review') throw new InvalidTransition(waiting);
    const review = decidePending(tx, incident.id, 'peer_review', actor, input, now, {
      waiting,
      ownWork: 'You put this forward for closure: the peer review must be done by someone else.',
    });
    const back = input.decision === 'returned';
    if (!back)
      tx.insert(reviews)
        .values({
          incidentId: incident.id,
          type: 'closure_approval',
          submittedBy: actor.id,
          submittedAt: now,
          content: { peerReviewId: review.id },
        })
        .run();
    const status = back ? assertTransition(incident, 'return_from_review') : incident.status;
    return {
      actor,
      type: back ? 'peer_review_returned' : 'peer_review_approved',
      patch: { status },
      after: { decision: input.decision, comment: input.comment },
      summary: back
        ? `<@${actor.id}> sent the closure back after peer review: ${userText(input.comment ?? '', 500)}`
        : `<@${actor.id}> peer-reviewed the closure: approved. Waiting for the CIO.`,
    };
  });
}

export function approveClosure(
  ctx: DomainContext,
  actor: Actor,
  target: Target,
  input: DecisionInput,
): RecordResult {
  return applyChange(ctx, { ...target, version: undefined }, (tx, incident, now) => {
    assertCan(ctx.config, actor, 'approve_closure', incident, 'approve closure');
    const waiting = `${incident.reference} needs an approved peer review before the CIO can close it.`;
    if (incident.status !== 'in_review') throw new InvalidTransition(waiting);
    decidePending(tx, incident.id, 'closure_approval', actor, input, now, {
      waiting,
      ownWork: 'You did the peer review: closure must be approved by another CIO.',
    });
    if (input.decision === 'returned') {
      return {
        actor,
        type: 'closure_returned',
        patch: { status: assertTransition(incident, 'return_from_review') },
        after: { decision: 'returned', comment: input.comment },
        summary: `<@${actor.id}> did not approve closure: ${userText(input.comment ?? '', 500)}`,
      };
    }
    const gaps = closureGaps(tx, incident, incident.closureJustification !== null);
    if (gaps.length > 0)
      throw new InvalidTransition(`${incident.reference} cannot close yet:\n• ${gaps.join('\n• ')}`);
    const status = assertTransition(incident, 'close');
    return {
      actor,
      type: 'closed',
      patch: { status, closedAt: now },
      before: { status: incident.status },
      after: { status, closedAt: now.toISOString() },
      summary: `<@${actor.id}> approved closure. ${incident.reference} is closed.`,
    };
  });
}

export function reopenIncident(
  ctx: DomainContext,
  actor: Actor,
  target: Target,
  reason: string,
): RecordResult {
  return applyChange(ctx, target, (_tx, incident) => {
    assertCan(ctx.config, actor, 'reopen', incident, 'reopen it');
    const status = assertTransition(incident, 'reopen');
    if (!reason.trim()) throw new InvalidTransition('Please give the reason for reopening.');
    return {
      actor,
      type: 'reopened',
      patch: { status, closedAt: null, resolvedAt: null },
      before: { status: incident.status },
      after: { status, reason },
      summary: `<@${actor.id}> reopened this: ${userText(reason, 500)}`,
    };
  });
}
