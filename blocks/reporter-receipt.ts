import type { KnownBlock } from '@slack/types';
import type { Incident } from '../db/schema';
import { md } from './text';

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

/** The reporter's DM. PRODUCT.md Privacy: the reference and what happens next, no report details. */
export function reporterReceipt(incident: Pick<Incident, 'reference'>): SlackMessage {
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
      {
        type: 'context',
        elements: [md('I will message you here when the status of your report changes.')],
      },
    ],
  };
}
