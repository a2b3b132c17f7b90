import { userText } from '../../blocks/text';
import { applyChange, type RecordResult, type Target } from './change';
import type { DomainContext } from './context';
import { InvalidTransition } from './errors';
import { assertCan } from './permissions';
import type { Actor } from './roles';

/** The longest message kept on the timeline (Slack's own messages are at most 40,000 characters). */
export const TIMELINE_NOTE_MAX = 40_000;

export interface TimelineNote {
  /** The message's own ts, so the same reply is added once however often it is chosen. */
  messageTs: string;
  /** Who wrote it (a Slack member id), when Slack says. */
  authorId: string | null;
  text: string;
}

/**
 * A reply in the card's thread made part of the record: responders work in the thread, and what
 * they find there (a log excerpt, a decision, a call with the supplier) belongs in the audit
 * trail, the evidence pack and the export, closed or not (evidence can come late).
 */
export function addTimelineNote(
  ctx: DomainContext,
  actor: Actor,
  target: Target,
  note: TimelineNote,
): RecordResult {
  return applyChange(ctx, { ...target, version: undefined }, (_tx, incident) => {
    assertCan(ctx.config, actor, 'post_update', incident, 'add to the timeline');
    const text = note.text.trim();
    if (!text) throw new InvalidTransition('That message has no text to add to the timeline.');
    if (text.length > TIMELINE_NOTE_MAX)
      throw new InvalidTransition(`That message is over ${TIMELINE_NOTE_MAX} characters: too long to add.`);
    return {
      actor,
      type: 'timeline_note',
      after: { messageTs: note.messageTs, authorId: note.authorId, text },
      summary: `:pushpin: <@${actor.id}> added ${note.authorId ? `<@${note.authorId}>’s message` : 'a message'} to the timeline: ${userText(text, 600)}`,
    };
  });
}
