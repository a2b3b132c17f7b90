import type { KnownBlock } from '@slack/types';
import type { Incident } from '../db/schema';
import { STATUS_LABELS } from './labels';
import type { SlackMessage } from './reporter-receipt';
import { md, slackDate, userText } from './text';
import { type CardModel, triageCard } from './triage-card';

/** The card's content without its controls and with every action, for someone looking an incident up. */
export function incidentDetails(m: CardModel, cardUrl: string | null): SlackMessage {
  const card = triageCard(m, 'lookup');
  const blocks: KnownBlock[] = [...(card.blocks ?? [])];
  if (cardUrl)
    blocks.push({ type: 'context', elements: [md(`<${encodeURI(cardUrl)}|Open the card and its thread>`)] });
  return { text: card.text, blocks };
}

/** What a reporter may see of their own report: its status. */
export function incidentStatus(i: Incident, timeZone: string): SlackMessage {
  const text = `*${i.reference}* · ${userText(i.title, 150)}\nStatus: *${STATUS_LABELS[i.status]}* · reported ${slackDate(i.reportedAt, timeZone)}`;
  return {
    text: `${i.reference}: ${STATUS_LABELS[i.status]}`,
    blocks: [{ type: 'section', text: md(text) }],
  };
}

export const INCIDENT_HELP = [
  '*Vigil commands*',
  '• `/report-incident [title]`: report an incident, near miss or weakness (also the *Report security incident* shortcut, and *Report this message* on any message).',
  '• `/incident INC-2026-0007`: look an incident up. The security team sees the details; a reporter sees the status of their own report.',
  '• `/incident stats [last-month | 2026-03 | 2026-Q1 | 2026 | 2026-01-01..2026-03-31]`: statistics for management review (role holders).',
  '• `/incident export [csv | json]`: the register as a file (role holders).',
  '• `/incident evidence INC-2026-0007`: the evidence pack for an auditor, as Markdown and JSON (role holders).',
].join('\n');
