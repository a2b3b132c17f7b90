import type { ModalView } from '@slack/types';
import type { Incident } from '../db/schema';
import { md, plain } from './text';

/** What the modal turns into on submission: the reporter has the reference even if no DM arrives. */
export function reportConfirmation(incident: Pick<Incident, 'reference'>): ModalView {
  return {
    type: 'modal',
    callback_id: 'report_confirmation',
    title: plain('Report sent', 24),
    close: plain('Done', 24),
    blocks: [
      {
        type: 'section',
        text: md(
          `:white_check_mark: Thank you. Your report is *${incident.reference}*.\nPlease quote this reference if you contact the security team about it.`,
        ),
      },
      {
        type: 'section',
        text: md(
          '*What happens next*\n• The security team has your report now and will decide how serious it is.\n' +
            '• Someone may contact you for more details: keep any evidence as it is.\n' +
            '• You will get a message from me when the status of your report changes.',
        ),
      },
    ],
  };
}
