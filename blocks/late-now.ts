import type { KnownBlock } from '@slack/types';
import type { LateNow } from '../src/services/late-now';
import { md } from './text';

/** The briefing's "late now" section: every kind of lateness, not only the regulator's deadlines. */
export function lateNowBlocks(late: LateNow): KnownBlock[] {
  const lines = [
    `Reports waiting for triage: ${late.untriaged}`,
    `Incidents past their target resolution time: ${late.pastTarget}`,
    `Overdue actions: ${late.actions}`,
    `Outside bodies' deadlines passed, not recorded: ${late.notifications}`,
    `Closure steps waiting (review, request, peer review, CIO approval): ${late.closureSteps}`,
  ];
  return [{ type: 'section', text: md(`*Late now, of every kind*\n${lines.join('\n')}`) }];
}
