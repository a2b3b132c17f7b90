import type { KnownBlock } from '@slack/types';
import type { ReminderItem } from '../src/domain/reminders';
import type { SlackMessage } from './reporter-receipt';
import { md, plain } from './text';

export const REMINDER_ACTIONS = {
  done: 'reminder_done',
  snoozeDay: 'reminder_snooze_day',
  snoozeWeek: 'reminder_snooze_week',
} as const;

const MAX_ITEMS = 20;

/** One DM per person per sweep: what they owe, each with Done and Snooze. */
export function reminderDigest(items: ReminderItem[]): SlackMessage {
  const urgent = items.some((i) => i.urgent);
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: md(
        `${urgent ? ':rotating_light: *Urgent:* ' : ':bell: '}${items.length === 1 ? 'One incident item needs' : `${items.length} incident items need`} your attention.`,
      ),
    },
  ];
  items.slice(0, MAX_ITEMS).forEach((item, n) => {
    blocks.push(
      {
        type: 'section',
        block_id: `rem:${n}:text`,
        text: md(`${item.urgent ? ':rotating_light: ' : ''}*${item.reference}*: ${item.text}`),
      },
      {
        type: 'actions',
        block_id: `rem:${n}`,
        elements: [
          {
            type: 'button',
            action_id: REMINDER_ACTIONS.done,
            text: plain(item.actionId ? 'Done' : 'Dismiss', 75),
            value: item.key,
          },
          {
            type: 'button',
            action_id: REMINDER_ACTIONS.snoozeDay,
            text: plain('Snooze 1 day', 75),
            value: item.key,
          },
          {
            type: 'button',
            action_id: REMINDER_ACTIONS.snoozeWeek,
            text: plain('Snooze 1 week', 75),
            value: item.key,
          },
        ],
      },
    );
  });
  if (items.length > MAX_ITEMS)
    blocks.push({
      type: 'context',
      elements: [md(`…and ${items.length - MAX_ITEMS} more; they will follow.`)],
    });
  return {
    text: `${urgent ? 'Urgent: ' : ''}${items.length} incident item${items.length === 1 ? '' : 's'} need your attention`,
    blocks,
  };
}
