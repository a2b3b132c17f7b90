import type { Incident } from '../db/schema';
import { categoryLabel, SEVERITY_LABELS } from './labels';
import type { SlackMessage } from './reporter-receipt';
import { md, slackDate } from './text';

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

export function escalationMessage(i: Incident, permalink: string | null, timeZone: string): SlackMessage {
  const why =
    i.customersOrStaffAffected === 'yes'
      ? 'The report says customers or staff may be affected.'
      : 'The security team has escalated it to you.';
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
