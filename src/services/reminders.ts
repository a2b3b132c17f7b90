import { type Logger, WebAPIPlatformError, type WebClient } from '@slack/web-api';
import type { Db } from '../../db/client';
import type { Config } from '../config';
import { findDueReminders, queueDigest, type ReminderItem } from '../domain/reminders';
import { inWorkingHours } from '../domain/working-hours';

export interface SweepResult {
  userId: string;
  items: ReminderItem[];
}

/** A person's own time zone from Slack; the organisation's when Slack does not know it. */
async function timeZoneOf(
  client: WebClient,
  userId: string,
  fallback: string,
  logger: Logger,
): Promise<string> {
  try {
    const res = await client.users.info({ user: userId });
    return res.user?.tz ?? fallback;
  } catch (err) {
    logger.warn(
      `time zone of ${userId} unknown (${err instanceof WebAPIPlatformError ? err.data.error : 'unreachable'})`,
    );
    return fallback;
  }
}

/**
 * One reminder sweep as at `now`: works out what each person owes and queues one digest DM per
 * person. Urgent items go at any hour; the rest wait for the recipient's working hours.
 */
export async function sweepReminders(deps: {
  db: Db;
  config: Config;
  client: WebClient;
  logger: Logger;
  now: Date;
}): Promise<SweepResult[]> {
  const { db, config, client, logger, now } = deps;
  const results: SweepResult[] = [];
  for (const [userId, items] of findDueReminders(db, now, config)) {
    let deliverable = items;
    if (items.some((i) => !i.urgent)) {
      const tz = await timeZoneOf(client, userId, config.orgTimeZone, logger);
      if (!inWorkingHours(now, tz, config.reminders.workday)) deliverable = items.filter((i) => i.urgent);
    }
    if (deliverable.length === 0) continue;
    const queued = queueDigest(db, userId, deliverable, now, config.orgTimeZone);
    if (queued.length > 0) results.push({ userId, items: queued });
  }
  return results;
}
