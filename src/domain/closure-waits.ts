import { and, inArray, lte } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { findIncidentById } from '../../db/find-incident';
import { prepared, preparedSql, stored } from '../../db/prepared';
import { type Incident, incidents } from '../../db/schema';
import type { Config } from '../config';
import { dutiesOf } from './duties';
import { pendingReview } from './reviews';
import { runToEnd, type Steps } from './steps';
import type { Tx } from './tx';

/** The steps between restoration and closure (seed 003 §5.10–5.11) that can be left waiting. */
export const CLOSURE_STEPS = ['learning', 'closure_request', 'peer_review', 'closure_approval'] as const;
export type ClosureStep = (typeof CLOSURE_STEPS)[number];

export const CLOSURE_STEP_WORDS: Record<ClosureStep, string> = {
  learning: 'the recurrence and risk-register review',
  closure_request: 'the request for closure',
  peer_review: 'the peer review of the closure',
  closure_approval: 'the CIO’s approval of the closure',
};

/** One closure step owed on an incident, and since when it has waited. */
export interface ClosureWait {
  incidentId: number;
  reference: string;
  step: ClosureStep;
  /** The duty's state, so a reminder carries the same button as the step's DM. */
  state: string;
  owners: string[];
  since: Date;
}

const lastDecision = preparedSql<[number], { at: number | null }>(
  `select max(coalesce(decided_at, submitted_at)) as at from reviews
    where incident_id = ? and type <> 'action_plan'`,
);

const restoredBefore = prepared((db) =>
  db
    .select({ id: incidents.id })
    .from(incidents)
    .where(
      and(
        inArray(incidents.status, ['resolved', 'in_review']),
        lte(incidents.resolvedAt, stored(incidents.resolvedAt, 'olderThan')),
      ),
    )
    .prepare(),
);

/** When the step started to wait: the request for the reviews, else the last decision after restoration. */
function waitingSince(tx: Tx, incident: Incident, step: ClosureStep): Date {
  const restored = incident.resolvedAt as Date;
  if (step === 'peer_review' || step === 'closure_approval')
    return pendingReview(tx, incident.id, step)?.submittedAt ?? restored;
  if (step === 'learning') return restored;
  // The request is due once the last thing before it is settled (or a closure is sent back).
  const last = lastDecision(tx).get(incident.id);
  return last?.at && last.at > restored.getTime() ? new Date(last.at) : restored;
}

/**
 * Closure steps that have waited since before `olderThan`, with who owes them (the duties' own
 * owners, so a reminder goes to whoever the step's DM went to). Every such step starts after
 * restoration, so only records restored before `olderThan` are read.
 */
export function closureWaits(db: Db, config: Config, olderThan: Date): ClosureWait[] {
  return runToEnd(closureWaitSteps(db, config, olderThan));
}

/** Records read between two points where a sweep may hand the event loop back. */
const RECORDS_PER_STEP = 100;

/**
 * closureWaits a hundred records at a time: each record's duties are worked out from its rows
 * (a fraction of a millisecond each), which over thousands of restored records would hold the
 * event loop for a second. Each record is read as it is when its turn comes.
 */
export function* closureWaitSteps(db: Db, config: Config, olderThan: Date): Steps<ClosureWait[]> {
  const out: ClosureWait[] = [];
  const ids = restoredBefore(db).all({ olderThan });
  for (const [n, { id }] of ids.entries()) {
    if (n > 0 && n % RECORDS_PER_STEP === 0) yield;
    const incident = findIncidentById(db, id);
    if (!incident || (incident.status !== 'resolved' && incident.status !== 'in_review')) continue;
    for (const duty of dutiesOf(db, config, incident)) {
      const step = CLOSURE_STEPS.find((s) => s === duty.kind);
      if (!step || duty.owners.length === 0) continue;
      const since = waitingSince(db, incident, step);
      if (since.getTime() > olderThan.getTime()) continue;
      out.push({
        incidentId: incident.id,
        reference: incident.reference,
        step,
        state: duty.state,
        owners: duty.owners,
        since,
      });
    }
  }
  return out;
}
