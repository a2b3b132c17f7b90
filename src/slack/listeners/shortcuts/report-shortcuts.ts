import type { App, MessageShortcut } from '@slack/bolt';
import { TEXT_MAX } from '../../../domain/report-input';
import type { ListenerDeps } from '../../deps';
import { openReportModal } from '../../open-report-modal';
import { unescapeSlackText } from '../../view-state';

export const SHORTCUTS = { report: 'report_incident_shortcut', reportMessage: 'report_message' } as const;

/** A message's link, built from the payload: no Slack call may come before views.open. */
function messageLink(shortcut: MessageShortcut): string | null {
  const domain = shortcut.team?.domain;
  const channel = shortcut.channel?.id;
  const ts = shortcut.message_ts ?? shortcut.message?.ts;
  return domain && channel && ts
    ? `https://${domain}.slack.com/archives/${channel}/p${ts.replace('.', '')}`
    : null;
}

export function registerReportShortcuts(app: App, deps: ListenerDeps): void {
  app.shortcut({ type: 'shortcut', callback_id: SHORTCUTS.report }, async ({ ack, shortcut, client }) => {
    await ack();
    await openReportModal(deps, {
      client,
      triggerId: shortcut.trigger_id,
      metadata: { source: 'shortcut', permalink: null },
    });
  });

  /** "Report this message": the classic phishing mail forwarded into Slack, or a mis-sent file. */
  app.shortcut<MessageShortcut>(
    { type: 'message_action', callback_id: SHORTCUTS.reportMessage },
    async ({ ack, shortcut, client, respond }) => {
      await ack();
      const quoted = unescapeSlackText(shortcut.message?.text ?? '').trim();
      const author = shortcut.message?.user ? `Message from <@${shortcut.message.user}>` : 'Message';
      await openReportModal(deps, {
        client,
        respond,
        triggerId: shortcut.trigger_id,
        metadata: { source: 'message', permalink: messageLink(shortcut) },
        text: { description: quoted ? `${author}:\n${quoted}`.slice(0, TEXT_MAX) : '' },
      });
    },
  );
}
