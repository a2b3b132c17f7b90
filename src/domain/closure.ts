import { userText } from '../../blocks/text';
import { reviews } from '../../db/schema';
import type { RecordResult, Target } from './change';
import type { DomainContext } from './context';
import { InvalidTransition } from './errors';
import type { ClosureRequestInput, DecisionInput } from './follow-through';
import { applyTransition, soleCioRefusal } from './lifecycle';
import { decideReview, invalidateReviews, pendingReview } from './reviews';
import type { Actor } from './roles';
import { targetResolution } from './triage';
import type { Tx } from './tx';

function pending(tx: Tx, incidentId: number, type: 'peer_review' | 'closure_approval') {
  const review = pendingReview(tx, incidentId, type);
  if (!review) throw new InvalidTransition('Nothing is waiting for this decision.');
  return review;
}

export function requestClosure(
  ctx: DomainContext,
  actor: Actor,
  target: Target,
  input: ClosureRequestInput,
): RecordResult {
  return applyTransition(ctx, actor, target, 'request_closure', input, (tx, incident, now) => {
    if (input.reviewerId === actor.id)
      throw new InvalidTransition('Choose someone else for the peer review: it needs a second person.');
    // Four eyes that cannot deadlock: the only CIO, having peer-reviewed it, could not approve it.
    if (input.reviewerId && soleCioRefusal(ctx.config, input.reviewerId))
      throw new InvalidTransition(
        'The only CIO cannot do the peer review: nobody could then approve the closure. Choose someone else.',
      );
    tx.insert(reviews)
      .values({
        incidentId: incident.id,
        type: 'peer_review',
        submittedBy: actor.id,
        submittedAt: now,
        content: { ...input },
      })
      .run();
    const justification = input.noAction ? input.justification : null;
    return {
      actor,
      type: 'closure_requested',
      patch: { closureJustification: justification },
      after: { noAction: input.noAction, justification: input.justification, reviewerId: input.reviewerId },
      summary:
        `<@${actor.id}> put this forward for closure${input.noAction ? ` with no action: ${userText(input.justification ?? '', 400)}` : ''}. ` +
        `It needs a peer review by ${input.reviewerId ? `<@${input.reviewerId}>` : 'someone else'}, then the CIO’s approval.`,
    };
  });
}

/**
 * A closure sent back withdraws the request: its "no action" justification goes with it, so the
 * next request is judged on its own (seed 003 §5.5).
 */
const withdrawn = (justification: string | null) => ({
  patch: { closureJustification: null },
  before: { closureJustification: justification },
  after: { closureJustification: null },
});

/** Four eyes: the peer reviewer is not the person who put it forward (seed 003 §5.11). */
export function peerReview(
  ctx: DomainContext,
  actor: Actor,
  target: Target,
  input: DecisionInput,
): RecordResult {
  const back = input.decision === 'returned';
  return applyTransition(
    ctx,
    actor,
    { ...target, version: undefined },
    back ? 'peer_review_return' : 'peer_review_approve',
    null,
    (tx, incident, now) => {
      const review = pending(tx, incident.id, 'peer_review');
      decideReview(tx, review, actor, input.decision, input.comment, now);
      if (back) {
        const w = withdrawn(incident.closureJustification);
        return {
          actor,
          type: 'peer_review_returned',
          patch: w.patch,
          before: w.before,
          after: { ...w.after, decision: input.decision, comment: input.comment },
          summary: `<@${actor.id}> sent the closure back after peer review: ${userText(input.comment ?? '', 500)}`,
        };
      }
      tx.insert(reviews)
        .values({
          incidentId: incident.id,
          type: 'closure_approval',
          submittedBy: actor.id,
          submittedAt: now,
          content: { peerReviewId: review.id },
        })
        .run();
      return {
        actor,
        type: 'peer_review_approved',
        after: { decision: input.decision, comment: input.comment },
        summary: `<@${actor.id}> peer-reviewed the closure: approved. Waiting for the CIO.`,
      };
    },
  );
}

export function approveClosure(
  ctx: DomainContext,
  actor: Actor,
  target: Target,
  input: DecisionInput,
): RecordResult {
  const back = input.decision === 'returned';
  return applyTransition(
    ctx,
    actor,
    { ...target, version: undefined },
    back ? 'return_closure' : 'approve_closure',
    null,
    (tx, incident, now) => {
      decideReview(
        tx,
        pending(tx, incident.id, 'closure_approval'),
        actor,
        input.decision,
        input.comment,
        now,
      );
      if (back) {
        const w = withdrawn(incident.closureJustification);
        return {
          actor,
          type: 'closure_returned',
          patch: w.patch,
          before: w.before,
          after: { ...w.after, decision: 'returned', comment: input.comment },
          summary: `<@${actor.id}> did not approve closure: ${userText(input.comment ?? '', 500)}`,
        };
      }
      return {
        actor,
        type: 'closed',
        patch: { closedAt: now },
        after: { closedAt: now.toISOString() },
        summary: `<@${actor.id}> approved closure. ${incident.reference} is closed.`,
      };
    },
  );
}

/**
 * Reopening starts the follow-through again (seed 000 §4, seed 003 §5.10–5.11): restored, a new
 * causal analysis round and learning review, a new target resolution time counted from now, and a
 * new closure request judged on its own, without the old "no action" justification.
 */
export function reopenIncident(
  ctx: DomainContext,
  actor: Actor,
  target: Target,
  reason: string,
): RecordResult {
  return applyTransition(ctx, actor, target, 'reopen', { reason }, (tx, incident, now) => {
    const invalidated = invalidateReviews(tx, incident.id, actor, `Reopened: ${reason.trim()}`, now);
    const targetResolutionAt = incident.severity
      ? targetResolution(ctx, incident.severity, now)
      : incident.targetResolutionAt;
    const iso = (d: Date | null) => d?.toISOString() ?? null;
    return {
      actor,
      type: 'reopened',
      patch: { closedAt: null, resolvedAt: null, closureJustification: null, targetResolutionAt },
      before: {
        closedAt: iso(incident.closedAt),
        resolvedAt: iso(incident.resolvedAt),
        closureJustification: incident.closureJustification,
        targetResolutionAt: iso(incident.targetResolutionAt),
        reviews: invalidated.before,
      },
      after: {
        reason,
        closedAt: null,
        resolvedAt: null,
        closureJustification: null,
        targetResolutionAt: iso(targetResolutionAt),
        reviews: invalidated.after,
      },
      summary: `<@${actor.id}> reopened this: ${userText(reason, 500)}`,
      // The IRM is asked to resolve it again (duties.ts); the head of department will owe a new
      // analysis once it is restored, and hears of it now.
      deliveries:
        incident.hodId && incident.hodId !== incident.irmId && incident.hodId !== actor.id
          ? [{ kind: 'dm', incidentId: incident.id, userId: incident.hodId, template: 'reopened' }]
          : [],
    };
  });
}
