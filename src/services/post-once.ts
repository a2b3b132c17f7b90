import type { ChatPostMessageArguments, Logger, WebClient } from '@slack/web-api';
import { WebAPIPlatformError } from '@slack/web-api';
import type { OutboxRow } from '../../db/schema';

/** The event type of the metadata on every message Vigil posts from its outbox. */
export const DELIVERY_EVENT_TYPE = 'vigil_delivery';

/**
 * How far before a delivery was queued its message may be stamped: Slack's clock and this
 * server's are not the same clock.
 */
const CLOCK_SKEW_MS = 10 * 60_000;
/** Pages of history read at most (200 messages each) before giving up the search. */
const MAX_PAGES = 5;
/** Slack's answers meaning the history cannot be read: the app lacks the scope, or the place. */
const CANNOT_READ = new Set([
  'missing_scope',
  'not_in_channel',
  'channel_not_found',
  'not_allowed_token_type',
]);

export type PostArgs = ChatPostMessageArguments & { channel: string; thread_ts?: string };

export interface PostDeps {
  client: WebClient;
  logger: Logger;
}

/** Names the delivery: which outbox row, for which incident. */
export function deliveryMetadata(row: Pick<OutboxRow, 'id' | 'incidentId'>) {
  return {
    event_type: DELIVERY_EVENT_TYPE,
    event_payload: { delivery_id: row.id, incident_id: row.incidentId ?? 0 },
  };
}

/**
 * chat.postMessage for one outbox delivery, effectively once. The message carries metadata naming
 * its delivery. When the last attempt's outcome is unknown (`unknown`: no answer, or the process
 * died while it held the delivery), Slack may have the message already: the conversation's recent
 * messages (from a little before the delivery was queued) are searched for that metadata, and the
 * message found is the answer instead of posting again. Without the history scopes (or if the
 * search finds nothing) it is posted again, and the logs say which.
 */
export async function postOnce(
  deps: PostDeps,
  row: Pick<OutboxRow, 'id' | 'incidentId' | 'kind' | 'createdAt'>,
  args: PostArgs,
  unknown: boolean,
): Promise<{ channel?: string; ts?: string }> {
  if (unknown) {
    const found = await findPosted(deps, row, args);
    if (found) {
      deps.logger.info(
        `outbox #${row.id} ${row.kind}: Slack had taken it before its answer was lost; recorded, not posted again`,
      );
      return found;
    }
  }
  return deps.client.chat.postMessage({
    ...args,
    metadata: deliveryMetadata(row),
  } as ChatPostMessageArguments);
}

interface Found {
  channel: string;
  ts: string;
}

/** The message this delivery posted, if Slack has it; null when there is none or it cannot be looked for. */
async function findPosted(
  deps: PostDeps,
  row: Pick<OutboxRow, 'id' | 'incidentId' | 'kind' | 'createdAt'>,
  args: PostArgs,
): Promise<Found | null> {
  const { client, logger } = deps;
  const what = `outbox #${row.id} ${row.kind}`;
  try {
    // A DM is posted to the person; its history is read in the DM's own conversation.
    const channel = /^[UW]/.test(args.channel)
      ? (await client.conversations.open({ users: args.channel })).channel?.id
      : args.channel;
    if (!channel) return null;
    const oldest = ((row.createdAt.getTime() - CLOCK_SKEW_MS) / 1000).toFixed(6);
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const query = {
        channel,
        oldest,
        limit: 200,
        include_all_metadata: true,
        ...(cursor ? { cursor } : {}),
      };
      const res = args.thread_ts
        ? await client.conversations.replies({ ...query, ts: args.thread_ts })
        : await client.conversations.history(query);
      const mine = (res.messages ?? []).find((m) => {
        const meta = (m as { metadata?: { event_type?: string; event_payload?: Record<string, unknown> } })
          .metadata;
        return meta?.event_type === DELIVERY_EVENT_TYPE && Number(meta.event_payload?.delivery_id) === row.id;
      });
      if (mine?.ts) return { channel, ts: mine.ts };
      cursor = res.response_metadata?.next_cursor || undefined;
      if (!res.has_more || !cursor) return null;
    }
    return null;
  } catch (err) {
    if (err instanceof WebAPIPlatformError && CANNOT_READ.has(String(err.data.error))) {
      logger.warn(
        `${what}: cannot look for a message Slack may already have (${String(err.data.error)}: add groups:history and im:history); posting it again`,
      );
      return null;
    }
    throw err;
  }
}
