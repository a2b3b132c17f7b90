import type { IncidentStatus } from '../../db/schema';

const FINAL: readonly IncidentStatus[] = ['closed', 'not_incident', 'duplicate'];
const isOpen = (s: IncidentStatus) => !FINAL.includes(s);

/**
 * Which changes of status the reporter is told of (issue 13 item 5): it is being handled (triaged
 * as an incident), it is closed (by approval or at triage), and, after a closure, that it is being
 * handled again. The steps in between (resolved, in review, …) are the team's, not the reporter's,
 * and telling them made the news go backwards (resolved → in review → resolved).
 */
export function reporterHears(from: IncidentStatus, to: IncidentStatus): boolean {
  if (from === to) return false;
  if (from === 'reported' && to === 'triaged') return true;
  if (!isOpen(to)) return true;
  return !isOpen(from);
}
