import type { MessageShortcut } from '@slack/bolt';
import { and, eq } from 'drizzle-orm';
import { findIncidentById } from '../../../../db/find-incident';
import { incidents } from '../../../../db/schema';
import { DomainError } from '../../../domain/errors';
import { registerEvidence } from '../../../domain/evidence';
import { assertCan } from '../../../domain/permissions';
import { EvidenceFileError, hashSlackFiles } from '../../../services/evidence-files';
import { refuse, resolveActor } from '../../card-interaction';
import type { ListenerDeps } from '../../deps';
import { unescapeSlackText } from '../../view-state';
import type { Listeners } from '../router';

export const ADD_AS_EVIDENCE = 'add_as_evidence';

/** The files a message shortcut says the message carries (ids only: Slack is asked for the rest). */
function fileIdsOf(message: unknown): string[] {
  const files = (message as { files?: unknown } | undefined)?.files;
  return Array.isArray(files) ? files.flatMap((f) => (typeof f?.id === 'string' ? [String(f.id)] : [])) : [];
}

/**
 * "Add as evidence" on a message in an incident card's thread (seed 000 Rep.2, ISO 27001 A.5.28):
 * its files are read from Slack and hashed, and registered with the message's text as their note
 * (a message without files is registered as a note). Vigil gets no message events: the person
 * chooses what is evidence, where they see it.
 */
export function registerAddAsEvidence(app: Listeners, deps: ListenerDeps): void {
  const ctx = { db: deps.db, clock: deps.clock, config: deps.config };
  app.shortcut<MessageShortcut>(
    { type: 'message_action', callback_id: ADD_AS_EVIDENCE },
    async ({ ack, shortcut, respond, client }) => {
      await ack();
      const userId = shortcut.user.id;
      const thread: unknown = shortcut.message?.thread_ts;
      const ts = shortcut.message?.ts ?? shortcut.message_ts;
      const found =
        typeof thread === 'string' && shortcut.channel?.id
          ? deps.db
              .select({ id: incidents.id })
              .from(incidents)
              .where(and(eq(incidents.cardChannelId, shortcut.channel.id), eq(incidents.cardTs, thread)))
              .get()
          : undefined;
      const incident = found ? findIncidentById(deps.db, found.id) : undefined;
      if (!incident || !ts || ts === thread) {
        await refuse(
          deps,
          respond,
          userId,
          'Use *Add as evidence* on a message in an incident card’s thread, or *Add evidence…* on the card.',
          'evidence outside a card thread',
        );
        return;
      }
      try {
        const actor = await resolveActor(deps, userId);
        assertCan(deps.config, actor, 'add_evidence', incident, 'register evidence');
        const files = await hashSlackFiles(client, deps.config.slack.botToken, fileIdsOf(shortcut.message));
        const text = unescapeSlackText(shortcut.message?.text ?? '').trim();
        const { applied } = registerEvidence(
          ctx,
          actor,
          { incidentId: incident.id, requestKey: `evidence:${shortcut.channel.id}:${ts}` },
          { source: 'thread', files, note: text || null, channelId: shortcut.channel.id, messageTs: ts },
        );
        deps.outbox.kick();
        await respond({
          response_type: 'ephemeral',
          replace_original: false,
          text: applied
            ? `:paperclip: Registered as ${incident.reference}’s evidence${files.length > 0 ? `: ${files.map((f) => `${f.name} (SHA-256 ${f.sha256.slice(0, 16)}…)`).join(', ')}` : ' (a note)'}.`
            : `That message is already in ${incident.reference}’s evidence.`,
        });
      } catch (err) {
        if (!(err instanceof DomainError) && !(err instanceof EvidenceFileError)) throw err;
        await refuse(deps, respond, userId, err.message, `evidence on ${incident.reference}`);
      }
    },
  );
}
