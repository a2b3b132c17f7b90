import type { BlockAction, ButtonAction } from '@slack/bolt';
import { HOME_ACTIONS } from '../../../../blocks/home-view';
import type { ListenerDeps } from '../../deps';
import { openReportModal } from '../../open-report-modal';
import type { Listeners } from '../router';

export function registerHomeReportButton(app: Listeners, deps: ListenerDeps): void {
  app.action<BlockAction<ButtonAction>>(HOME_ACTIONS.report, async ({ ack, body, client }) => {
    await ack();
    await openReportModal(deps, {
      client,
      triggerId: body.trigger_id,
      metadata: { source: 'shortcut', permalink: null },
    });
  });
}
