import type { KnownBlock, PlainTextOption } from '@slack/types';
import { type Action, isUnsettled } from '../db/schema';
import { dueDayEnd } from '../src/dates';
import { isOpen } from '../src/domain/lifecycle';
import type { CardPart } from './card-budget';
import { ACTION_MENU, CARD_ACTIONS, cardBlockId } from './card-ids';
import { md, ownerName, plain, slackDate, userText } from './text';
import type { CardModel } from './triage-card';

/** Actions listed on the card itself, each with its menu; the rest are one `/incident` away. */
const CARD_LISTED_ACTIONS = 8;
/** Actions listed by `/incident REF`, as lines without controls. */
const LOOKUP_LISTED_ACTIONS = 40;

/** Each state in words as well as a mark: never by emoji alone (screen readers, colour). */
const MARKS: Record<Action['status'], string> = {
  open: ':black_square_button: Open:',
  done: ':white_check_mark: Done:',
  not_doing_proposed: ':grey_question: Won’t do (proposed):',
  not_doing: ':heavy_minus_sign: Won’t do:',
};

/** What still needs doing first, then what is settled; each group in the order it was added. */
function ordered(actions: Action[]): Action[] {
  return [...actions.filter(isUnsettled), ...actions.filter((a) => !isUnsettled(a))];
}

function actionLine(a: Action, m: CardModel, descriptionMax: number): string {
  const due = a.dueAt ? `, due ${slackDate(dueDayEnd(a.dueAt), m.orgTimeZone, '{date_short}')}` : '';
  const late = a.status === 'open' && a.dueAt && a.dueAt.getTime() <= m.now.getTime() ? ' *overdue*' : '';
  const line = `${MARKS[a.status]} _${a.kind}_ ${userText(a.description, descriptionMax)} (${ownerName(a)}${due})${late}`;
  const reason = userText(a.statusReason ?? '', 200);
  if (a.status === 'not_doing') return `${line}\n>Not doing: ${reason}`;
  if (a.status === 'not_doing_proposed')
    return `${line}\n>Owner proposes not doing it: ${reason}. The IRM or SIRO accepts or keeps it open.`;
  return line;
}

const option = (label: string, op: string, a: Action): PlainTextOption => ({
  text: plain(label, 75),
  value: `${op}:${a.id}`,
});

/** What may be done with an action from the card; the server checks who and whether, again. */
function menuOptions(a: Action): PlainTextOption[] {
  if (a.status === 'open')
    return [
      option('Edit…', ACTION_MENU.edit, a),
      option('Mark done', ACTION_MENU.done, a),
      option('Won’t do…', ACTION_MENU.notDoing, a),
    ];
  if (a.status === 'not_doing_proposed')
    return [
      option('Accept “won’t do”', ACTION_MENU.accept, a),
      option('Keep it open', ACTION_MENU.keepOpen, a),
      option('Mark done', ACTION_MENU.done, a),
    ];
  return [];
}

function summary(actions: Action[]): string {
  const settled = actions.filter((a) => !isUnsettled(a)).length;
  return `*Action plan* (${settled} of ${actions.length} done or accepted)`;
}

/** The action plan on the card: one section per action, each with a menu while it can change. */
export function actionPlanParts(m: CardModel): CardPart[] {
  if (m.actions.length === 0) return [];
  const i = m.incident;
  const listed = ordered(m.actions).slice(0, CARD_LISTED_ACTIONS);
  const parts: CardPart[] = [{ block: { type: 'section', text: md(summary(m.actions)) } }];
  for (const a of listed) {
    const options = isOpen(i.status) ? menuOptions(a) : [];
    parts.push({
      tier: 2,
      floor: 120,
      block: {
        type: 'section',
        block_id: cardBlockId(i.id, i.version, `a${a.id}`),
        text: md(actionLine(a, m, 200)),
        ...(options.length > 0
          ? {
              accessory: {
                type: 'overflow',
                action_id: CARD_ACTIONS.actionMenu,
                options,
              },
            }
          : {}),
      },
    });
  }
  const more = m.actions.length - listed.length;
  if (more > 0)
    parts.push({
      block: {
        type: 'context',
        elements: [md(`…and ${more} more: \`/incident ${i.reference}\` lists every action.`)],
      },
    });
  return parts;
}

/** The action plan for `/incident REF`: every action as a line, in sections Slack accepts. */
export function actionPlanLookupParts(m: CardModel): CardPart[] {
  if (m.actions.length === 0) return [];
  const listed = ordered(m.actions).slice(0, LOOKUP_LISTED_ACTIONS);
  const heading = summary(m.actions);
  const sections: string[][] = [[heading]];
  let size = heading.length;
  for (const a of listed) {
    const line = actionLine(a, m, 150);
    const current = sections.at(-1) ?? [];
    if (size + line.length + 1 > 2900) {
      sections.push([line]);
      size = line.length;
    } else {
      current.push(line);
      size += line.length + 1;
    }
  }
  const more = m.actions.length - listed.length;
  const parts: CardPart[] = sections.map((lines) => ({
    tier: 2,
    floor: 200,
    block: { type: 'section', text: md(lines.join('\n')) } satisfies KnownBlock,
  }));
  if (more > 0)
    parts.push({
      block: {
        type: 'context',
        elements: [md(`…and ${more} more: the evidence pack (\`/incident evidence\`) lists every action.`)],
      },
    });
  return parts;
}
