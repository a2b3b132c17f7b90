import { parseArgs } from 'node:util';
import { WebClient } from '@slack/web-api';
import { closeDatabase, openDatabase } from '../../db/client';
import { slackClientOptions } from '../app';
import { loadConfig } from '../config';
import { parseOrgDate } from '../dates';
import { createLogger } from '../logger';
import { OutboxWorker } from '../services/outbox';
import { sweepReminders } from '../services/reminders';
import { UsageError } from './usage-error';

/**
 * One reminder sweep as if at --at (default now), then delivery of what it queued. Safe beside the
 * running app: what was already sent is recorded, and deliveries are claimed before sending.
 */
export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { at: { type: 'string' } }, strict: true });
  const config = loadConfig(process.env);
  let now = new Date();
  if (values.at) {
    try {
      now = parseOrgDate(values.at, config.orgTimeZone, 'start');
    } catch (err) {
      throw new UsageError(`--at ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const logger = createLogger(config.logLevel);
  const db = openDatabase(config.databasePath);
  try {
    const client = new WebClient(config.slack.botToken, slackClientOptions(config, logger));
    const clock = { now: () => now };
    const sent = await sweepReminders({ db, config, client, logger, now });
    const outbox = new OutboxWorker({
      db,
      clock,
      client,
      logger,
      securityChannelId: config.securityChannelId,
      orgTimeZone: config.orgTimeZone,
      maxBackoffMs: config.outboxMaxBackoffMs,
      callTimeoutMs: config.slack.timeoutMs,
    });
    await outbox.drain();
    for (const { userId, items } of sent)
      process.stdout.write(
        `${now.toISOString()} reminded ${userId}: ${items.length} item${items.length === 1 ? '' : 's'} (${items.map((i) => i.key).join(', ')})\n`,
      );
    if (sent.length === 0) process.stderr.write('no reminders due\n');
  } finally {
    closeDatabase(db);
  }
}
