import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { prepared, storedValues } from '../../db/prepared';
import { type Review, reviews } from '../../db/schema';
import type { Actor } from './roles';
import type { Tx } from './tx';

const latestOfType = prepared((db) =>
  db
    .select()
    .from(reviews)
    .where(
      and(eq(reviews.incidentId, sql.placeholder('incidentId')), eq(reviews.type, sql.placeholder('type'))),
    )
    .orderBy(desc(reviews.id))
    .limit(1)
    .prepare(),
);

export function latestReview(tx: Tx, incidentId: number, type: Review['type']): Review | undefined {
  return latestOfType(tx).get({ incidentId, type });
}

/** The review of a kind waiting for a decision, if the latest one is. */
export function pendingReview(tx: Tx, incidentId: number, type: Review['type']): Review | undefined {
  const latest = latestReview(tx, incidentId, type);
  return latest?.decision === 'pending' ? latest : undefined;
}

const setDecision = prepared((db) =>
  db
    .update(reviews)
    .set(storedValues(reviews, ['decision', 'decidedBy', 'decidedAt', 'comment']))
    .where(eq(reviews.id, sql.placeholder('id')))
    .prepare(),
);

export function decideReview(
  tx: Tx,
  review: Review,
  actor: Actor,
  decision: 'approved' | 'returned',
  comment: string | null,
  now: Date,
): void {
  setDecision(tx).run({ decision, decidedBy: actor.id, decidedAt: now, comment, id: review.id });
}

/** How a review stood, for the before/after of the event that changes it. */
function reviewState(r: Review) {
  return {
    review: r.type,
    round: r.round,
    decision: r.decision,
    decidedBy: r.decidedBy,
    decidedAt: r.decidedAt?.toISOString() ?? null,
  };
}

/**
 * Sends back what a reopening makes out of date: the latest causal analysis and learning review
 * (seed 000 §4, seed 003 §5.10: a new round is needed before closing again), the SIRO's agreement
 * of the action plan (seed 003 §4.3), and any review of a
 * closure still waiting. Returns how each stood before and after, for the audit trail.
 */
export function invalidateReviews(tx: Tx, incidentId: number, actor: Actor, comment: string, now: Date) {
  const before: ReturnType<typeof reviewState>[] = [];
  const after: ReturnType<typeof reviewState>[] = [];
  const stale = (type: Review['type'], decisions: Review['decision'][]) => {
    const latest = latestReview(tx, incidentId, type);
    return latest && decisions.includes(latest.decision) ? [latest] : [];
  };
  const invalid = [
    ...stale('causal_analysis', ['approved', 'pending']),
    ...stale('learning', ['approved', 'pending']),
    // Seed 003 §4.3: the plan for the renewed work is agreed again.
    ...stale('action_plan', ['approved']),
    ...stale('peer_review', ['pending']),
    ...stale('closure_approval', ['pending']),
  ];
  if (invalid.length === 0) return { before, after };
  tx.update(reviews)
    .set({ decision: 'returned', decidedBy: actor.id, decidedAt: now, comment })
    .where(
      inArray(
        reviews.id,
        invalid.map((r) => r.id),
      ),
    )
    .run();
  for (const r of invalid) {
    before.push(reviewState(r));
    after.push(reviewState({ ...r, decision: 'returned', decidedBy: actor.id, decidedAt: now }));
  }
  return { before, after };
}
