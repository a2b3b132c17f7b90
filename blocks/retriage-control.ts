import type { Button } from '@slack/types';
import type { Incident } from '../db/schema';
import { DUTY_ACTIONS } from './card-ids';
import { plain } from './text';

/**
 * On a record closed at triage (not an incident, a duplicate): the SIRO brings it back for a new
 * decision when new facts emerge (seed 003 §5.3, §5.11). A plain button, so it can move into the
 * card's "More…" menu.
 */
export function retriageButtons(i: Pick<Incident, 'status'>): Button[] {
  return i.status === 'not_incident' || i.status === 'duplicate'
    ? [{ type: 'button', action_id: DUTY_ACTIONS.retriage, text: plain('Triage again…', 75) }]
    : [];
}
