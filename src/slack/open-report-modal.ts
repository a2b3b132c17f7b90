import type { RespondFn } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import { type Logger, WebAPIPlatformError, type WebClient } from '@slack/web-api';

/**
 * Opens the report form. The trigger dies 3 s after the click, so this runs before any other
 * work; if Slack refuses it, the person is told how to try again rather than left waiting.
 */
export async function openReportModal(args: {
  client: WebClient;
  respond?: RespondFn;
  logger: Logger;
  triggerId: string;
  view: ModalView;
}): Promise<void> {
  try {
    await args.client.views.open({ trigger_id: args.triggerId, view: args.view });
  } catch (err) {
    const code = err instanceof WebAPIPlatformError ? String(err.data.error) : 'unreachable';
    args.logger.warn(`report form could not be opened (${code})`);
    await args.respond?.({
      response_type: 'ephemeral',
      text:
        code === 'expired_trigger_id' || code === 'exchanged_trigger_id'
          ? 'Slack took too long to open the report form. Please run /report-incident again.'
          : 'Sorry, the report form could not be opened just now. Please try again in a minute, or tell the security team directly.',
    });
  }
}
