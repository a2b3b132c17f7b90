import type { ModalView } from '@slack/types';
import type { Incident } from '../db/schema';
import { EVIDENCE_NOTE_MAX } from '../src/domain/evidence';
import { heading, modal } from './card-modals';
import { filesInput } from './facts-modals';
import { textInput } from './inputs';
import { md } from './text';

export const EVIDENCE_MODAL = 'add_evidence';

/** Seed 000 Rep.2, ISO 27001 A.5.28: files and notes registered as the incident's evidence. */
export function evidenceModal(i: Incident): ModalView {
  return modal(EVIDENCE_MODAL, 'Add evidence', 'Register', { i: i.id, v: i.version }, [
    heading(i),
    {
      type: 'section',
      text: md(
        'Each file is registered with who added it, when, its size and its SHA-256 fingerprint; Slack keeps the file. Every later export of the evidence is logged (chain of custody). In the card’s thread, *Add as evidence* on a message with files does the same.',
      ),
    },
    filesInput('Files'),
    textInput('note', 'Note (what it is, where it came from)', {
      optional: true,
      multiline: true,
      max: EVIDENCE_NOTE_MAX,
    }),
  ]);
}
