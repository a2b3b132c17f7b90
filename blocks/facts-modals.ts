import type { InputBlock, KnownBlock, ModalView } from '@slack/types';
import type { Incident } from '../db/schema';
import { CORRECTABLE_FACTS } from '../src/domain/correct-facts';
import { heading, modal } from './card-modals';
import { FIELD_ACTION, textInput } from './inputs';
import { type ReportDraft, reportModal } from './report-modal';
import { md, plain, userText } from './text';

/** Forms about the report's facts: correcting them, asking the reporter, and the reporter's answers. */
export const FACTS_MODALS = {
  correct: 'correct_facts',
  ask: 'ask_reporter',
  answer: 'reporter_answer',
  addInformation: 'reporter_add_information',
} as const;

/** The answer's block ids, shared by the listener that reads them. */
export const EVIDENCE_FILES_BLOCK = 'files';
export const MAX_EVIDENCE_FILES = 10;

/** Files the person uploads with a form (Slack keeps them; Vigil registers each one's hash). */
export function filesInput(label: string, optional = true): InputBlock {
  return {
    type: 'input',
    block_id: EVIDENCE_FILES_BLOCK,
    optional,
    label: plain(label, 2000),
    hint: plain(
      'Up to 10 files of at most 10 MB each. Each one is recorded with its SHA-256 fingerprint.',
      2000,
    ),
    element: { type: 'file_input', action_id: FIELD_ACTION, max_files: MAX_EVIDENCE_FILES },
  };
}

const seconds = (d: Date | null) => (d ? Math.floor(d.getTime() / 1000) : undefined);

/** The report as it stands, in the report form's own words, so the team corrects what is there. */
function draftOf(i: Incident): ReportDraft {
  const text: Partial<Record<string, string>> = {};
  for (const k of CORRECTABLE_FACTS) {
    const v = i[k];
    if (typeof v === 'string') text[k] = v;
    else if (typeof v === 'number') text[k] = String(v);
  }
  const times: ReportDraft['times'] = {};
  const discovered = seconds(i.discoveredAt);
  const occurred = seconds(i.occurredAt);
  if (discovered !== undefined) times.discoveredAt = discovered;
  if (occurred !== undefined) times.occurredAt = occurred;
  return { text, times, users: i.assetOwnerId ? { assetOwnerId: i.assetOwnerId } : {} };
}

/** Questions in the report form asked of the reporter ("you"), asked here of the record. */
const RELABEL: Partial<Record<string, string>> = {
  department: 'Which department reported it?',
  title: 'Title',
  description: 'What happened?',
};

/**
 * Seed 003 §3.6: the team corrects the report's facts, each question as the reporter answered it,
 * with the reason; only what changes is recorded, before and after.
 */
export function correctFactsModal(i: Incident, departments: readonly string[]): ModalView {
  const questions = reportModal({ departments, draft: draftOf(i), privateMetadata: '' }).blocks.filter(
    (b): b is InputBlock =>
      b.type === 'input' && (CORRECTABLE_FACTS as readonly string[]).includes(String(b.block_id)),
  );
  const relabelled = questions.map((b) => {
    const label = RELABEL[String(b.block_id)];
    return label ? { ...b, label: plain(label, 2000) } : b;
  });
  return modal(FACTS_MODALS.correct, 'Correct the facts', 'Save corrections', { i: i.id, v: i.version }, [
    heading(i),
    {
      type: 'section',
      text: md(
        'Change what is wrong or newly known. Each change is kept with its value before and after and your reason; the suggested severity and the outside bodies to tell follow the corrected facts.',
      ),
    },
    textInput('reason', 'Why are the facts corrected?', {
      multiline: true,
      max: 2000,
      hint: 'What you learnt, and from whom. Kept in the audit trail.',
    }),
    { type: 'divider' },
    ...relabelled,
  ]);
}

/** Seed 003 §4.1: the team asks the reporter for more information; the reporter answers in a form. */
export function askReporterModal(i: Incident): ModalView {
  return modal(FACTS_MODALS.ask, 'Ask the reporter', 'Ask', { i: i.id, v: i.version }, [
    heading(i),
    {
      type: 'section',
      text: md(
        'The reporter gets your question by direct message, with a button to answer. Their answer goes on the record and in the card’s thread, and you are told.',
      ),
    },
    textInput('question', 'What would you like to know?', { multiline: true, max: 2000 }),
  ]);
}

/** What the reporter sees of their own report in a form: the reference and their own title. */
function ownReport(i: Pick<Incident, 'reference' | 'title'>): KnownBlock {
  return { type: 'context', elements: [plain(`${i.reference} · ${i.title}`, 3000)] };
}

/** The reporter's answer to a question, with files if they have any. */
export function answerModal(
  i: Pick<Incident, 'id' | 'reference' | 'title'>,
  questionEventId: number,
  question: string,
): ModalView {
  return {
    type: 'modal',
    callback_id: FACTS_MODALS.answer,
    title: plain('Answer the question', 24),
    submit: plain('Send answer', 24),
    close: plain('Cancel', 24),
    private_metadata: JSON.stringify({ i: i.id, q: questionEventId }),
    blocks: [
      ownReport(i),
      { type: 'section', text: md(`*The security team asks:*\n>${userText(question, 2000)}`) },
      textInput('answer', 'Your answer', { multiline: true, max: 3000 }),
      filesInput('Any files that help (screenshots, the email, a photo)?'),
    ],
  };
}

/** The reporter adds information or evidence to their own report, at any time (seed 003 §4.1). */
export function addInformationModal(
  report:
    | Pick<Incident, 'id' | 'reference' | 'title'>
    | { choose: Pick<Incident, 'id' | 'reference' | 'title'>[] },
): ModalView {
  const chooser: KnownBlock[] =
    'choose' in report
      ? [
          {
            type: 'input',
            block_id: 'report',
            label: plain('Which of your reports?', 2000),
            element: {
              type: 'static_select',
              action_id: FIELD_ACTION,
              placeholder: plain('Choose', 150),
              options: report.choose.slice(0, 100).map((r) => ({
                text: plain(`${r.reference} · ${r.title}`, 75),
                value: String(r.id),
              })),
            },
          },
        ]
      : [ownReport(report)];
  return {
    type: 'modal',
    callback_id: FACTS_MODALS.addInformation,
    title: plain('Add information', 24),
    submit: plain('Add to report', 24),
    close: plain('Cancel', 24),
    private_metadata: JSON.stringify('choose' in report ? {} : { i: report.id }),
    blocks: [
      ...chooser,
      {
        type: 'section',
        text: md('What you add goes to the security team with your report. Give some text, files, or both.'),
      },
      textInput('information', 'What else should the security team know?', {
        optional: true,
        multiline: true,
        max: 3000,
      }),
      filesInput('Files (screenshots, the email, a photo)'),
    ],
  };
}
