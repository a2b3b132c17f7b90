import type { MessageShortcut } from '@slack/bolt';
import { processedRequests } from '../../../../db/schema';
import { messageUrl } from '../../../domain/links';
import { TEXT_MAX } from '../../../domain/report-input';
import type { ListenerDeps } from '../../deps';
import { openReportModal } from '../../open-report-modal';
import { displayNames, mentionedIds, readableMessage } from '../../readable-message';
import { unescapeSlackText } from '../../view-state';
import type { Listeners } from '../router';

export const SHORTCUTS = {
  report: 'report_incident_shortcut',
  reportMessage: 'report_message',
  addToTimeline: 'add_to_timeline',
} as const;

/**
 * A message's link, built from the payload and the workspace URL (auth.test at start-up), so no
 * Slack call comes before views.open and the link does not depend on `team.domain` being sent.
 * A reply in a thread links into its thread, as Slack's own permalinks do.
 */
function messageLink(workspaceUrl: string, shortcut: MessageShortcut): string | null {
  const channel = shortcut.channel?.id;
  const ts = shortcut.message?.ts ?? shortcut.message_ts;
  if (!channel || !ts) return null;
  const link = messageUrl(workspaceUrl, channel, ts);
  const thread: unknown = shortcut.message?.thread_ts;
  return typeof thread === 'string' && thread !== ts ? `${link}?thread_ts=${thread}&cid=${channel}` : link;
}

/** The names of the files on a message: a mis-sent attachment is often the incident itself. */
function fileNames(shortcut: MessageShortcut): string[] {
  const files: unknown = shortcut.message?.files;
  if (!Array.isArray(files)) return [];
  return files
    .map((f: { name?: unknown; title?: unknown } | null) => f?.name ?? f?.title)
    .filter((n): n is string => typeof n === 'string' && n.trim() !== '');
}

/**
 * Slack may deliver one shortcut twice (a retry after a slow ack): the trigger id is the same, so
 * the first delivery is remembered and the repeat opens nothing.
 */
function firstTime(deps: ListenerDeps, triggerId: string): boolean {
  const fresh =
    deps.db
      .insert(processedRequests)
      .values({ key: `shortcut:${triggerId}`, incidentId: null, at: deps.clock.now() })
      .onConflictDoNothing()
      .run().changes > 0;
  if (!fresh) deps.logger.debug('dropped a repeated shortcut');
  return fresh;
}

export function registerReportShortcuts(app: Listeners, deps: ListenerDeps): void {
  app.shortcut({ type: 'shortcut', callback_id: SHORTCUTS.report }, async ({ ack, shortcut, client }) => {
    await ack();
    if (!firstTime(deps, shortcut.trigger_id)) return;
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
      if (!firstTime(deps, shortcut.trigger_id)) return;
      const raw = shortcut.message?.text ?? '';
      const sender = shortcut.message?.user;
      const names = await displayNames(client, [...(sender ? [sender] : []), ...mentionedIds(raw)]);
      // Names and defanged links, never <@U…> or a live link: the text is stored and shown as typed.
      const quoted = unescapeSlackText(readableMessage(raw, names)).trim();
      const author = sender ? `Message from ${names.get(sender) ?? 'someone'}` : 'Message';
      const files = fileNames(shortcut);
      const description = [
        quoted ? `${author}:\n${quoted}` : files.length > 0 ? `${author} with files.` : '',
        files.length > 0 ? `Attached files: ${files.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('\n\n');
      await openReportModal(deps, {
        client,
        respond,
        triggerId: shortcut.trigger_id,
        metadata: { source: 'message', permalink: messageLink(deps.workspaceUrl, shortcut) },
        text: { description: description.slice(0, TEXT_MAX) },
      });
    },
  );
}
