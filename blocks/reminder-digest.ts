import type { KnownBlock } from '@slack/types';
import type { ReminderItem } from '../src/domain/reminders';
import { dutyBlockId } from './card-ids';
import { dutyButtons } from './duty-controls';
import { type EventFacts, eventClause } from './event-words';
import type { SlackMessage } from './reporter-receipt';
import { md, plain } from './text';

export const REMINDER_ACTIONS = {
  /** Offered by digests sent before steps had their own buttons; still answered. */
  done: 'reminder_done',
  snoozeDay: 'reminder_snooze_day',
  snoozeWeek: 'reminder_snooze_week',
} as const;

/** The button that takes an item's step, first; for an action its owner's Done and Won't do. */
function stepButtons(item: ReminderItem) {
  const s = item.step;
  if (!s) return [];
  const buttons = dutyButtons(
    {
      kind: s.kind,
      state: s.state,
      // The reference is in the item's text; the controls need the incident's id (and, for
      // confirmations, a name for it).
      incident: { id: item.incidentId, reference: item.reference.split(' ')[0] ?? '', status: 'resolving' },
      ...(item.actionId ? { action: { id: item.actionId, ownerId: '', description: item.text } } : {}),
      ...(s.notification ? { notification: s.notification } : {}),
    },
    s.mine ? 'owner' : 'team',
  );
  return s.kind === 'action' ? buttons : buttons.slice(0, 1);
}

/**
 * One DM per person per sweep: what they owe, urgent first, each with the button that takes the
 * step and Snooze. `more` items are due too and not shown (App Home lists them). Drawn again as
 * steps are settled: a settled item says by whom, and its buttons go.
 */
export function reminderDigest(
  items: ReminderItem[],
  more = 0,
  settled: ReadonlyMap<string, EventFacts> = new Map(),
  reader: string | null = null,
): SlackMessage {
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
    const done = item.step ? settled.get(item.step.duty) : undefined;
    blocks.push({
      type: 'section',
      block_id: `rem:${n}:text`,
      text: md(
        done
          ? `~*${item.reference}*: ${item.text}~\n:white_check_mark: ${eventClause(done, reader)}`
          : `${item.urgent ? ':rotating_light: ' : ''}*${item.reference}*: ${item.text}`,
      ),
    });
    if (done || item.news) return;
    blocks.push({
      type: 'actions',
      block_id: dutyBlockId(item.incidentId, `r${n}`),
      elements: [
        ...stepButtons(item),
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
    });
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
