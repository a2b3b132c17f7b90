import type { KnownBlock } from '@slack/types';
import type { LateNow } from '../src/services/late-now';
import { md, plain } from './text';

/** The Managing Director acknowledges the briefing (seed 000 Rep.4.4). */
export const BRIEFING_ACK_ACTION = 'briefing_acknowledge';

/** The briefing's "late now" section: every kind of lateness, not only the regulator's deadlines. */
export function lateNowBlocks(late: LateNow, period: string): KnownBlock[] {
  const lines = [
    `Reports waiting for triage: ${late.untriaged}`,
    `Incidents past their target resolution time: ${late.pastTarget}`,
    `Overdue actions: ${late.actions}`,
    `Outside bodies' deadlines passed, not recorded: ${late.notifications}`,
    `Closure steps waiting (review, request, peer review, CIO approval): ${late.closureSteps}`,
  ];
  return [
    { type: 'section', text: md(`*Late now, of every kind*\n${lines.join('\n')}`) },
    {
      type: 'actions',
      block_id: 'briefing',
      elements: [
        {
          type: 'button',
          action_id: BRIEFING_ACK_ACTION,
          text: plain('Acknowledge', 75),
          style: 'primary',
          value: period,
          accessibility_label: `Acknowledge the briefing for ${period}`,
        },
      ],
    },
  ];
}
