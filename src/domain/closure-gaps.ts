import { and, eq, inArray } from 'drizzle-orm';
import { actions, type Incident, notifications, UNSETTLED_ACTION_STATUSES } from '../../db/schema';
import { latestReview } from './reviews';
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
    else if (analysis.decision === 'pending')
      gaps.push('The causal analysis is waiting for the IRM’s approval.');
    else if (analysis.decision === 'returned')
      gaps.push(`The causal analysis (round ${analysis.round}) was sent back: a revised round is needed.`);
  }
  const learning = latestReview(tx, incident.id, 'learning');
  if (!learning) gaps.push('The recurrence and risk-register review is missing.');
  else if (learning.decision !== 'approved')
    gaps.push('The recurrence and risk-register review must be done again since the reopening.');
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
