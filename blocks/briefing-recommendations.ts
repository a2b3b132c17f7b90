import { TZDate } from '@date-fns/tz';
import type { KnownBlock, ModalView } from '@slack/types';
import { format } from 'date-fns';
import type { periodicReports } from '../db/schema';
import type { Config } from '../src/config';
import { briefingDeadline, RECOMMENDATIONS_MAX } from '../src/domain/briefing-recommendations';
import type { RootCauseCount } from '../src/services/repeat-root-causes';
import { textInput } from './inputs';
import type { SlackMessage } from './reporter-receipt';
import { fitList, md, mention, plain, slackDate, userText } from './text';

/** The writer's button on the request DM, and the form it opens (seed 000 Rep.4.4). */
export const BRIEFING_RECOMMEND_ACTION = 'briefing_recommend';
export const BRIEFING_RECOMMEND_VIEW = 'briefing_recommendations';
export const RECOMMENDATIONS_BLOCK = 'recommendations';

const writersName = (config: Config) =>
  config.briefing.writersAre === 'management_rep' ? 'the Management Representative' : 'the SIRO';

function monthName(period: string, timeZone: string): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return format(new TZDate(y, m - 1, 1, timeZone), 'MMMM yyyy');
}

/** The DM asking the writer for recommendations, with the button that opens the form. */
export function briefingRequestMessage(config: Config, period: string, sentAt: Date): SlackMessage {
  const month = monthName(period, config.orgTimeZone);
  const goesAt = slackDate(briefingDeadline(config, sentAt), config.orgTimeZone);
  return {
    text: `Please write recommendations for the ${month} briefing to the Managing Director`,
    blocks: [
      {
        type: 'section',
        text: md(
          `:memo: *The ${month} incident briefing is due.* Please write your recommendations for the Managing Director. The briefing goes as soon as you submit them; without them it goes ${goesAt}, saying none were written.`,
        ),
      },
      {
        type: 'actions',
        block_id: 'briefing_recommend',
        elements: [
          {
            type: 'button',
            action_id: BRIEFING_RECOMMEND_ACTION,
            text: plain('Write recommendations', 75),
            style: 'primary',
            value: period,
          },
        ],
      },
    ],
  };
}

export function recommendationsModal(period: string, timeZone: string): ModalView {
  return {
    type: 'modal',
    callback_id: BRIEFING_RECOMMEND_VIEW,
    title: plain('Recommendations', 24),
    submit: plain('Send briefing', 24),
    close: plain('Cancel', 24),
    private_metadata: period,
    blocks: [
      {
        type: 'section',
        text: md(
          `For the ${monthName(period, timeZone)} briefing. The Managing Director receives the briefing with these as soon as you submit.`,
        ),
      },
      textInput(RECOMMENDATIONS_BLOCK, 'Your recommendations', {
        multiline: true,
        max: RECOMMENDATIONS_MAX,
        hint: 'What should change: controls, training, resources, priorities.',
      }),
    ],
  };
}

/** What the writer sees once they submit: the briefing has gone, with their recommendations. */
export function recommendationsSentModal(period: string, timeZone: string): ModalView {
  return {
    type: 'modal',
    title: plain('Recommendations', 24),
    close: plain('Close', 24),
    blocks: [
      {
        type: 'section',
        text: md(
          `:white_check_mark: Sent. The Managing Director has the ${monthName(period, timeZone)} briefing with your recommendations.`,
        ),
      },
    ],
  };
}

/** Root causes found more than once this month (seed 000 Rep.4.4: repeated causes). */
export function repeatRootCausesBlock(causes: RootCauseCount[]): KnownBlock {
  const list = fitList(
    causes.map((c) => `• ${userText(c.text, 300)} (${c.count} incidents)`),
    2500,
    { separator: '\n', empty: 'none' },
  );
  return { type: 'section', text: md(`*Repeated root causes* (from this month's causal analyses)\n${list}`) };
}

/** The briefing's recommendations, or plainly that none were written and why. */
export function recommendationsBlock(
  config: Config,
  row: Pick<
    typeof periodicReports.$inferSelect,
    'recommendations' | 'recommendedBy' | 'recommendedAt' | 'sentAt'
  >,
): KnownBlock {
  if (row.recommendations && row.recommendedBy && row.recommendedAt)
    return {
      type: 'section',
      text: md(
        `*Recommendations* (${mention(row.recommendedBy)}, ${slackDate(row.recommendedAt, config.orgTimeZone)})\n${userText(row.recommendations, RECOMMENDATIONS_MAX + 300)}`,
      ),
    };
  const wait = config.briefing.waitWorkingDays;
  const why =
    wait === 0
      ? 'Vigil is set to send the briefing without waiting for them.'
      : `${writersName(config)[0]?.toUpperCase()}${writersName(config).slice(1)} was asked ${slackDate(row.sentAt, config.orgTimeZone)} and none came within ${wait} working day${wait === 1 ? '' : 's'}.`;
  return { type: 'section', text: md(`*Recommendations*\nNone were written. ${why}`) };
}
