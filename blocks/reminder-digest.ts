import type { KnownBlock } from '@slack/types';
import type { ReminderItem } from '../src/domain/reminders';
import type { SlackMessage } from './reporter-receipt';
import { md, plain } from './text';

export const REMINDER_ACTIONS = {
  done: 'reminder_done',
  snoozeDay: 'reminder_snooze_day',
  snoozeWeek: 'reminder_snooze_week',
} as const;

/**
 * One DM per person per sweep: what they owe, urgent first, each with Snooze and, where the
 * register can tell whether it was done, Done. `more` items are due too and not shown (App Home lists them).
 */
export function reminderDigest(items: ReminderItem[], more = 0): SlackMessage {
  const urgent = items.some((i) => i.urgent);
  const total = items.length + more;
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: md(
        `${urgent ? ':rotating_light: *Urgent:* ' : ':bell: '}${total === 1 ? 'One incident item needs' : `${total} incident items need`} your attention.`,
      ),
    },
  ];
  items.forEach((item, n) => {
    // Items queued before Done was a choice carry no `done`: an action's Done still completes it.
    const done = item.done ?? (item.actionId ? 'action' : 'none');
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
          ...(done === 'none'
            ? []
            : [
                {
                  type: 'button' as const,
                  action_id: REMINDER_ACTIONS.done,
                  text: plain('Done', 75),
                  value: item.key,
                },
              ]),
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
  if (more > 0)
    blocks.push({
      type: 'context',
      elements: [md(`…and ${more} more: App Home lists everything waiting on you.`)],
    });
  return {
    text: `${urgent ? 'Urgent: ' : ''}${total} incident item${total === 1 ? ' needs' : 's need'} your attention`,
    blocks,
  };
}
