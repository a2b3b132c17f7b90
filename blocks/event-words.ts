import { SEVERITY_LABELS } from './labels';
import { mention, slackDate } from './text';

/** An audit event's facts, as far as words about it need them. */
export interface EventFacts {
  type: string;
  actorId: string;
  at: Date;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

const who = (id: unknown, reader: string | null) =>
  typeof id !== 'string' || id === ''
    ? 'someone'
    : id === reader
      ? 'you'
      : id === 'vigil'
        ? 'Vigil'
        : /^S[A-Z0-9]+$/.test(id)
          ? 'a team'
          : mention(id);

const severity = (v: unknown) =>
  typeof v === 'string' && v in SEVERITY_LABELS
    ? SEVERITY_LABELS[v as keyof typeof SEVERITY_LABELS]
    : 'unset';

/**
 * What an event did, as a clause with who did it: "approved closure — <@U1>". Said to `reader`
 * (their own acts read "by you"). The domain stores the facts; the words are chosen here.
 */
export function eventClause(e: EventFacts, reader: string | null): string {
  const by = who(e.actorId, reader);
  const after = e.after ?? {};
  switch (e.type) {
    case 'triaged':
    case 'retriaged':
      return `triaged by ${by}`;
    case 'dismissed_not_incident':
      return `closed at triage as not a security incident by ${by}`;
    case 'dismissed_duplicate':
      return `closed at triage as a duplicate by ${by}`;
    case 'irm_assigned':
      return `handed to ${who(after.irmId, reader)} as Incident Response Manager by ${by}`;
    case 'resolution_started':
      return `resolution started by ${by}`;
    case 'resolved':
      return `marked resolved (operations restored) by ${by}`;
    case 'causal_analysis_submitted':
      return `causal analysis submitted by ${by}`;
    case 'causal_analysis_approved':
      return `causal analysis approved by ${by}`;
    case 'causal_analysis_returned':
      return `causal analysis sent back by ${by}`;
    case 'learning_review':
      return `learning review recorded by ${by}`;
    case 'closure_requested':
      return `put forward for closure by ${by}`;
    case 'peer_review_approved':
      return `peer review passed by ${by}`;
    case 'peer_review_returned':
      return `sent back at peer review by ${by}`;
    case 'closed':
      return `closure approved by ${by}: closed`;
    case 'closure_returned':
      return `closure sent back by ${by}`;
    case 'reopened':
      return `reopened by ${by}`;
    case 'escalated':
      return e.actorId === 'vigil' ? 'escalated automatically' : `escalated again by ${by}`;
    case 'severity_changed':
      return `severity changed from ${severity(e.before?.severity)} to ${severity(after.severity)} by ${by}`;
    case 'action_done':
      return `marked done by ${by}`;
    case 'action_not_doing':
    case 'action_not_doing_accepted':
      return `settled as not being done by ${by}`;
    case 'action_not_doing_proposed':
      return `proposed as not being done by ${by}: the IRM or SIRO decides`;
    case 'action_kept_open':
      return `kept open by ${by}`;
    case 'action_edited':
      return typeof after.ownerId === 'string'
        ? `given to ${who(after.ownerId, reader)} by ${by}`
        : `edited by ${by}`;
    case 'notification_done':
      return `recorded as notified by ${by}`;
    case 'notification_not_required':
      return `recorded as not required by ${by}`;
    case 'action_plan_agreed':
      return `action plan agreed by ${by}`;
    case 'retriage':
      return `brought back for a new triage decision by ${by}`;
    case 'access_changed':
      return `who may see it changed by ${by}`;
    case 'facts_corrected':
      return `facts corrected by ${by}`;
    case 'reporter_asked':
      return `question sent to the reporter by ${by}`;
    case 'reporter_answered':
      return `answered by ${by}`;
    case 'reporter_added_information':
      return `information added by ${by}`;
    case 'evidence_registered':
      return `evidence registered by ${by}`;
    case 'evidence_exported':
      return `evidence pack exported by ${by}`;
    default:
      return `moved on (${e.type.replace(/_/g, ' ')}) by ${by}`;
  }
}

/** "Done: marked resolved by <@U1>, <date>" — the line that replaces a settled message's buttons. */
export function settledLine(e: EventFacts, reader: string | null, timeZone: string): string {
  return `:white_check_mark: *No longer waiting on ${reader ? 'you' : 'the team'}:* ${eventClause(e, reader)}, ${slackDate(e.at, timeZone)}.`;
}
