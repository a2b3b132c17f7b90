import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import { prepared, storedValues } from '../../db/prepared';
import { processedRequests } from '../../db/schema';
import type { ListenerDeps } from './deps';

const remember = prepared((db) =>
  db
    .insert(processedRequests)
    .values(storedValues(processedRequests, ['key', 'incidentId', 'at']))
    .onConflictDoNothing()
    .prepare(),
);

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
        remember(deps.db).run({ key: `event:${eventId}`, incidentId: null, at: deps.clock.now() }).changes >
        0;
      if (!fresh) {
        deps.logger.debug(`dropped repeated event ${eventId}`);
        return;
      }
    }
    await next();
  };
}
