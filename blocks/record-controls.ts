import type { Button, KnownBlock } from '@slack/types';
import type { Incident } from '../db/schema';
import { plain } from './text';

/** The card's controls about the record itself: its facts, the reporter, its evidence. */
export const RECORD_ACTIONS = {
  /** Seed 003 §3.6: correct the report's facts, with a reason. */
  correctFacts: 'card_correct_facts',
  /** Seed 003 §4.1: ask the reporter for more information. */
  askReporter: 'card_ask_reporter',
  /** Seed 000 Rep.2: register a file or note as evidence. */
  addEvidence: 'card_add_evidence',
} as const;

/** The reporter's own controls, in their DMs and App Home: answered only by the reporter. */
export const REPORTER_ACTIONS = {
  /** Opens the answer form for one question (the button's value is the question's event id). */
  answer: 'reporter_answer',
  /** Opens the form to add information or files to their own report (value: the incident id). */
  addInformation: 'reporter_add_information',
} as const;

const button = (action_id: string, label: string): Button => ({
  type: 'button',
  action_id,
  text: plain(label, 75),
});

/** The reporter's "Add information" button about one of their reports. */
export function addInformationButton(incidentId: number): KnownBlock {
  return {
    type: 'actions',
    block_id: `reporter:${incidentId}:add`,
    elements: [{ ...button(REPORTER_ACTIONS.addInformation, 'Add information'), value: String(incidentId) }],
  };
}

/** The "Answer" button under a question to the reporter. */
export function answerButton(incidentId: number, questionEventId: number): KnownBlock {
  return {
    type: 'actions',
    block_id: `reporter:${incidentId}:q${questionEventId}`,
    elements: [
      { ...button(REPORTER_ACTIONS.answer, 'Answer'), style: 'primary', value: String(questionEventId) },
    ],
  };
}
