import { parseArgs } from 'node:util';
import { WebClient } from '@slack/web-api';
import { closeDatabase, openDatabase } from '../../db/client';
import { slackClientOptions } from '../app';
import { systemClock } from '../clock';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { OutboxWorker } from '../services/outbox';
import { sweepReminders, TimeZones } from '../services/reminders';
import { parseDateFlag } from './usage-error';

/**
 * One reminder sweep as if at --at (default now), then delivery of what it queued. Only the sweep
 * runs "as if": delivery (leases, retries) keeps real time, so the app can pick up where this
 * left off. Safe beside the running app: what was already sent is recorded, and deliveries are
 * claimed before sending. --dry-run prints what would go out and records and sends nothing.
 */
export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { at: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } },
    strict: true,
  });
  const config = loadConfig(process.env);
  const at = values.at ? parseDateFlag('--at', values.at, config.orgTimeZone, 'start') : systemClock.now();
  const dryRun = values['dry-run'];
  const logger = createLogger(config.logLevel);
  const db = openDatabase(config.databasePath, { auditKey: config.auditKey });
  try {
    const client = new WebClient(config.slack.botToken, slackClientOptions(config, logger));
    const zones = new TimeZones(client, config.orgTimeZone, logger);
    const sent = await sweepReminders({ db, config, zones, at, deliverAt: systemClock.now(), dryRun });
    if (!dryRun) await OutboxWorker.fromConfig(config, { db, clock: systemClock, client, logger }).drain();
    for (const { userId, items, more } of sent)
      process.stdout.write(
        `${at.toISOString()} ${dryRun ? 'would remind' : 'reminded'} ${userId}: ${items.length} item${items.length === 1 ? '' : 's'} (${items.map((i) => i.key).join(', ')})${more > 0 ? `, ${more} more not shown` : ''}\n`,
      );
    if (sent.length === 0) process.stderr.write('no reminders due\n');
  } finally {
    closeDatabase(db);
  }
}
