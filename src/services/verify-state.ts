import type { Db } from '../../db/client';
import { type IncidentState, STATE_QUERY } from '../domain/audit-state';
import type { AuditProblem } from './verify-audit';

export interface StateCheck {
  problems: AuditProblem[];
  /** Incidents whose register rows were compared with the state their newest event records. */
  checked: number;
  /** Incidents last changed before events recorded the state: only their existence is checked. */
  unrecorded: number;
}

const NOTIFIED: Record<string, string> = {
  regulator: 'the regulator',
  police: 'the police',
  cert: 'the CERT',
  customers: 'customers',
};

const shown = (v: unknown) => (v === null || v === undefined ? 'none' : `"${String(v)}"`);

/**
 * Replays the trail against the register: each incident's newest event records its state as that
 * change left it (audit-state.ts), so the register must still say exactly that. A field that
 * differs, a notification, action or review the trail does not know (added behind Vigil's back)
 * or no longer finds (deleted), an incident with no events, and events of an incident the register
 * no longer has are each a finding, named by reference and field, never by content.
 */
export function checkStateAgainstTrail(db: Db): StateCheck {
  const result: StateCheck = { problems: [], checked: 0, unrecorded: 0 };
  const check = stateChecker(db);
  for (const row of db.$client
    .prepare('SELECT id, reference FROM incidents ORDER BY id')
    .iterate() as Iterable<{
    id: number;
    reference: string;
  }>) {
    const verdict = check(row.id);
    if (verdict === 'unrecorded') result.unrecorded++;
    else {
      if (verdict.checked) result.checked++;
      for (const what of verdict.problems) result.problems.push({ where: row.reference, what });
    }
  }
  const orphans = db.$client
    .prepare(
      `SELECT incident_id AS incidentId, count(*) AS events,
        (SELECT CASE WHEN json_valid(after) THEN json_extract(after, '$.reference') END FROM incident_events r
          WHERE r.incident_id = e.incident_id AND r.type = 'reported' LIMIT 1) AS reference
       FROM incident_events e WHERE incident_id NOT IN (SELECT id FROM incidents) GROUP BY incident_id ORDER BY incident_id`,
    )
    .all() as { incidentId: number; events: number; reference: string | null }[];
  for (const o of orphans)
    result.problems.push({
      where: o.reference ?? `incident ${o.incidentId}`,
      what: `in the audit trail (${o.events} event${o.events === 1 ? '' : 's'}) but not in the register: deleted behind Vigil’s back`,
    });
  return result;
}

/**
 * One incident's register rows against the state its newest event records: 'unrecorded' when that
 * event was written before events carried the state (only existence can be checked then).
 */
export function stateChecker(
  db: Db,
): (incidentId: number) => 'unrecorded' | { checked: boolean; problems: string[] } {
  const newest = db.$client.prepare(
    // Unreadable JSON is verify-chain's finding; here it only means no recorded state.
    "SELECT id, CASE WHEN json_valid(after) THEN json_extract(after, '$.state') END AS state FROM incident_events WHERE incident_id = ? ORDER BY id DESC LIMIT 1",
  );
  const current = db.$client.prepare(STATE_QUERY).pluck(true);
  return (incidentId) => {
    const event = newest.get(incidentId) as { id: number; state: string | null } | undefined;
    if (!event)
      return {
        checked: false,
        problems: [
          'in the register but not in the audit trail: no event records it (added behind Vigil’s back)',
        ],
      };
    const recorded = parseState(event.state);
    if (!recorded) return 'unrecorded';
    const now = parseState(current.get(incidentId));
    return { checked: true, problems: now ? differences(recorded, now, event.id) : [] };
  };
}

function parseState(text: unknown): IncidentState | null {
  if (typeof text !== 'string') return null;
  try {
    const value = JSON.parse(text) as IncidentState | null;
    return value && typeof value === 'object' ? value : null;
  } catch {
    return null;
  }
}

/** Field by field, what the register says that the trail (as of event `eventId`) does not. */
function differences(trail: IncidentState, register: IncidentState, eventId: number): string[] {
  const out: string[] = [];
  const field = (name: string, was: unknown, is: unknown) => {
    if ((was ?? null) !== (is ?? null))
      out.push(
        `${name} is ${shown(is)} in the register, but ${shown(was)} in the trail (event ${eventId}): changed without an audit event`,
      );
  };
  field('status', trail.status, register.status);
  field('severity', trail.severity, register.severity);
  field('IRM', trail.irmId, register.irmId);
  const rows = (
    what: (key: string) => string,
    was: Record<string, string> | undefined,
    is: Record<string, string> | undefined,
  ) => {
    const before = was ?? {};
    const after = is ?? {};
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      if (!(key in after))
        out.push(`${what(key)} is in the trail (event ${eventId}) but not in the register: deleted`);
      else if (!(key in before))
        out.push(`${what(key)} is in the register but not in the trail: added without an audit event`);
      else field(what(key), before[key], after[key]);
    }
  };
  rows((k) => `notification to ${NOTIFIED[k] ?? k}`, trail.notifications, register.notifications);
  rows((k) => `action ${k}`, trail.actions, register.actions);
  rows((k) => `review ${k}`, trail.reviews, register.reviews);
  return out;
}
