import type { PlainTextOption, StaticSelect } from '@slack/types';
import type { IncidentStatus, Review } from '../db/schema';
import { isOpen } from '../src/domain/lifecycle';
import type { Capability } from '../src/domain/permissions';
import { CARD_ACTIONS } from './card-ids';
import { RECORD_ACTIONS } from './record-controls';
import { plain } from './text';
import type { CardModel } from './triage-card';

/**
 * A secondary control of the card: an option of its "More…" menu. Picking it runs the listener
 * registered on `actionId` (app.action), exactly as a button with that action id would, after
 * the menu's listener checks `capability` (src/slack/listeners/actions/card-more-picked.ts).
 */
export interface MoreControl {
  actionId: string;
  label: string | ((m: CardModel) => string);
  /** Checked before the control's own listener runs, which checks again. */
  capability: Capability;
  /** Whether the card offers it in the incident's present state. */
  when: (m: CardModel) => boolean;
}

const latest = (m: CardModel, type: Review['type']) => m.reviews.filter((r) => r.type === type).at(-1);
const inState =
  (...states: IncidentStatus[]) =>
  (m: CardModel) =>
    states.includes(m.incident.status);
const open = (m: CardModel) => isOpen(m.incident.status);
const always = () => true;

/** Escalated by a person (not by Vigil on its own): only then is another one "again". */
const escalatedByHand = (m: CardModel) => m.incident.escalatedAt !== null && m.escalatedBy !== 'vigil';

/**
 * Every secondary control, in the order the menu lists them. To add one: one line here, and a
 * listener on its action id. The card's primary action for the state is left out of the menu.
 */
export const MORE_CONTROLS: MoreControl[] = [
  {
    actionId: CARD_ACTIONS.resolve,
    label: 'Mark resolved…',
    capability: 'resolve',
    when: inState('triaged'),
  },
  {
    actionId: CARD_ACTIONS.analysis,
    label: 'Causal analysis…',
    capability: 'causal_analysis',
    when: (m) =>
      m.incident.status === 'resolved' &&
      !['pending', 'approved'].includes(latest(m, 'causal_analysis')?.decision ?? ''),
  },
  {
    actionId: CARD_ACTIONS.learning,
    label: 'Learning review…',
    capability: 'learning_review',
    // A reopening sends the learning review back: it is offered again.
    when: (m) => m.incident.status === 'resolved' && latest(m, 'learning')?.decision !== 'approved',
  },
  {
    actionId: CARD_ACTIONS.closure,
    label: 'Request closure…',
    capability: 'request_closure',
    when: inState('resolved'),
  },
  {
    actionId: CARD_ACTIONS.severity,
    label: 'Change severity…',
    capability: 'triage',
    when: inState('triaged', 'resolving', 'resolved'),
  },
  {
    actionId: CARD_ACTIONS.escalate,
    label: (m) => (escalatedByHand(m) ? 'Escalate again' : 'Escalate to the SIRO and MD'),
    capability: 'escalate',
    when: open,
  },
  { actionId: CARD_ACTIONS.postUpdate, label: 'Post update…', capability: 'post_update', when: open },
  { actionId: CARD_ACTIONS.addAction, label: 'Add action…', capability: 'add_action', when: open },
  // Facts and evidence can come late, a record closed at triage included (seed 003 §3.6, §4.1).
  {
    actionId: RECORD_ACTIONS.correctFacts,
    label: 'Correct facts…',
    capability: 'correct_facts',
    when: always,
  },
  {
    actionId: RECORD_ACTIONS.askReporter,
    label: 'Ask the reporter…',
    capability: 'ask_reporter',
    when: always,
  },
  { actionId: RECORD_ACTIONS.addEvidence, label: 'Add evidence…', capability: 'add_evidence', when: always },
];

const labelOf = (c: MoreControl, m: CardModel) => (typeof c.label === 'string' ? c.label : c.label(m));

/** What the menu offers for this incident now, without the card's primary action. */
export function moreControls(m: CardModel, primaryActionId?: string): MoreControl[] {
  return MORE_CONTROLS.filter((c) => c.actionId !== primaryActionId && c.when(m));
}

/** The "More…" menu; none when there is nothing to offer. */
export function moreMenu(m: CardModel, primaryActionId?: string): StaticSelect[] {
  const options: PlainTextOption[] = moreControls(m, primaryActionId).map((c) => ({
    text: plain(labelOf(c, m), 75),
    value: c.actionId,
  }));
  return options.length === 0
    ? []
    : [{ type: 'static_select', action_id: CARD_ACTIONS.more, placeholder: plain('More…', 150), options }];
}
