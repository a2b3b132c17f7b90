import { TITLE_MAX } from '../../../domain/report-input';
import type { ListenerDeps } from '../../deps';
import { openReportModal } from '../../open-report-modal';
import { unescapeSlackText } from '../../view-state';
import type { Listeners } from '../router';

export const REPORT_COMMAND = '/report-incident';

export function registerReportIncidentCommand(app: Listeners, deps: ListenerDeps): void {
  app.command(REPORT_COMMAND, async ({ command, ack, client, respond }) => {
    await ack();
    await openReportModal(deps, {
      client,
      respond,
      triggerId: command.trigger_id,
      metadata: { source: 'command', permalink: null },
      text: {
        title: unescapeSlackText(command.text ?? '')
          .trim()
          .slice(0, TITLE_MAX),
      },
    });
  });
}
