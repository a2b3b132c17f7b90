import type { Button, KnownBlock } from '@slack/types';
import type { Action, Incident, Notification } from '../db/schema';
import type { DutyKind } from '../src/domain/duties';
import { notificationNoun } from '../src/domain/outside-bodies';
import { CARD_ACTIONS, DUTY_ACTIONS, dutyBlockId } from './card-ids';
import { plain } from './text';

export interface DutyTarget {
  kind: DutyKind;
  /** How the step stands: the incident's state, or an action's. */
  state: string;
  incident: Pick<Incident, 'id' | 'reference' | 'status'>;
  action?: Pick<Action, 'id' | 'ownerId' | 'description'>;
  notification?: Pick<Notification, 'id' | 'kind'> & Partial<Pick<Notification, 'label'>>;
}

/** Who is looking: the owner of the step, or the team in the card's thread (anyone may be clicking). */
export type Audience = 'owner' | 'team';

const button = (
  actionId: string,
  label: string,
  opts: { primary?: boolean; value?: string; label?: string; confirm?: Button['confirm'] } = {},
): Button => ({
  type: 'button',
  action_id: actionId,
  text: plain(label, 75),
  ...(opts.primary ? { style: 'primary' as const } : {}),
  ...(opts.value !== undefined ? { value: opts.value } : {}),
  // Several "Done" or "Record" buttons on one screen read the same to a screen reader.
  ...(opts.label ? { accessibility_label: opts.label.slice(0, 75) } : {}),
  ...(opts.confirm ? { confirm: opts.confirm } : {}),
});

const confirm = (title: string, text: string, yes: string): Button['confirm'] => ({
  title: plain(title, 100),
  text: plain(text, 300),
  confirm: plain(yes, 30),
  deny: plain('Cancel', 30),
});

/** Short, and plain: a button's label and a dialog's text are plain text, where a mention shows raw. */
const short = (text: string) => {
  const plainText = text.replace(/<@[UW][A-Z0-9]+>/g, 'its owner');
  return plainText.length > 40 ? `${plainText.slice(0, 39)}…` : plainText;
};

/**
 * The buttons that take a step, the same wherever the step is asked for (a DM, the card's thread,
 * a reminder, App Home), opening the same forms as the card's. The server checks who and whether.
 */
export function dutyButtons(d: DutyTarget, audience: Audience): Button[] {
  const ref = d.incident.reference;
  switch (d.kind) {
    case 'triage':
      return [button(CARD_ACTIONS.triage, 'Triage', { primary: true, label: `Triage ${ref}` })];
    case 'follow':
      return [button(CARD_ACTIONS.postUpdate, 'Post update'), button(CARD_ACTIONS.addAction, 'Add action')];
    case 'escalation':
      // The Managing Director designates the IRM (seed 000 Responsibilities), from where they are told.
      return [
        button(CARD_ACTIONS.postUpdate, 'Post update'),
        button(CARD_ACTIONS.addAction, 'Add action'),
        button(DUTY_ACTIONS.designateIrm, 'Assign IRM…', { label: `Designate the IRM of ${ref}` }),
      ];
    case 'plan':
      return [
        button(DUTY_ACTIONS.agreePlan, 'Agree action plan', {
          primary: true,
          label: `Agree the plan of ${ref}`,
        }),
      ];
    case 'prevention':
      return [button(CARD_ACTIONS.addAction, 'Add preventive action', { primary: true })];
    case 'access':
      return [
        button(DUTY_ACTIONS.manageAccess, 'Manage access…', { primary: true, label: `Who may see ${ref}` }),
      ];
    case 'resolve':
      return [
        ...(d.state === 'triaged'
          ? [button(CARD_ACTIONS.startResolution, 'Start resolution', { primary: true })]
          : []),
        button(CARD_ACTIONS.resolve, 'Mark resolved', { primary: d.state !== 'triaged' }),
        button(CARD_ACTIONS.postUpdate, 'Post update'),
        button(CARD_ACTIONS.addAction, 'Add action'),
      ];
    case 'analysis':
      return [button(CARD_ACTIONS.analysis, 'Write causal analysis', { primary: true })];
    case 'analysis_review':
      return [button(CARD_ACTIONS.analysisReview, 'Review causal analysis', { primary: true })];
    case 'learning':
      return [button(CARD_ACTIONS.learning, 'Record review & learning', { primary: true })];
    case 'closure_request':
      return [button(CARD_ACTIONS.closure, 'Request closure', { primary: true })];
    case 'peer_review':
      return [button(CARD_ACTIONS.peerReview, 'Peer review of closure', { primary: true })];
    case 'closure_approval':
      // The only CIO did the peer review: they cannot approve, but can send it back (never a dead end).
      return d.state === 'send_back_only'
        ? [button(CARD_ACTIONS.approval, 'Send back…', { primary: true, value: 'returned' })]
        : closureApprovalButtons(ref);
    case 'notify': {
      if (!d.notification) return [];
      return [
        button(CARD_ACTIONS.recordNotification, 'Record', {
          primary: true,
          value: String(d.notification.id),
          label: `Record the ${notificationNoun(d.notification)} notification`,
        }),
      ];
    }
    case 'action':
      return d.action ? actionButtons(d.action, d.state, audience) : [];
  }
}

/** The CIO closes with one confirmed click, or sends it back with a comment. */
export function closureApprovalButtons(reference: string): Button[] {
  return [
    button(DUTY_ACTIONS.approveClosure, 'Approve closure', {
      primary: true,
      confirm: confirm(
        'Close the incident?',
        `${reference} will be closed. It can be reopened later with a reason, but the closure stays on record.`,
        'Approve closure',
      ),
    }),
    button(CARD_ACTIONS.approval, 'Send back…', { value: 'returned' }),
  ];
}

function actionButtons(
  a: Pick<Action, 'id' | 'ownerId' | 'description'>,
  state: string,
  audience: Audience,
): Button[] {
  const value = String(a.id);
  const what = short(a.description);
  // Marking another person's action done speaks for them: the team is asked to confirm.
  const done = button(
    DUTY_ACTIONS.actionDone,
    audience === 'owner' && state === 'open' ? 'Done' : 'Mark done',
    {
      primary: state === 'open',
      value,
      label: `Mark done: ${what}`,
      ...(audience === 'team'
        ? {
            confirm: confirm(
              'Mark it done?',
              `Only if the action is complete: "${what}". Its owner will see it settled.`,
              'Mark done',
            ),
          }
        : {}),
    },
  );
  if (state === 'not_doing_proposed')
    return [
      button(DUTY_ACTIONS.actionAccept, 'Accept “won’t do”', { value, label: `Accept not doing: ${what}` }),
      button(DUTY_ACTIONS.actionKeepOpen, 'Keep it open', { value, label: `Keep open: ${what}` }),
      ...(audience === 'team' ? [done] : []),
    ];
  return [done, button(DUTY_ACTIONS.actionNotDoing, 'Won’t do…', { value, label: `Won't do: ${what}` })];
}

/** One actions block of a step's buttons, naming the incident (and the slot, for several per message). */
export function dutyActionsBlock(d: DutyTarget, audience: Audience, slot: string): KnownBlock[] {
  const elements = dutyButtons(d, audience);
  return elements.length === 0
    ? []
    : [{ type: 'actions', block_id: dutyBlockId(d.incident.id, slot), elements }];
}
