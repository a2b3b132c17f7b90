import { and, eq, inArray, sql } from 'drizzle-orm';
import { prepared } from '../../db/prepared';
import { actions, type Incident, notifications, UNSETTLED_ACTION_STATUSES } from '../../db/schema';
import { DEFAULT_BODY_IDS, notificationLabel } from './outside-bodies';
import { needsPlanAgreement, planAgreement } from './plan-agreement';
import { latestReview } from './reviews';
import type { Tx } from './tx';

const ofIncident = eq(actions.incidentId, sql.placeholder('incidentId'));

const unsettledActions = prepared((db) =>
  db
    .select({ status: actions.status })
    .from(actions)
    .where(and(ofIncident, inArray(actions.status, UNSETTLED_ACTION_STATUSES)))
    .prepare(),
);

const preventiveActions = prepared((db) =>
  db
    .select({ status: actions.status })
    .from(actions)
    .where(and(ofIncident, eq(actions.kind, 'preventive')))
    .prepare(),
);

const pendingNotifications = prepared((db) =>
  db
    .select({ kind: notifications.kind, label: notifications.label })
    .from(notifications)
    .where(
      and(eq(notifications.incidentId, sql.placeholder('incidentId')), eq(notifications.status, 'pending')),
    )
    .prepare(),
);

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
    else if (analysis.decision === 'pending')
      gaps.push('The causal analysis is waiting for the IRM’s approval.');
    else if (analysis.decision === 'returned')
      gaps.push(`The causal analysis (round ${analysis.round}) was sent back: a revised round is needed.`);
  }
  const learning = latestReview(tx, incident.id, 'learning');
  if (!learning) gaps.push('The recurrence and risk-register review is missing.');
  else if (learning.decision !== 'approved')
    gaps.push('The recurrence and risk-register review must be done again since the reopening.');
  if (!noAction && needsPlanAgreement(incident) && !planAgreement(tx, incident.id))
    gaps.push('The SIRO has not agreed the action plan (seed 003 §4.3).');
  if (!noAction && learning?.decision === 'approved' && learning.content.recurrenceRisk === 'yes') {
    const gap = preventionGap(tx, incident.id);
    if (gap) gaps.push(gap);
  }
  const unsettled = unsettledActions(tx).all({ incidentId: incident.id });
  const open = unsettled.filter((a) => a.status === 'open').length;
  const proposed = unsettled.length - open;
  if (open > 0) gaps.push(`${open} action${open === 1 ? ' is' : 's are'} still open.`);
  if (proposed > 0)
    gaps.push(
      `${proposed} action${proposed === 1 ? '' : 's'} marked "won't do" by ${proposed === 1 ? 'its owner waits' : 'their owners wait'} for the IRM or SIRO to accept.`,
    );
  const pending = pendingNotifications(tx).all({ incidentId: incident.id });
  for (const n of pending) {
    const name =
      n.kind === 'cert'
        ? 'national CERT'
        : (DEFAULT_BODY_IDS as readonly string[]).includes(n.kind)
          ? n.kind
          : notificationLabel(n);
    gaps.push(`The ${name} notification is not recorded.`);
  }
  return gaps;
}

/**
 * Seed 000 Rep.4, 003 §5.10–5.11: when the review finds a real risk of recurrence, the preventive
 * measures are implemented, not only written: at least one preventive action, done. (Open ones
 * are already counted as open actions.)
 */
export function preventionGap(tx: Tx, incidentId: number): string | null {
  const preventive = preventiveActions(tx).all({ incidentId });
  if (preventive.length === 0)
    return 'The review found a real risk of recurrence: at least one preventive action is needed, and done (seed 003 §5.10–5.11).';
  if (preventive.some((a) => a.status === 'done' || a.status === 'open' || a.status === 'not_doing_proposed'))
    return null;
  return 'The review found a real risk of recurrence, and no preventive action was done: at least one must be (seed 003 §5.10–5.11).';
}

/** Whether the IRM must add a preventive action: the review says it could recur and none stands. */
export function preventionMissing(tx: Tx, incident: Incident): boolean {
  const learning = latestReview(tx, incident.id, 'learning');
  if (learning?.decision !== 'approved' || learning.content.recurrenceRisk !== 'yes') return false;
  return preventionGap(tx, incident.id) !== null;
}
