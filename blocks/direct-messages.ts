import type { Action, Incident } from '../db/schema';
import { dueDayEnd } from '../src/dates';
import { categoryLabel, SEVERITY_LABELS, STATUS_LABELS } from './labels';
import type { SlackMessage } from './reporter-receipt';
import { md, plain, slackDate, userText } from './text';

/**
 * DMs to people other than the security channel carry the reference, the category and what is
 * owed, never the description (PRODUCT.md Privacy); the card link is for those who may see it.
 */
function facts(i: Incident, timeZone: string): string {
  const lines = [`*Category:* ${categoryLabel(i.category)}`];
  lines.push(`*Severity:* ${i.severity ? SEVERITY_LABELS[i.severity] : 'not triaged yet'}`);
  if (i.targetResolutionAt) lines.push(`*Target resolution:* ${slackDate(i.targetResolutionAt, timeZone)}`);
  return lines.join('\n');
}

const cardLink = (permalink: string | null) =>
  permalink ? `<${encodeURI(permalink)}|Open the incident card>` : '';

export function irmAssignedMessage(i: Incident, permalink: string | null, timeZone: string): SlackMessage {
  return {
    text: `You are the Incident Response Manager for ${i.reference}.`,
    blocks: [
      {
        type: 'section',
        text: md(
          `:clipboard: You are now the *Incident Response Manager* for *${i.reference}*. Please follow it until operations are back to normal and permanent fixes are in place.\n${facts(i, timeZone)}`,
        ),
      },
      ...(permalink ? [{ type: 'context' as const, elements: [md(cardLink(permalink))] }] : []),
    ],
  };
}

export function escalationMessage(
  i: Incident,
  permalink: string | null,
  timeZone: string,
  automatic: boolean,
): SlackMessage {
  // Only the automatic escalation happens because of the report's answer; a click is a person's call.
  const why = automatic
    ? 'The report says customers or staff may be affected, so Vigil escalated it at once.'
    : `The security team has escalated it to you.${i.customersOrStaffAffected === 'yes' ? ' The report says customers or staff may be affected.' : ''}`;
  return {
    text: `Escalated to you: ${i.reference}`,
    blocks: [
      {
        type: 'section',
        text: md(`:rotating_light: *${i.reference}* is escalated to you. ${why}\n${facts(i, timeZone)}`),
      },
      ...(permalink ? [{ type: 'context' as const, elements: [md(cardLink(permalink))] }] : []),
    ],
  };
}

export const ACTION_DM_ACTIONS = { done: 'action_done', notDoing: 'action_not_doing' } as const;

export function actionAssignedMessage(
  i: Incident,
  action: Action,
  permalink: string | null,
  timeZone: string,
): SlackMessage {
  const due = action.dueAt ? `, due ${slackDate(dueDayEnd(action.dueAt), timeZone, '{date_short}')}` : '';
  return {
    text: `You own a ${action.kind} action on ${i.reference}.`,
    blocks: [
      {
        type: 'section',
        text: md(
          `:white_square_button: You own a *${action.kind}* action on *${i.reference}*${due}:\n${userText(action.description, 1000)}`,
        ),
      },
      {
        type: 'actions',
        block_id: `act:${action.id}`,
        elements: [
          {
            type: 'button',
            action_id: ACTION_DM_ACTIONS.done,
            text: plain('Done', 75),
            style: 'primary',
            value: String(action.id),
          },
          {
            type: 'button',
            action_id: ACTION_DM_ACTIONS.notDoing,
            text: plain('Won’t do', 75),
            value: String(action.id),
          },
        ],
      },
      ...(permalink ? [{ type: 'context' as const, elements: [md(cardLink(permalink))] }] : []),
    ],
  };
}

type Ask =
  | 'causal_analysis_due'
  | 'causal_analysis_submitted'
  | 'causal_analysis_returned'
  | 'action_not_doing_proposed'
  | 'action_kept_open';

const ASKS: Record<Ask, string> = {
  causal_analysis_due:
    'Operations are restored. As head of department, please do the *causal analysis*: root cause, permanent preventive measures, and the cost and resources they need. Use *Causal analysis* on the card.',
  causal_analysis_submitted:
    'A *causal analysis* is waiting for your approval as Incident Response Manager. Use *Review analysis* on the card.',
  causal_analysis_returned:
    'Your *causal analysis* was sent back with comments on the card. Please revise and submit it again.',
  action_not_doing_proposed:
    'An action owner proposes *not doing* their action. Please accept it or keep it open from the action’s menu on the card (the IRM or the SIRO decides, never the owner).',
  action_kept_open:
    'Your proposal not to do an action was *not accepted*: the action stays open and is still yours. The card has the details.',
};

export function askMessage(
  i: Incident,
  ask: keyof typeof ASKS,
  permalink: string | null,
  timeZone: string,
): SlackMessage {
  return {
    text: `${i.reference}: ${ASKS[ask].replace(/\*/g, '')}`,
    blocks: [
      { type: 'section', text: md(`:memo: *${i.reference}*: ${ASKS[ask]}\n${facts(i, timeZone)}`) },
      ...(permalink ? [{ type: 'context' as const, elements: [md(cardLink(permalink))] }] : []),
    ],
  };
}

/** The reporter hears of each change of status, and is thanked at closure; no other details. */
export function statusMessage(i: Incident): SlackMessage {
  const text =
    i.status === 'closed'
      ? `Your report *${i.reference}* is now closed. Thank you for reporting it: reports like yours are how we keep information safe.`
      : i.status === 'not_incident' || i.status === 'duplicate'
        ? `Your report *${i.reference}* has been looked at and closed (${STATUS_LABELS[i.status].replace('Closed: ', '')}). Thank you for reporting it.`
        : `Your report *${i.reference}* is now: ${STATUS_LABELS[i.status].toLowerCase()}.`;
  return { text: text.replace(/\*/g, ''), blocks: [{ type: 'section', text: md(text) }] };
}
