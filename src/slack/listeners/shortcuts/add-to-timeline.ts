import type { MessageShortcut } from '@slack/bolt';
import { and, eq } from 'drizzle-orm';
import { incidents } from '../../../../db/schema';
import { DomainError } from '../../../domain/errors';
import { isSlackUserId } from '../../../domain/people-ids';
import { addTimelineNote } from '../../../domain/timeline-note';
import { refuse, resolveActor } from '../../card-interaction';
import type { ListenerDeps } from '../../deps';
import { unescapeSlackText } from '../../view-state';
import type { Listeners } from '../router';
import { SHORTCUTS } from './report-shortcuts';

/**
 * "Add to incident timeline" on a reply in a card's thread: the reply joins the incident's record
 * (audited, in the evidence pack and the export). Slack offers the shortcut only on messages the
 * person can see; the thread must be an incident card's, and the person one who may work on it.
 */
export function registerAddToTimeline(app: Listeners, deps: ListenerDeps): void {
  const ctx = { db: deps.db, clock: deps.clock, config: deps.config };
  app.shortcut<MessageShortcut>(
    { type: 'message_action', callback_id: SHORTCUTS.addToTimeline },
    async ({ ack, shortcut, respond }) => {
      await ack();
      const userId = shortcut.user.id;
      const thread: unknown = shortcut.message?.thread_ts;
      const ts = shortcut.message?.ts ?? shortcut.message_ts;
      const incident =
        typeof thread === 'string' && shortcut.channel?.id
          ? deps.db
              .select({ id: incidents.id, reference: incidents.reference })
              .from(incidents)
              .where(and(eq(incidents.cardChannelId, shortcut.channel.id), eq(incidents.cardTs, thread)))
              .get()
          : undefined;
      if (!incident || !ts || ts === thread) {
        await refuse(
          deps,
          respond,
          userId,
          'Use *Add to incident timeline* on a reply in an incident card’s thread.',
          'timeline note outside a card thread',
        );
        return;
      }
      const author = shortcut.message?.user;
      try {
        const { applied } = addTimelineNote(
          ctx,
          await resolveActor(deps, userId),
          { incidentId: incident.id, requestKey: `timeline:${shortcut.channel.id}:${ts}` },
          {
            messageTs: ts,
            authorId: isSlackUserId(author) ? author : null,
            text: unescapeSlackText(shortcut.message?.text ?? ''),
          },
        );
        deps.outbox.kick();
        await respond({
          response_type: 'ephemeral',
          replace_original: false,
          text: applied
            ? `:pushpin: Added to ${incident.reference}’s timeline: it is in the audit trail, the evidence pack and the export.`
            : `That message is already on ${incident.reference}’s timeline.`,
        });
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        await refuse(deps, respond, userId, err.message, `timeline note on ${incident.reference}`);
      }
    },
  );
}
