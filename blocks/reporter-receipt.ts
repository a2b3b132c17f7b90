import type { KnownBlock } from '@slack/types';
import type { Incident } from '../db/schema';
import { addInformationButton } from './record-controls';
import { md } from './text';

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

/** The reporter's DM. PRODUCT.md Privacy: the reference and what happens next, no report details. */
export function reporterReceipt(
  incident: Pick<Incident, 'reference'> & Partial<Pick<Incident, 'restricted' | 'id'>>,
): SlackMessage {
  return {
    text: `Thank you: your report ${incident.reference} is with the security team.`,
    blocks: [
      {
        type: 'section',
        text: md(
          `:white_check_mark: Thank you for reporting. Your reference is *${incident.reference}*.\n` +
            'The security team has your report and will decide how serious it is. ' +
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
            'I will message you here when the status of your report changes. Remembered something, or have a screenshot or the email? *Add information* at any time.',
          ),
        ],
      },
      // Seed 003 §4.1: the reporter adds information or evidence to their own report, from here.
      ...(incident.id !== undefined ? [addInformationButton(incident.id)] : []),
    ],
  };
}
