import { outbox } from '../../db/schema';
import type { ReminderItem } from './reminders';
import type { Tx } from './tx';

export type DirectMessage =
  | 'receipt'
  | 'irm_assigned'
  | 'escalation'
  | 'action_assigned'
  | 'causal_analysis_due'
  | 'causal_analysis_submitted'
  | 'causal_analysis_returned'
  | 'status';

/**
 * What Slack must be told, decided by the domain and rendered from the database at delivery time,
 * so a message delayed by an outage still shows the incident as it is then.
 */
export type Delivery =
  | { kind: 'post_card'; incidentId: number }
  | { kind: 'update_card'; incidentId: number }
  | { kind: 'thread_line'; incidentId: number; eventId: number }
  | { kind: 'dm'; incidentId: number; userId: string; template: DirectMessage; actionId?: number }
  | { kind: 'digest'; incidentId: null; userId: string; items: ReminderItem[] };

export function enqueue(tx: Tx, delivery: Delivery, at: Date, dedupeKey?: string): boolean {
  const { kind, incidentId, ...rest } = delivery;
  return (
    tx
      .insert(outbox)
      .values({
        kind,
        incidentId,
        payload: rest,
        dedupeKey: dedupeKey ?? null,
        nextAttemptAt: at,
        createdAt: at,
      })
      .onConflictDoNothing({ target: outbox.dedupeKey })
      .run().changes > 0
  );
}
