import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import { processedRequests } from '../../db/schema';
import type { ListenerDeps } from './deps';

/**
 * Slack redelivers an event it thinks was missed (X-Slack-Retry-Num); its event_id is the same,
 * so the first delivery is remembered and a repeat is dropped before any listener runs.
 */
export function dedupeEvents(
  deps: Pick<ListenerDeps, 'db' | 'clock' | 'logger'>,
): Middleware<AnyMiddlewareArgs> {
  return async ({ body, next }) => {
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId === 'string') {
      const fresh =
        deps.db
          .insert(processedRequests)
          .values({ key: `event:${eventId}`, incidentId: null, at: deps.clock.now() })
          .onConflictDoNothing()
          .run().changes > 0;
      if (!fresh) {
        deps.logger.debug(`dropped repeated event ${eventId}`);
        return;
      }
    }
    await next();
  };
}
