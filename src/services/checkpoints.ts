import type { WebClient } from '@slack/web-api';
import { eq, sql } from 'drizzle-orm';
import { checkpointMessage, checkpointThreadParent } from '../../blocks/audit-checkpoint';
import type { Db } from '../../db/client';
import { auditCheckpoints, auditCheckpointThread, type OutboxRow, outbox } from '../../db/schema';
import type { Clock } from '../clock';
import { auditMac, GENESIS_HASH } from '../domain/audit';
import {
  appendCheckpointLine,
  type Checkpoint,
  checkpointFileOf,
  checkpointLine,
  checkpointMacText,
} from './checkpoint-file';
import type { PostArgs } from './post-once';

export interface CheckpointDeps {
  db: Db;
  clock: Clock;
  client: WebClient;
  securityChannelId: string;
}

/**
 * Reads the chain's head as it is now, signs it with the audit key, appends it to the checkpoint
 * file (synced) and records it. The file comes first: it is the copy that matters.
 */
export function takeCheckpoint(
  deps: Pick<CheckpointDeps, 'db' | 'clock'>,
  reason: string,
): Checkpoint & { id: number } {
  const { db, clock } = deps;
  const checkpointFile = checkpointFileOf(db);
  const head = db.transaction(
    (tx) =>
      tx.get<{ events: number; lastId: number | null; head: string | null }>(sql`
        SELECT count(*) AS events, max(id) AS lastId,
          (SELECT hash FROM incident_events ORDER BY id DESC LIMIT 1) AS head
        FROM incident_events`),
    { behavior: 'deferred' },
  );
  const unsigned = {
    at: clock.now(),
    events: head.events,
    lastId: head.lastId ?? 0,
    head: head.head ?? GENESIS_HASH,
    reason,
  };
  const checkpoint: Checkpoint = { ...unsigned, mac: auditMac(db, checkpointMacText(unsigned)) };
  if (checkpointFile) appendCheckpointLine(checkpointFile, checkpoint);
  const { id } = db
    .insert(auditCheckpoints)
    .values({
      at: checkpoint.at,
      eventCount: checkpoint.events,
      lastEventId: checkpoint.lastId,
      headHash: checkpoint.head,
      mac: checkpoint.mac,
      reason,
    })
    .returning({ id: auditCheckpoints.id })
    .get();
  return { ...checkpoint, id };
}

/**
 * The outbox's `checkpoint` delivery: takes the checkpoint on the first attempt (remembered on the
 * row, so a retry after a Slack failure posts the same one) and posts it in the security channel's
 * checkpoint thread, starting the thread with the first one.
 */
export async function deliverCheckpoint(
  deps: CheckpointDeps,
  row: OutboxRow,
  // The outbox's post, effectively once (post-once.ts).
  post: (args: PostArgs) => Promise<{ ts?: string }> = (args) => deps.client.chat.postMessage(args),
): Promise<void> {
  const { db, securityChannelId } = deps;
  let id = typeof row.payload.checkpointId === 'number' ? row.payload.checkpointId : null;
  if (id === null) {
    const taken = takeCheckpoint(deps, String(row.payload.reason ?? 'daily'));
    id = taken.id;
    db.update(outbox)
      .set({ payload: sql`json_set(${outbox.payload}, '$.checkpointId', ${taken.id})` })
      .where(eq(outbox.id, row.id))
      .run();
  }
  const stored = db.select().from(auditCheckpoints).where(eq(auditCheckpoints.id, id)).get();
  if (!stored) throw new Error(`checkpoint ${id} not found`);
  const checkpoint: Checkpoint = {
    at: stored.at,
    events: stored.eventCount,
    lastId: stored.lastEventId,
    head: stored.headHash,
    reason: stored.reason,
    mac: stored.mac,
  };
  const view = { ...checkpoint, line: checkpointLine(checkpoint) };
  const thread = db
    .select({ ts: auditCheckpointThread.ts })
    .from(auditCheckpointThread)
    .where(eq(auditCheckpointThread.channelId, securityChannelId))
    .get();
  if (thread) {
    await post({ channel: securityChannelId, thread_ts: thread.ts, ...checkpointMessage(view) });
    return;
  }
  const parent = await post({ channel: securityChannelId, ...checkpointThreadParent(view) });
  if (!parent.ts) throw new Error('chat.postMessage returned no ts');
  db.insert(auditCheckpointThread)
    .values({ channelId: securityChannelId, ts: parent.ts })
    .onConflictDoNothing()
    .run();
}
