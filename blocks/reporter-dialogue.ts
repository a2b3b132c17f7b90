import type { Incident } from '../db/schema';
import type { EventFacts } from './event-words';
import { answerButton } from './record-controls';
import type { SlackMessage } from './reporter-receipt';
import { md, mention, userText } from './text';

export const REPORTER_DIALOGUE = ['reporter_question', 'reporter_answered', 'reporter_added'] as const;
export type ReporterDialogueTemplate = (typeof REPORTER_DIALOGUE)[number];

export const isReporterDialogue = (t: string): t is ReporterDialogueTemplate =>
  (REPORTER_DIALOGUE as readonly string[]).includes(t);

/**
 * Seed 003 §4.1, both ways: the team's question to the reporter (with the button to answer it
 * and to add more), and the reporter's answer or addition to whoever needs it. The reporter reads
 * their own report's reference and title; the question is the team's own words.
 */
export function reporterDialogueMessage(
  template: ReporterDialogueTemplate,
  i: Pick<Incident, 'id' | 'reference' | 'title'>,
  e: EventFacts & { id: number },
): SlackMessage {
  const ref = `*${i.reference} · ${userText(i.title, 150)}*`;
  const after = e.after ?? {};
  const quote = (v: unknown, max: number) => (typeof v === 'string' && v ? `\n>${userText(v, max)}` : '');
  const files =
    Array.isArray(after.evidence) && after.evidence.length > 0
      ? `\n:paperclip: ${after.evidence.length} file${after.evidence.length === 1 ? '' : 's'} added to the evidence.`
      : '';
  switch (template) {
    case 'reporter_question':
      return {
        text: `${i.reference}: the security team has a question about your report`,
        blocks: [
          {
            type: 'section',
            text: md(
              `:question: The security team has a question about your report ${ref}:${quote(after.question, 2000)}`,
            ),
          },
          answerButton(i.id, e.id),
        ],
      };
    case 'reporter_answered':
      return {
        text: `${i.reference}: the reporter answered your question`,
        blocks: [
          {
            type: 'section',
            text: md(
              `:speech_balloon: ${mention(e.actorId)} answered your question about ${ref}:${quote(after.question, 300)}\n*Answer:*${quote(after.answer, 2500)}${files}`,
            ),
          },
        ],
      };
    case 'reporter_added':
      return {
        text: `${i.reference}: the reporter added information`,
        blocks: [
          {
            type: 'section',
            text: md(
              `:memo: ${mention(e.actorId)}, who reported ${ref}, added information:${quote(after.text, 2500)}${files}`,
            ),
          },
        ],
      };
  }
}
