import { outbox } from '../../db/schema';
import type { Tx } from './tx';

export type DirectMessage = 'receipt' | 'irm_assigned' | 'escalation';

/**
 * What Slack must be told, decided by the domain and rendered from the database at delivery time,
 * so a message delayed by an outage still shows the incident as it is then.
 */
export type Delivery =
  | { kind: 'post_card'; incidentId: number }
  | { kind: 'update_card'; incidentId: number }
  | { kind: 'thread_line'; incidentId: number; eventId: number }
  | { kind: 'dm'; incidentId: number; userId: string; template: DirectMessage; eventId?: number };

export function enqueue(tx: Tx, delivery: Delivery, at: Date, dedupeKey?: string): void {
  const { kind, incidentId, ...rest } = delivery;
  tx.insert(outbox)
    .values({
      kind,
      incidentId,
      payload: rest,
      dedupeKey: dedupeKey ?? null,
      nextAttemptAt: at,
      createdAt: at,
    })
    .onConflictDoNothing({ target: outbox.dedupeKey })
    .run();
}
