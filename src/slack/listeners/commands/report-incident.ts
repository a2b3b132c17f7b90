import type { App } from '@slack/bolt';
import { reportModal } from '../../../../blocks/report-modal';
import { TITLE_MAX } from '../../../domain/report-input';
import type { ListenerDeps } from '../../deps';
import { openReportModal } from '../../open-report-modal';
import { unescapeSlackText } from '../../view-state';

export const REPORT_COMMAND = '/report-incident';

export function registerReportIncidentCommand(app: App, deps: ListenerDeps): void {
  app.command(REPORT_COMMAND, async ({ command, ack, client, respond }) => {
    await ack();
    const title = unescapeSlackText(command.text ?? '')
      .trim()
      .slice(0, TITLE_MAX);
    await openReportModal({
      client,
      respond,
      logger: deps.logger,
      triggerId: command.trigger_id,
      view: reportModal({
        departments: deps.config.departments.map((d) => d.name),
        draft: {
          text: title ? { title } : {},
          times: { discoveredAt: Math.floor(deps.clock.now().getTime() / 1000) },
          users: {},
        },
        privateMetadata: JSON.stringify({ source: 'command' }),
      }),
    });
  });
}
