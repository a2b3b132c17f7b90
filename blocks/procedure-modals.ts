import type { KnownBlock, ModalView } from '@slack/types';
import type { Action, Incident } from '../db/schema';
import { heading, modal } from './card-modals';
import { FIELD_ACTION, textInput } from './inputs';
import { md, ownerName, plain, userText } from './text';

/** Forms for the procedure's steps asked where people are (a DM, App Home), not on the card. */
export const PROCEDURE_MODALS = {
  agreePlan: 'agree_action_plan',
  retriage: 'retriage_incident',
  designateIrm: 'designate_irm',
  designateIrmAny: 'designate_irm_any',
  access: 'restricted_access',
} as const;

/** The plan as it stands, one line per action, for the SIRO who agrees it (seed 003 §4.3). */
function planLines(actions: Action[]): string {
  if (actions.length === 0) return '_No actions yet: agreeing says the restoration itself is the plan._';
  const shown = actions
    .slice(0, 20)
    .map((a) => `• _${a.kind}_ ${userText(a.description, 200)} (${ownerName(a)})`);
  const more = actions.length - shown.length;
  return `${shown.join('\n')}${more > 0 ? `\n…and ${more} more (\`/incident\` lists them all)` : ''}`;
}

export function agreePlanModal(i: Incident, actions: Action[]): ModalView {
  return modal(PROCEDURE_MODALS.agreePlan, 'Agree action plan', 'Agree plan', { i: i.id, v: i.version }, [
    heading(i),
    { type: 'section', text: md(`*The resolution action plan*\n${planLines(actions)}`, 3000) },
    textInput('note', 'Anything to add? (kept with your agreement)', {
      optional: true,
      multiline: true,
      max: 2000,
    }),
  ]);
}

/** Seed 003 §5.3: a record closed at triage comes back for a new decision, with what is new. */
export function retriageModal(i: Incident): ModalView {
  return modal(PROCEDURE_MODALS.retriage, 'Triage again', 'Bring it back', { i: i.id, v: i.version }, [
    heading(i),
    {
      type: 'section',
      text: md(
        `*${i.reference}* waits for triage again: the SIRO is asked for a new decision, and the outside bodies its report calls for are owed again until then.`,
      ),
    },
    textInput('reason', 'What new facts bring it back?', { multiline: true, max: 2000 }),
  ]);
}

const irmPicker = (initial: string | null): KnownBlock => ({
  type: 'input',
  block_id: 'irmId',
  label: plain('Who should be the Incident Response Manager?', 2000),
  hint: plain('They are told at once, by direct message, and follow it to the end.', 2000),
  element: { type: 'users_select', action_id: FIELD_ACTION, ...(initial ? { initial_user: initial } : {}) },
});

/** Seed 000 Responsibilities: the Managing Director designates the IRM; so may the SIRO, CIO and team. */
export function designateIrmModal(i: Incident): ModalView {
  return modal(PROCEDURE_MODALS.designateIrm, 'Designate the IRM', 'Designate', { i: i.id, v: i.version }, [
    heading(i),
    irmPicker(i.irmId),
  ]);
}

/** The same, from App Home, for any open incident by its reference. */
export function designateIrmAnyModal(): ModalView {
  return {
    type: 'modal',
    callback_id: PROCEDURE_MODALS.designateIrmAny,
    title: plain('Designate the IRM', 24),
    submit: plain('Designate', 24),
    close: plain('Cancel', 24),
    private_metadata: '{}',
    blocks: [
      textInput('reference', 'Which incident?', { max: 20, placeholder: 'INC-2026-0007' }),
      irmPicker(null),
    ],
  };
}

/** Who, besides the SIROs, sees and works a restricted record (seed 000 Rep.1: it goes past those it is about). */
export function accessModal(i: Incident): ModalView {
  return modal(PROCEDURE_MODALS.access, 'Who may see it', 'Save', { i: i.id, v: i.version }, [
    heading(i),
    {
      type: 'section',
      text: md(
        `*${i.reference} is restricted*: its reporter said it is about ${i.concerns?.includes('own_head') ? 'their own head of department' : ''}${(i.concerns?.length ?? 0) > 1 ? ' and ' : ''}${i.concerns?.includes('security_team') ? 'a member of the security team' : ''}. Only the SIROs and the people below see its details and may work on it; everyone else sees its reference, kind and status.`,
      ),
    },
    {
      type: 'input',
      block_id: 'accessIds',
      optional: true,
      label: plain('Who else may see and work on it?', 2000),
      element: {
        type: 'multi_users_select',
        action_id: FIELD_ACTION,
        ...((i.accessIds?.length ?? 0) > 0 ? { initial_users: i.accessIds ?? [] } : {}),
      },
    },
  ]);
}
