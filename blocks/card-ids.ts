/** Action ids of the triage card's controls; the listeners register on the same constants. */
export const CARD_ACTIONS = {
  triage: 'card_triage',
  severity: 'card_severity',
  assignIrm: 'card_assign_irm',
  escalate: 'card_escalate',
  postUpdate: 'card_post_update',
  addAction: 'card_add_action',
  recordNotification: 'card_record_notification',
  startResolution: 'card_start_resolution',
  resolve: 'card_resolve',
  analysis: 'card_causal_analysis',
  analysisReview: 'card_review_analysis',
  learning: 'card_learning_review',
  closure: 'card_request_closure',
  peerReview: 'card_peer_review',
  approval: 'card_approve_closure',
  reopen: 'card_reopen',
  actionMenu: 'card_action_menu',
  /** The card's "More…" menu: each option's value is the action id of the control it stands for. */
  more: 'card_more',
} as const;

/** What an action's menu on the card offers; an option's value is `<op>:<action id>`. */
export const ACTION_MENU = {
  edit: 'edit',
  done: 'done',
  notDoing: 'not_doing',
  accept: 'accept',
  keepOpen: 'keep_open',
} as const;
export type ActionMenuOp = (typeof ACTION_MENU)[keyof typeof ACTION_MENU];

export function parseActionMenuValue(value: string): { op: ActionMenuOp; actionId: number } | null {
  const m = /^([a-z_]{1,20}):(\d{1,12})$/.exec(value);
  const op = Object.values(ACTION_MENU).find((o) => o === m?.[1]);
  return m && op ? { op, actionId: Number(m[2]) } : null;
}

/**
 * Every control block of a card names the incident and the version it shows, so a click on an
 * out-of-date card is recognised. These are hints: the server re-reads the incident.
 */
export function cardBlockId(incidentId: number, version: number, slot: string): string {
  return `card:${incidentId}:${version}:${slot}`;
}

export function parseCardBlockId(
  blockId: string,
): { incidentId: number; version: number; slot: string } | null {
  const m = /^card:(\d{1,12}):(\d{1,12}):([a-z0-9_]{1,40})$/.exec(blockId);
  return m ? { incidentId: Number(m[1]), version: Number(m[2]), slot: String(m[3]) } : null;
}

/**
 * Controls on messages that ask one person (or the team, in the card's thread) for a step, and in
 * App Home. Most reuse the card's action ids, so the same listener and the same checks serve them.
 */
export const DUTY_ACTIONS = {
  /** The CIO's final approval, straight from a confirmation dialog. */
  approveClosure: 'duty_approve_closure',
  actionDone: 'action_done',
  actionNotDoing: 'action_not_doing',
  actionAccept: 'action_accept_not_doing',
  actionKeepOpen: 'action_keep_open',
  /** The SIRO agrees the action plan (seed 003 §4.3): opens the plan to agree. */
  agreePlan: 'duty_agree_plan',
  /** The SIRO brings a record closed at triage back for a new decision (seed 003 §5.3). */
  retriage: 'duty_retriage',
  /** Whoever may designate the IRM, where they are (the MD: their escalation DM, App Home). */
  designateIrm: 'duty_designate_irm',
  /** The SIRO chooses who sees and works a restricted record. */
  manageAccess: 'duty_manage_access',
} as const;

/**
 * A control block outside the card names the incident it acts on (a hint: the server re-reads it,
 * and checks the message or Home it was clicked in belongs to that incident and that person).
 */
export function dutyBlockId(incidentId: number, slot: string): string {
  return `duty:${incidentId}:${slot}`;
}

export function parseDutyBlockId(blockId: string): { incidentId: number; slot: string } | null {
  const m = /^duty:(\d{1,12}):([a-z0-9_]{1,40})$/.exec(blockId);
  return m ? { incidentId: Number(m[1]), slot: String(m[2]) } : null;
}
