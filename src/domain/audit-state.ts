import { preparedSql } from '../../db/prepared';
import type { Tx } from './tx';

/**
 * What an incident's register rows say of the facts an auditor relies on: its status, severity and
 * IRM, each outside notification's outcome (by kind), each action's state and each review's
 * decision (by id). Every audit event carries this as it stood once the change was made
 * (`after.state`), so `vigil verify` can replay the trail and find a row edited, added or deleted
 * without one (services/verify-state.ts reads the tables through the same query).
 */
export interface IncidentState {
  status: string;
  severity: string | null;
  irmId: string | null;
  notifications: Record<string, string>;
  actions: Record<string, string>;
  reviews: Record<string, string>;
}

const STATE_SELECT = `SELECT json_object(
  'status', i.status, 'severity', i.severity, 'irmId', i.irm_id,
  'notifications', (SELECT json_group_object(kind, status) FROM notifications WHERE incident_id = i.id),
  'actions', (SELECT json_group_object(id, status) FROM actions WHERE incident_id = i.id),
  'reviews', (SELECT json_group_object(id, decision) FROM reviews WHERE incident_id = i.id)
) AS state FROM incidents i`;

/** One row per incident, `?` its id: the state as JSON, or no row when the incident is not there. */
export const STATE_QUERY = `${STATE_SELECT} WHERE i.id = ?`;

const stateOf = preparedSql<[number], { state: string }>(STATE_QUERY);

/** The incident's state as its rows hold it now, inside the change's transaction. */
export function incidentState(tx: Tx, incidentId: number): IncidentState | null {
  const row = stateOf(tx).get(incidentId);
  return row ? (JSON.parse(row.state) as IncidentState) : null;
}
