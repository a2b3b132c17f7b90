import type { Incident } from '../db/schema';
import type { DirectMessage } from '../src/domain/deliveries';
import { RESTRICTED_TITLE } from '../src/domain/restricted';
import { type EventFacts, eventClause } from './event-words';
import { categoryLabel } from './labels';
import type { ReporterDialogueTemplate } from './reporter-dialogue';
import type { SlackMessage } from './reporter-receipt';
import { md, mention, slackDate, userText } from './text';

/** The reporter's questions and answers are drawn in reporter-dialogue.ts. */
type NoteTemplate = Exclude<DirectMessage, 'receipt' | 'status' | ReporterDialogueTemplate>;

/**
 * News that needs no step now (steps are asked for by duty messages): drawn from the event that
 * caused it, for the person it is about. Reference and title, never the report's description.
 */
export function noteMessage(
  template: NoteTemplate,
  i: Incident,
  e: EventFacts,
  reader: string,
  timeZone: string,
): SlackMessage {
  const ref = i.restricted
    ? `*${i.reference}* (${RESTRICTED_TITLE.toLowerCase()})`
    : `*${i.reference} · ${userText(i.title, 150)}*`;
  const actor = e.actorId === reader ? 'You' : mention(e.actorId);
  const after = e.after ?? {};
  const quote = (v: unknown) => (typeof v === 'string' && v ? `\n>${userText(v, 600)}` : '');
  let text: string;
  switch (template) {
    case 'irm_replaced':
      text = `:arrow_right_hook: ${actor} made ${typeof after.irmId === 'string' ? mention(after.irmId) : 'someone else'} the Incident Response Manager for ${ref}. You no longer follow it: thank you.`;
      break;
    case 'analysis_approved':
      text = `:white_check_mark: ${actor} approved your causal analysis${typeof after.round === 'number' && after.round > 1 ? ` (round ${after.round})` : ''} for ${ref}.${quote(after.comment)}`;
      break;
    case 'severity_changed': {
      const target = (d: unknown) => (typeof d === 'string' ? slackDate(new Date(d), timeZone) : 'none');
      text =
        `:balance_scale: ${actor} changed the severity of ${ref} ${eventClause(e, reader)
          .replace(/ by .*$/, '')
          .replace('severity changed ', '')}.${quote(after.reason)}` +
        `\nTarget resolution: ${target(e.before?.targetResolutionAt)} → *${target(after.targetResolutionAt)}*.`;
      break;
    }
    case 'reopened':
      text = `:repeat: ${actor} reopened ${ref}.${quote(after.reason)}\nOnce operations are restored again you will be asked for a new causal analysis.`;
      break;
    case 'access_granted':
      text = `:key: ${actor} let you see and work on ${ref}, a restricted report: its details go only to the SIRO and the people they add, so please keep them to yourself. \`/incident ${i.reference}\` shows it; I will ask you here for any step that is yours.`;
      break;
    case 'asset_owner':
      text = `:information_source: A report names you as the *Information Asset Owner* of the information involved: ${i.restricted ? `*${i.reference}*` : `*${i.reference}* (${categoryLabel(i.category)})`}. The security team is looking at it and may contact you; nothing is needed from you now (seed 003 §3.7).`;
      break;
  }
  return {
    text: `${i.reference}: ${NOTE_HEADLINES[template]}`,
    blocks: [{ type: 'section', text: md(text) }],
  };
}

/** The notification line (lock screen): plain words, no markup. */
const NOTE_HEADLINES: Record<NoteTemplate, string> = {
  irm_replaced: 'you are no longer its Incident Response Manager',
  analysis_approved: 'your causal analysis was approved',
  severity_changed: 'its severity changed',
  reopened: 'it was reopened',
  access_granted: 'you may now see this restricted report',
  asset_owner: 'a report names you as the Information Asset Owner',
};

/** The report as its reporter knows it: reference and title (a restricted one by reference alone). */
export function reportName(i: Pick<Incident, 'reference' | 'title' | 'restricted'>): string {
  return i.restricted ? `*${i.reference}*` : `*${i.reference}* (“${userText(i.title, 150)}”)`;
}

/**
 * The reporter hears three things: received (reporterReceipt), being handled, closed; and, after a
 * closure, that it is handled again. Plain words, no team jargon; no details of the report.
 */
export function statusMessage(
  i: Incident,
  from?: Incident['status'],
  /** At closure, what the team chose to tell the reporter was done. */
  whatWasDone?: string | null,
): SlackMessage {
  const name = reportName(i);
  const done = whatWasDone ? `\n*What was done:* ${userText(whatWasDone, 600)}` : '';
  const text =
    i.status === 'closed'
      ? `:white_check_mark: Your report ${name} is closed: the team has dealt with it. Thank you for reporting it: reports like yours are how we keep information safe.${done}`
      : i.status === 'not_incident'
        ? `:white_check_mark: Your report ${name} has been looked at and closed: it was not a security incident. Thank you for reporting it.`
        : i.status === 'duplicate'
          ? `:white_check_mark: Your report ${name} has been looked at and closed: it was already reported, and is handled there. Thank you for reporting it.`
          : i.status === 'reported'
            ? `:arrows_counterclockwise: Your report ${name} is being looked at again. I will tell you here when it is closed.`
            : from && ['closed', 'not_incident', 'duplicate'].includes(from)
              ? `:arrows_counterclockwise: Your report ${name} has been reopened and is being handled again. I will tell you here when it is closed.`
              : `:hammer_and_wrench: Your report ${name} is being handled: the security team is working on it. I will tell you here when it is closed.`;
  return {
    text: text.replace(/^:[a-z_]+: /, '').replace(/\*/g, ''),
    blocks: [{ type: 'section', text: md(text) }],
  };
}
