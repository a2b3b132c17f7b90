import { eq, sql } from 'drizzle-orm';
import { prepared } from '../../db/prepared';
import { actions, type Incident, type Review, type Severity } from '../../db/schema';
import { latestReview } from './reviews';
import type { Tx } from './tx';

/** Seed 003 §4.3: the SIRO agrees the resolution action plan; required before closure from Medium up. */
export const PLAN_AGREED_FROM: readonly Severity[] = ['critical', 'high', 'medium'];

export const needsPlanAgreement = (i: Pick<Incident, 'severity'>): boolean =>
  i.severity !== null && PLAN_AGREED_FROM.includes(i.severity);

/** The SIRO's agreement of the plan, if it stands (a reopening sends it back). */
export function planAgreement(tx: Tx, incidentId: number): Review | undefined {
  const latest = latestReview(tx, incidentId, 'action_plan');
  return latest?.decision === 'approved' ? latest : undefined;
}

const anyAction = prepared((db) =>
  db
    .select({ id: actions.id })
    .from(actions)
    .where(eq(actions.incidentId, sql.placeholder('incidentId')))
    .limit(1)
    .prepare(),
);

/**
 * Whether the SIRO is asked to agree the plan now: while the incident is worked, once there is a
 * plan to agree (an action) or the work is done (operations restored), until it is agreed.
 */
export function planAgreementDue(tx: Tx, incident: Incident): boolean {
  if (!needsPlanAgreement(incident) || !['triaged', 'resolving', 'resolved'].includes(incident.status))
    return false;
  if (planAgreement(tx, incident.id)) return false;
  return incident.status === 'resolved' || anyAction(tx).get({ incidentId: incident.id }) !== undefined;
}
