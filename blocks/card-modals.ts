import type { InputBlock, KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import type { Action, Incident, Notification, Review, Severity } from '../db/schema';
import { dueDay } from '../src/dates';
import { notificationLabel } from '../src/domain/outside-bodies';
import { possiblePersonalData } from '../src/domain/possible-breach';
import { RESTRICTED_TITLE } from '../src/domain/restricted';
import { suggestionWords, suggestSeverity } from '../src/domain/severity-suggestion';
import { isPriority, PRIORITIES, PRIORITY_OPTIONS, SEVERITIES, SEVERITY_OPTIONS } from '../src/domain/triage';
import { impactQuestions } from './impact-questions';
import { FIELD_ACTION, textInput } from './inputs';
import { categoryLabel, SEVERITY_LABELS, STATUS_LABELS } from './labels';
import { md, ownerName, plain, userText } from './text';

export const CARD_MODALS = {
  triage: 'triage_incident',
  update: 'post_update',
  action: 'add_action',
  notification: 'record_notification',
  resolve: 'resolve_incident',
  analysis: 'causal_analysis',
  analysisReview: 'causal_analysis_review',
  severity: 'change_severity',
  confirmDismissal: 'confirm_dismissal',
  confirmActionDone: 'confirm_action_done',
  learning: 'learning_review',
  closure: 'request_closure',
  peerReview: 'peer_review',
  approval: 'approve_closure',
  reopen: 'reopen_incident',
  actionNotDoing: 'action_not_doing',
  actionEdit: 'edit_action',
} as const;

/** What a modal opened from a card carries back: which incident, as seen at which version. */
export interface CardModalMetadata {
  i: number;
  v: number;
  n?: number;
  /** An action, for forms about one action. */
  a?: number;
}

const opt = (value: string, label: string): PlainTextOption => ({ text: plain(label, 75), value });

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

/**
 * What the incident is, at the top of every form: people outside the security channel open these
 * from a DM or App Home and have no card beside them.
 */
export function heading(i: Incident): KnownBlock {
  const severity = i.severity ? SEVERITY_LABELS[i.severity] : 'not set';
  return {
    type: 'context',
    // A restricted record's form may be opened by an action's owner, who sees only their action.
    elements: i.restricted
      ? [plain(`${i.reference} · ${RESTRICTED_TITLE}`, 3000), plain(STATUS_LABELS[i.status], 3000)]
      : [
          plain(`${i.reference} · ${i.title}`, 3000),
          plain(`${categoryLabel(i.category)} · Severity ${severity} · ${STATUS_LABELS[i.status]}`, 3000),
        ],
  };
}

export function modal(
  callbackId: string,
  title: string,
  submit: string,
  meta: CardModalMetadata,
  blocks: KnownBlock[],
): ModalView {
  return {
    type: 'modal',
    callback_id: callbackId,
    title: plain(title, 24),
    submit: plain(submit, 24),
    close: plain('Cancel', 24),
    private_metadata: JSON.stringify(meta),
    blocks,
  };
}

/** The SIRO's decision (seed 003 §4.3, §5.5): event or incident, severity, priority, and who must be told. */
export function triageModal(i: Incident): ModalView {
  const suggestion = suggestSeverity(i);
  const severity = i.severity ?? suggestion.severity;
  const severityOptions = SEVERITIES.map((s) => opt(s, SEVERITY_OPTIONS[s]));
  const factOptions = [
    opt('personal_data', 'Personal data is involved (regulator)'),
    opt('criminal', 'It is criminal (police)'),
    opt('customers_affected', 'Customers are affected (tell them)'),
    opt('staff_affected', 'Staff are affected'),
  ];
  const initialFacts = factOptions.filter(
    (o) =>
      (o.value === 'personal_data' && possiblePersonalData(i)) ||
      (o.value === 'criminal' && i.crimeNumber) ||
      (o.value === 'customers_affected' && i.customersAffected === 'yes') ||
      (o.value === 'staff_affected' && i.staffAffected === 'yes'),
  );
  const outcomes = [
    opt('incident', 'A security incident'),
    opt('not_incident', 'An event, not a security incident'),
    opt('duplicate', 'A duplicate of another report'),
  ];
  return modal(CARD_MODALS.triage, 'Triage', 'Save decision', { i: i.id, v: i.version }, [
    heading(i),
    {
      type: 'input',
      block_id: 'outcome',
      label: plain('What is it?', 2000),
      element: {
        type: 'radio_buttons',
        action_id: FIELD_ACTION,
        options: outcomes,
        initial_option: outcomes.find((o) => o.value === (i.triageOutcome ?? 'incident')) ?? outcomes[0],
      },
    },
    {
      type: 'input',
      block_id: 'severity',
      optional: true,
      label: plain('Severity (for an incident)', 2000),
      hint: plain(
        `${suggestionWords(suggestion, (s) => SEVERITY_LABELS[s]) ?? 'No suggestion for this category'}. Not asked for an event or a duplicate.`,
        2000,
      ),
      element: {
        type: 'static_select',
        action_id: FIELD_ACTION,
        options: severityOptions,
        ...(severity ? { initial_option: severityOptions.find((o) => o.value === severity) } : {}),
      },
    },
    {
      type: 'input',
      block_id: 'priority',
      optional: true,
      label: plain('Priority', 2000),
      hint: plain('Left empty, it follows the severity: Critical P1, High P2, Medium P3, Low P4.', 2000),
      element: {
        type: 'static_select',
        action_id: FIELD_ACTION,
        options: PRIORITIES.map((p) => opt(p, PRIORITY_OPTIONS[p])),
        ...(isPriority(i.priority) ? { initial_option: opt(i.priority, PRIORITY_OPTIONS[i.priority]) } : {}),
      },
    },
    textInput('rationale', 'Why? (kept in the register)', { multiline: true }),
    textInput('duplicateOf', 'If a duplicate: of which reference?', { optional: true, max: 20 }),
    {
      type: 'input',
      block_id: 'awareAt',
      label: plain('When did the organisation become aware?', 2000),
      hint: plain('The 72-hour regulator deadline runs from this time.', 2000),
      element: { type: 'datetimepicker', action_id: FIELD_ACTION, initial_date_time: seconds(i.awareAt) },
    },
    {
      type: 'input',
      block_id: 'facts',
      optional: true,
      label: plain('Who must be told?', 2000),
      element: {
        type: 'checkboxes',
        action_id: FIELD_ACTION,
        options: factOptions,
        ...(initialFacts.length > 0 ? { initial_options: initialFacts } : {}),
      },
    },
    ...impactQuestions(i),
  ]);
}

export function updateModal(i: Incident): ModalView {
  return modal(CARD_MODALS.update, 'Post update', 'Post', { i: i.id, v: i.version }, [
    heading(i),
    textInput('text', 'What is the latest?', { multiline: true, max: 2500 }),
  ]);
}

/**
 * Add an action; given an action, the same form edits it, filled with what it says now. Its owner
 * is a person or, when the workspace has user groups (`teams`), a team (seed 003 §5.5).
 */
export function actionModal(
  i: Incident,
  editing?: { action: Action; timeZone: string },
  teams: readonly { id: string; handle: string }[] = [],
): ModalView {
  const kinds = [
    opt('corrective', 'Corrective: fixes this incident'),
    opt('preventive', 'Preventive: stops it happening again'),
  ];
  const a = editing?.action;
  // Stored as the end of the due day; the picker shows that day where the organisation works.
  const due = a?.dueAt && editing ? dueDay(a.dueAt, editing.timeZone, 'yyyy-MM-dd') : null;
  const [callbackId, title, submit] = a
    ? [CARD_MODALS.actionEdit, 'Edit action', 'Save']
    : [CARD_MODALS.action, 'Add action', 'Add'];
  const teamOptions = teams.map((t) => opt(t.id, `@${t.handle}`));
  const initialTeam = a?.ownerMembers ? teamOptions.find((o) => o.value === a.ownerId) : undefined;
  // Slack cannot empty a select once chosen: which of the two counts is said outright.
  const ownerKinds = [opt('person', 'The person above'), opt('team', 'The team below')];
  return modal(callbackId, title, submit, { i: i.id, v: i.version, ...(a ? { a: a.id } : {}) }, [
    heading(i),
    {
      type: 'input',
      block_id: 'kind',
      label: plain('What kind of action?', 2000),
      element: {
        type: 'radio_buttons',
        action_id: FIELD_ACTION,
        options: kinds,
        initial_option: kinds.find((k) => k.value === a?.kind) ?? kinds[0],
      },
    },
    textInput('description', 'What needs doing?', {
      multiline: true,
      max: 1000,
      ...(a ? { initial: a.description } : {}),
    }),
    {
      type: 'input',
      block_id: 'ownerId',
      // With teams to choose from, a person or a team: the server asks for exactly one.
      optional: teamOptions.length > 0,
      label: plain('Who owns it?', 2000),
      ...(a
        ? { hint: plain('A new owner gets the action in a direct message.', 2000) }
        : teamOptions.length > 0
          ? { hint: plain('A person, or a team below (say which).', 2000) }
          : {}),
      element: {
        type: 'users_select',
        action_id: FIELD_ACTION,
        ...(a && !a.ownerMembers ? { initial_user: a.ownerId } : {}),
      },
    },
    ...(teamOptions.length > 0
      ? [
          {
            type: 'input' as const,
            block_id: 'ownerKind',
            label: plain('Who does it?', 2000),
            element: {
              type: 'radio_buttons' as const,
              action_id: FIELD_ACTION,
              options: ownerKinds,
              initial_option: ownerKinds[a?.ownerMembers ? 1 : 0] ?? opt('person', 'The person above'),
            },
          },
          {
            type: 'input' as const,
            block_id: 'ownerGroupId',
            optional: true,
            label: plain('Or a team', 2000),
            hint: plain('Each member is told, and any of them can settle it.', 2000),
            element: {
              type: 'static_select' as const,
              action_id: FIELD_ACTION,
              placeholder: plain('Choose a team', 150),
              options: teamOptions,
              ...(initialTeam ? { initial_option: initialTeam } : {}),
            },
          },
        ]
      : []),
    {
      type: 'input',
      block_id: 'dueAt',
      optional: true,
      label: plain('Due by', 2000),
      element: { type: 'datepicker', action_id: FIELD_ACTION, ...(due ? { initial_date: due } : {}) },
    },
  ]);
}

export function notificationModal(i: Incident, n: Notification, now: Date): ModalView {
  const label = notificationLabel(n);
  const outcomes = [opt('done', `${label} notified`), opt('not_required', 'Not required')];
  return modal(
    CARD_MODALS.notification,
    'Record notification',
    'Record',
    { i: i.id, v: i.version, n: n.id },
    [
      heading(i),
      { type: 'section', text: md(`*${label}*`) },
      {
        type: 'input',
        block_id: 'outcome',
        label: plain('What happened?', 2000),
        element: {
          type: 'radio_buttons',
          action_id: FIELD_ACTION,
          options: outcomes,
          initial_option: outcomes[0],
        },
      },
      {
        type: 'input',
        block_id: 'doneAt',
        optional: true,
        label: plain('When?', 2000),
        element: { type: 'datetimepicker', action_id: FIELD_ACTION, initial_date_time: seconds(now) },
      },
      textInput('externalRef', n.kind === 'police' ? 'Crime number' : 'Their reference, if any', {
        optional: true,
        max: 200,
        // Said before it is asked for: recording the police as told needs the number they gave.
        ...(n.kind === 'police'
          ? { hint: 'Needed if the police were told: the crime number they gave.' }
          : {}),
      }),
      textInput('reason', 'If not required: why not?', {
        optional: true,
        multiline: true,
        max: 2000,
        // GDPR Art. 33(5) is about the regulator: the hint only where it applies.
        ...(n.kind === 'regulator'
          ? { hint: 'GDPR Art. 33(5): the reasoning for not notifying the regulator must be documented.' }
          : {}),
      }),
    ],
  );
}

export function resolveModal(i: Incident, now: Date): ModalView {
  return modal(CARD_MODALS.resolve, 'Mark resolved', 'Resolved', { i: i.id, v: i.version }, [
    heading(i),
    {
      type: 'input',
      block_id: 'restoredAt',
      label: plain('When were operations back to normal?', 2000),
      element: { type: 'datetimepicker', action_id: FIELD_ACTION, initial_date_time: seconds(now) },
    },
    textInput('how', 'How were they restored?', { multiline: true }),
    ...impactQuestions(i),
  ]);
}

/**
 * Seed 000 §4.1: the HOD's causal analysis and permanent preventive measures. After a send-back
 * (§4.2) the form starts from the previous round, with the IRM's comment above it.
 */
export function causalAnalysisModal(i: Incident, previous?: Review): ModalView {
  const was = (key: string) => {
    const v = previous?.content[key];
    return typeof v === 'string' && v ? { initial: v } : {};
  };
  const comment =
    previous?.decision === 'returned' && previous.comment
      ? [
          {
            type: 'section',
            text: md(`*Sent back after round ${previous.round}:* ${userText(previous.comment, 2000)}`),
          } satisfies KnownBlock,
        ]
      : [];
  return modal(CARD_MODALS.analysis, 'Causal analysis', 'Submit to IRM', { i: i.id, v: i.version }, [
    heading(i),
    // The head of department may not see the card: what was reported and how it was fixed.
    {
      type: 'section',
      text: md(
        `*What was reported:* ${userText(i.description, 1200)}${i.resolutionNote ? `\n*How operations were restored:* ${userText(i.resolutionNote, 800)}` : ''}`,
      ),
    },
    ...comment,
    textInput('rootCause', 'What was the root cause?', { multiline: true, ...was('rootCause') }),
    textInput('contributingFactors', 'What else contributed?', {
      optional: true,
      multiline: true,
      ...was('contributingFactors'),
    }),
    textInput('technicalMeasures', 'Permanent technical measures', {
      optional: true,
      multiline: true,
      hint: 'Give at least one measure: technical, administrative, or both.',
      ...was('technicalMeasures'),
    }),
    textInput('administrativeMeasures', 'Permanent administrative measures', {
      optional: true,
      multiline: true,
      ...was('administrativeMeasures'),
    }),
    textInput('costAndResources', 'Cost and resources the measures need', {
      multiline: true,
      ...was('costAndResources'),
    }),
  ]);
}

/** The decision's radio buttons dispatch at once, so the comment is asked for only when it is needed. */
export const DECISION_CHOICE_ACTION = 'decision_choice';

/** The comment: demanded (so not marked optional) only once "Send back" is the choice. */
function decisionComment(picked: 'approved' | 'returned' | undefined): KnownBlock {
  return textInput('comment', picked === 'returned' ? 'What needs to change?' : 'Comment for the record', {
    optional: picked !== 'returned',
    multiline: true,
    max: 2000,
  });
}

export function decisionModal(
  callbackId: (typeof CARD_MODALS)['analysisReview' | 'peerReview' | 'approval'],
  i: Incident,
  summary: string,
  /** Opened from "Send back…": the choice is made already, the comment is what is asked. */
  initial?: 'returned',
): ModalView {
  const titles = {
    [CARD_MODALS.analysisReview]: ['Review causal analysis', 'Approve the analysis and plan'],
    [CARD_MODALS.peerReview]: ['Peer review of closure', 'Ready to close'],
    [CARD_MODALS.approval]: ['Approve closure', 'Close the incident'],
  } as const;
  const [title, approve] = titles[callbackId];
  const choices = [opt('approved', approve), opt('returned', 'Send back')];
  return modal(callbackId, title, 'Save', { i: i.id, v: i.version }, [
    heading(i),
    { type: 'section', text: md(summary) },
    {
      type: 'input',
      block_id: 'decision',
      dispatch_action: true,
      label: plain('Your decision', 2000),
      element: {
        type: 'radio_buttons',
        action_id: DECISION_CHOICE_ACTION,
        options: choices,
        ...(initial ? { initial_option: choices[1] } : {}),
      },
    },
    decisionComment(initial),
  ]);
}

/** The same decision form, redrawn for the choice just picked (answers are kept by Slack). */
export function withDecision(view: ModalView, picked: 'approved' | 'returned'): ModalView {
  return {
    ...view,
    blocks: view.blocks.map((b): KnownBlock => {
      if (b.block_id === 'comment') return decisionComment(picked);
      const input = b as InputBlock;
      if (input.type === 'input' && input.block_id === 'decision' && input.element.type === 'radio_buttons') {
        const chosen = input.element.options.find((o) => o.value === picked);
        return { ...input, element: { ...input.element, ...(chosen ? { initial_option: chosen } : {}) } };
      }
      return b as KnownBlock;
    }),
  };
}

/** Seed 003 §5.10: recurrence risk, vulnerabilities, risk register. */
export function learningReviewModal(i: Incident): ModalView {
  const yesNo = [opt('yes', 'Yes'), opt('no', 'No')];
  return modal(CARD_MODALS.learning, 'Learning review', 'Save review', { i: i.id, v: i.version }, [
    heading(i),
    {
      type: 'input',
      block_id: 'recurrenceRisk',
      label: plain('Could it happen again?', 2000),
      element: { type: 'radio_buttons', action_id: FIELD_ACTION, options: yesNo },
    },
    textInput('reasoning', 'Why do you think so?', { multiline: true }),
    textInput('vulnerabilities', 'Which vulnerabilities were assessed, and what was done?', {
      multiline: true,
    }),
    textInput('riskRegisterRef', 'Risk register reference (if updated)', { optional: true, max: 200 }),
    textInput('noChangeReason', 'If the risk register needs no change: why not?', {
      optional: true,
      multiline: true,
      max: 2000,
    }),
  ]);
}

export function closureModal(i: Incident): ModalView {
  const blocks: KnownBlock[] = [
    heading(i),
    {
      type: 'section',
      text: md(
        ':white_check_mark: Documentation is complete and every action is done or accepted. A peer review by someone else and the CIO’s approval follow.',
      ),
    },
    {
      type: 'input',
      block_id: 'reviewerId',
      optional: true,
      label: plain('Who should do the peer review?', 2000),
      hint: plain(
        'They are asked by direct message. Leave empty to ask the security team in the card’s thread.',
        2000,
      ),
      element: { type: 'users_select', action_id: FIELD_ACTION },
    },
  ];
  if (i.severity === 'low')
    blocks.push(
      {
        type: 'input',
        block_id: 'noAction',
        optional: true,
        label: plain('Low severity', 2000),
        element: {
          type: 'checkboxes',
          action_id: FIELD_ACTION,
          options: [opt('yes', 'Close with "no action": the effort outweighs the impact')],
        },
      },
      textInput('justification', 'Justification for "no action"', {
        optional: true,
        multiline: true,
        max: 2000,
      }),
    );
  else
    blocks.push(
      textInput('justification', 'Anything the reviewers should know?', {
        optional: true,
        multiline: true,
        max: 2000,
      }),
    );
  // Issue 13 item 5: the reporter is thanked at closure and, where the team chooses, told what was done.
  blocks.push(
    textInput('reporterNote', 'What should the reporter be told was done?', {
      optional: true,
      multiline: true,
      max: 600,
      hint: 'Sent to the reporter with their thanks when it closes. Left empty, they are only thanked.',
    }),
  );
  return modal(CARD_MODALS.closure, 'Request closure', 'Request', { i: i.id, v: i.version }, blocks);
}

export function reasonModal(
  callbackId: (typeof CARD_MODALS)['reopen' | 'actionNotDoing'],
  i: Incident,
  meta: CardModalMetadata,
  question: string,
): ModalView {
  return modal(callbackId, callbackId === CARD_MODALS.reopen ? 'Reopen' : 'Won’t do', 'Save', meta, [
    heading(i),
    textInput('reason', question, { multiline: true, max: 2000 }),
  ]);
}

/**
 * A new severity moves the target resolution time: the form says where each choice puts it
 * before anything is saved, and asks why (it is kept, and the IRM is told).
 */
export function severityModal(
  i: Incident,
  chosen: Severity | null,
  targets: Record<Severity, Date>,
  timeZone: string,
): ModalView {
  const options = SEVERITIES.map((s) => opt(s, SEVERITY_OPTIONS[s]));
  const from = i.triagedAt ? `triage (${dueDay(i.triagedAt, timeZone, 'd MMM yyyy HH:mm')})` : 'triage';
  const lines = SEVERITIES.map(
    (s) =>
      `${s === i.severity ? '*' : ''}${SEVERITY_LABELS[s]}: ${dueDay(targets[s], timeZone, 'EEE d MMM yyyy HH:mm')}${s === i.severity ? '* (now)' : ''}`,
  );
  return modal(CARD_MODALS.severity, 'Change severity', 'Change', { i: i.id, v: i.version }, [
    heading(i),
    {
      type: 'input',
      block_id: 'severity',
      label: plain('New severity', 2000),
      element: {
        type: 'static_select',
        action_id: FIELD_ACTION,
        options,
        ...(chosen ? { initial_option: options.find((o) => o.value === chosen) } : {}),
      },
    },
    { type: 'section', text: md(`*Target resolution, counted from ${from}:*\n${lines.join('\n')}`) },
    textInput('reason', 'Why does the severity change?', { multiline: true, max: 2000 }),
  ]);
}

/** Closing a report at triage cannot be undone from the card: asked once more, with what it means. */
export function confirmDismissalModal(
  i: Incident,
  outcome: 'not_incident' | 'duplicate',
  metadata: string,
): ModalView {
  return {
    type: 'modal',
    callback_id: CARD_MODALS.confirmDismissal,
    title: plain('Close the report?', 24),
    submit: plain('Close it', 24),
    close: plain('Back', 24),
    private_metadata: metadata,
    blocks: [
      heading(i),
      {
        type: 'section',
        text: md(
          `This closes *${i.reference}* as ${outcome === 'duplicate' ? '*a duplicate*' : '*not a security incident*'}. It stays in the register with your reason, no outside body is notified, and its reporter is told it was looked at and closed.`,
        ),
      },
    ],
  };
}

/** A form's last word when there is nothing left to fill: what happened, and a way out. */
export function noticeModal(title: string, text: string): ModalView {
  return {
    type: 'modal',
    title: plain(title, 24),
    close: plain('Close', 24),
    blocks: [{ type: 'section', text: md(userText(text, 2900)) }],
  };
}

/** Marking someone else's action done speaks for them: asked once more, naming whose it is. */
export function confirmActionDoneModal(i: Incident, a: Action): ModalView {
  return modal(
    CARD_MODALS.confirmActionDone,
    'Mark it done?',
    'Mark done',
    { i: i.id, v: i.version, a: a.id },
    [
      heading(i),
      {
        type: 'section',
        text: md(
          `This is ${ownerName(a)}’s ${a.kind} action:\n>${userText(a.description, 1000)}\nMark it done only if it is complete. Their message about it will say you settled it.`,
        ),
      },
    ],
  );
}
