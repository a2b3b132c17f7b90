import type { RespondFn } from '@slack/bolt';
import { WebAPIPlatformError, type WebClient } from '@slack/web-api';
import { reportModal } from '../../blocks/report-modal';
import type { ListenerDeps } from './deps';
import type { ReportMetadata } from './report-form';

/**
 * Opens the report form, from a command, a shortcut, a message or App Home. The trigger dies 3 s
 * after the click, so this runs before any other work; if Slack refuses, the person is told how
 * to try again (where Slack gave a way to answer them).
 */
export async function openReportModal(
  deps: ListenerDeps,
  args: {
    client: WebClient;
    triggerId: string;
    respond?: RespondFn;
    metadata: ReportMetadata;
    text?: Partial<Record<'title' | 'description', string>>;
  },
): Promise<void> {
  const view = reportModal({
    departments: deps.config.departments.map((d) => d.name),
    draft: {
      text: Object.fromEntries(Object.entries(args.text ?? {}).filter(([, v]) => v)),
      times: { discoveredAt: Math.floor(deps.clock.now().getTime() / 1000) },
      users: {},
    },
    privateMetadata: JSON.stringify(args.metadata),
  });
  try {
    await args.client.views.open({ trigger_id: args.triggerId, view });
  } catch (err) {
    const code = err instanceof WebAPIPlatformError ? String(err.data.error) : 'unreachable';
    deps.logger.warn(`report form could not be opened (${code})`);
    await args.respond?.({
      response_type: 'ephemeral',
      text:
        code === 'expired_trigger_id' || code === 'exchanged_trigger_id'
          ? 'Slack took too long to open the report form. Please run /report-incident again.'
          : 'Sorry, the report form could not be opened just now. Please try again in a minute, or tell the security team directly.',
    });
  }
}
