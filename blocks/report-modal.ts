import type { InputBlock, KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { CATEGORIES, CATEGORY_GROUPS, type CategoryGroup } from '../src/domain/categories';
import { FOLLOW_UP_TEXT_MAX, PEOPLE_COUNT_MAX, TEXT_MAX, TITLE_MAX } from '../src/domain/report-input';
import {
  type Choice,
  ENCRYPTED,
  followUpsFor,
  IMMEDIATE_CAUSES,
  KINDS,
  LOSS_LOCATIONS,
  SENSITIVITY,
  YES_NO_UNKNOWN,
} from '../src/domain/report-options';
import { FIELD_ACTION, type TextInputOptions, textInput } from './inputs';
import { plain } from './text';

export const REPORT_MODAL_CALLBACK = 'report_incident';
/** The loss-location select dispatches at once so its follow-up questions can appear. */
export const LOSS_LOCATION_ACTION = 'report_loss_location';
/** The kind dispatches at once too: the form asks what fits it (a weakness has not occurred). */
export const REPORT_KIND_ACTION = 'report_kind';

type Kind = 'incident' | 'near_miss' | 'weakness';
const KIND_WORDS: Record<Kind, { what: string; title: string }> = {
  incident: { what: 'incident', title: 'Report an incident' },
  near_miss: { what: 'near miss', title: 'Report a near miss' },
  weakness: { what: 'weakness', title: 'Report a weakness' },
};
const kindOf = (draft: ReportDraft): Kind =>
  draft.text.kind === 'near_miss' || draft.text.kind === 'weakness' ? draft.text.kind : 'incident';
export const LOSS_DETAIL_PREFIX = 'lossDetails.';

/** Values to show in the form: what a command prefilled, or what the person typed so far. */
export interface ReportDraft {
  text: Partial<Record<string, string>>;
  /** Unix seconds for the date-time questions. */
  times: Partial<Record<'occurredAt' | 'discoveredAt', number>>;
  users: Partial<Record<'assetOwnerId', string>>;
}

export interface ReportModalOptions {
  departments: readonly string[];
  draft: ReportDraft;
  privateMetadata: string;
}

const option = (c: Choice): PlainTextOption => ({ text: plain(c.label, 75), value: c.value });

function initialOption(
  choices: readonly Choice[],
  value: string | undefined,
): { initial_option?: PlainTextOption } {
  const c = choices.find((x) => x.value === value);
  return c ? { initial_option: option(c) } : {};
}

function textQuestion(
  id: string,
  label: string,
  draft: ReportDraft,
  opts: Omit<TextInputOptions, 'initial'> = {},
): InputBlock {
  return textInput(id, label, { optional: true, max: TEXT_MAX, ...opts, initial: draft.text[id] });
}

/** Whom a report may be about (seed 000 Rep.1): ticked, it goes past them. */
const CONCERNS: readonly Choice[] = [
  { value: 'own_head', label: 'It is about my own head of department' },
  { value: 'security_team', label: 'It is about a member of the security team' },
];

function initialOptions(
  choices: readonly Choice[],
  value: string | undefined,
): { initial_options?: PlainTextOption[] } {
  const picked = choices.filter((c) => (value ?? '').split(',').includes(c.value));
  return picked.length > 0 ? { initial_options: picked.map(option) } : {};
}

function radioInput(
  id: string,
  label: string,
  choices: readonly Choice[],
  draft: ReportDraft,
  optional = true,
): InputBlock {
  return {
    type: 'input',
    block_id: id,
    optional,
    label: plain(label, 2000),
    element: {
      type: 'radio_buttons',
      action_id: FIELD_ACTION,
      options: choices.map(option),
      ...initialOption(choices, draft.text[id]),
    },
  };
}

function selectInput(
  id: string,
  label: string,
  choices: readonly Choice[],
  draft: ReportDraft,
  opts: { optional?: boolean; actionId?: string; dispatch?: boolean } = {},
): InputBlock {
  return {
    type: 'input',
    block_id: id,
    optional: opts.optional ?? true,
    ...(opts.dispatch ? { dispatch_action: true } : {}),
    label: plain(label, 2000),
    element: {
      type: 'static_select',
      action_id: opts.actionId ?? FIELD_ACTION,
      placeholder: plain('Choose', 150),
      options: choices.map(option),
      ...initialOption(choices, draft.text[id]),
    },
  };
}

function timeInput(
  id: 'occurredAt' | 'discoveredAt',
  label: string,
  draft: ReportDraft,
  optional: boolean,
): InputBlock {
  const initial = draft.times[id];
  return {
    type: 'input',
    block_id: id,
    optional,
    label: plain(label, 2000),
    element: {
      type: 'datetimepicker',
      action_id: FIELD_ACTION,
      ...(initial !== undefined ? { initial_date_time: initial } : {}),
    },
  };
}

function categorySelect(draft: ReportDraft, kind: Kind): InputBlock {
  const groups = (Object.keys(CATEGORY_GROUPS) as CategoryGroup[]).map((group) => ({
    label: plain(CATEGORY_GROUPS[group].label, 75),
    options: CATEGORIES.filter((c) => c.group === group).map(option),
  }));
  const initial = CATEGORIES.find((c) => c.value === draft.text.category);
  return {
    type: 'input',
    block_id: 'category',
    label: plain(`What kind of ${KIND_WORDS[kind].what} is it?`, 2000),
    element: {
      type: 'static_select',
      action_id: FIELD_ACTION,
      placeholder: plain('Choose the closest match', 150),
      option_groups: groups,
      ...(initial ? { initial_option: option(initial) } : {}),
    },
  };
}

function lossFollowUps(draft: ReportDraft): KnownBlock[] {
  return followUpsFor(draft.text.lossLocation).map((q) => {
    const id = `${LOSS_DETAIL_PREFIX}${q.key}`;
    return q.answers === 'text'
      ? textQuestion(id, q.label, draft, { max: FOLLOW_UP_TEXT_MAX })
      : q.answers.length <= 3
        ? radioInput(id, q.label, q.answers, draft)
        : selectInput(id, q.label, q.answers, draft);
  });
}

/**
 * The report form. Only what a reporter knows within a minute is required; the rest helps the
 * security team and can be added later. Questions follow seed 003 §3.6 in plain words.
 */
export function reportModal(opts: ReportModalOptions): ModalView {
  const { draft } = opts;
  const kind = kindOf(draft);
  const departments = opts.departments.map((d) => ({ value: d, label: d }));
  const blocks: KnownBlock[] = [
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: 'Only the first questions are required; answer the rest if you can. Your report goes only to the security team and the people they ask to work on it; if it is about your own head of department or a member of the security team, say so at the end: then only the SIRO sees it (with your department’s deputy head, when it is about your head), and whoever the SIRO adds.',
        },
      ],
    },
    {
      ...radioInput(
        'kind',
        'What are you reporting?',
        KINDS,
        { ...draft, text: { kind: 'incident', ...draft.text } },
        false,
      ),
      dispatch_action: true,
      element: {
        ...radioInput('kind', '', KINDS, { ...draft, text: { kind: 'incident', ...draft.text } }).element,
        action_id: REPORT_KIND_ACTION,
      },
    } as InputBlock,
    categorySelect(draft, kind),
    textQuestion('title', 'Give it a short title', draft, {
      optional: false,
      max: TITLE_MAX,
      placeholder: 'e.g. Laptop left on a train',
    }),
    textQuestion('description', 'What happened?', draft, {
      optional: false,
      multiline: true,
      hint: 'What you saw, what was done so far, and how bad it might be.',
    }),
    timeInput('discoveredAt', 'When was it discovered?', draft, false),
    // A weakness has not happened: there is no time it occurred.
    ...(kind === 'weakness'
      ? []
      : [
          timeInput(
            'occurredAt',
            kind === 'near_miss' ? 'When did it nearly happen?' : 'When did it occur?',
            draft,
            true,
          ),
        ]),
    selectInput('department', 'Which department are you in?', departments, draft, { optional: false }),
    { type: 'divider' },
    { type: 'header', text: plain('If you know more', 150) },
    textQuestion('location', 'Where did it happen?', draft, {
      placeholder: 'Office, site, system or address',
    }),
    textQuestion('dataInvolved', 'What information, devices or media are involved?', draft, {
      multiline: true,
    }),
    textQuestion('peopleInvolved', 'Who is involved (people, teams, offices)?', draft),
    textQuestion('peopleAware', 'Who else knows about it?', draft),
    radioInput('customersAffected', 'Could customers be affected?', YES_NO_UNKNOWN, draft),
    radioInput('staffAffected', 'Could staff be affected?', YES_NO_UNKNOWN, draft),
    radioInput('personalData', 'Is personal data involved?', YES_NO_UNKNOWN, draft),
    {
      type: 'input',
      block_id: 'personalDataCount',
      optional: true,
      label: plain('If so, roughly how many people?', 2000),
      element: {
        type: 'number_input',
        action_id: FIELD_ACTION,
        is_decimal_allowed: false,
        min_value: '0',
        max_value: String(PEOPLE_COUNT_MAX),
        ...(draft.text.personalDataCount ? { initial_value: draft.text.personalDataCount } : {}),
      },
    },
    textQuestion('personalDataKinds', 'What kinds of personal data?', draft, {
      placeholder: 'e.g. names and addresses, health records, bank details',
    }),
    selectInput('sensitivity', 'How sensitive is the information?', SENSITIVITY, draft),
    textQuestion('protectiveMarking', 'Was it protectively marked? If so, at what level?', draft, {
      max: 200,
    }),
    radioInput('encrypted', 'Was the device or media encrypted?', ENCRYPTED, draft),
    textQuestion('thirdPartyUse', 'Could someone else use the information? How?', draft, { multiline: true }),
    {
      type: 'input',
      block_id: 'assetOwnerId',
      optional: true,
      label: plain('Who owns the information (the Information Asset Owner)?', 2000),
      element: {
        type: 'users_select',
        action_id: FIELD_ACTION,
        ...(draft.users.assetOwnerId ? { initial_user: draft.users.assetOwnerId } : {}),
      },
    },
    selectInput('immediateCause', 'What was the immediate cause?', IMMEDIATE_CAUSES, draft),
    textQuestion('crimeNumber', 'If you reported it to the police, what is the crime number?', draft, {
      max: 100,
    }),
    selectInput('lossLocation', 'Where was the information when it was lost?', LOSS_LOCATIONS, draft, {
      actionId: LOSS_LOCATION_ACTION,
      dispatch: true,
    }),
    ...lossFollowUps(draft),
    { type: 'divider' },
    {
      type: 'input',
      block_id: 'concerns',
      optional: true,
      label: plain('Is it about someone who would normally see it?', 2000),
      hint: plain(
        'Tick what applies and your report is restricted: only the SIRO (and your deputy head, for a report about your head) and the people the SIRO adds see its details.',
        2000,
      ),
      element: {
        type: 'checkboxes',
        action_id: FIELD_ACTION,
        options: CONCERNS.map(option),
        ...initialOptions(CONCERNS, draft.text.concerns),
      },
    },
  ];
  return {
    type: 'modal',
    callback_id: REPORT_MODAL_CALLBACK,
    title: plain(KIND_WORDS[kind].title, 24),
    submit: plain('Send report', 24),
    close: plain('Cancel', 24),
    private_metadata: opts.privateMetadata,
    blocks,
  };
}
