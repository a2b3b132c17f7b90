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
} as const;

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
