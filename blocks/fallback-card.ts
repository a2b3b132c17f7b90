import type { Incident } from '../db/schema';
import { RESTRICTED_TITLE } from '../src/domain/restricted';
import { SEVERITY_LABELS, STATUS_LABELS } from './labels';
import { userText } from './text';

/**
 * The card as a few lines of text, for when Slack refuses the full card (too long, invalid
 * blocks): far inside every limit, so the security team still sees every report.
 */
export function fallbackCard(i: Incident): { text: string } {
  const severity = i.severity ? ` · ${SEVERITY_LABELS[i.severity]}` : '';
  return {
    text: [
      `:rotating_light: *${i.reference}* · ${i.restricted ? RESTRICTED_TITLE : userText(i.title, 150)}`,
      `Status: *${STATUS_LABELS[i.status]}*${severity}`,
      `Slack would not show this card in full, so it has no buttons for now. Type \`/incident ${i.reference}\` for the details.`,
    ].join('\n'),
  };
}
