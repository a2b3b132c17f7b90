import type { KnownBlock } from '@slack/types';
import type { Incident } from '../db/schema';
import { addInformationButton } from './record-controls';
import { md, userText } from './text';

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

/** The reporter's DM. PRODUCT.md Privacy: the reference and what happens next, no report details. */
export function reporterReceipt(
  incident: Pick<Incident, 'reference'> & Partial<Pick<Incident, 'restricted' | 'id' | 'title'>>,
): SlackMessage {
  const title = incident.title && !incident.restricted ? ` (“${userText(incident.title, 150)}”)` : '';
  return {
    text: `Thank you: your report ${incident.reference} is with the security team.`,
    blocks: [
      {
        type: 'section',
        text: md(
          `:white_check_mark: Thank you for reporting. Your report *${incident.reference}*${title} is received.\n` +
            '*What happens next:* the security team looks at it and decides how serious it is. ' +
            'They may contact you for more details; please keep any evidence as it is.',
        ),
      },
      ...(incident.restricted
        ? [
            {
              type: 'section' as const,
              text: md(
                ':lock: As you asked, your report is *restricted*: only the SIRO and the people the SIRO adds (your deputy head, for a report about your head) see its details; the security channel sees only its reference and status.',
              ),
            },
          ]
        : []),
      {
        type: 'context',
        elements: [
          md(
            'I will tell you here when it is being handled, and when it is closed. Remembered something, or have a screenshot or the email? *Add information* at any time.',
          ),
        ],
      },
      // Seed 003 §4.1: the reporter adds information or evidence to their own report, from here.
      ...(incident.id !== undefined ? [addInformationButton(incident.id)] : []),
    ],
  };
}
