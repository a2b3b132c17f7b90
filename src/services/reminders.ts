import { setImmediate } from 'node:timers/promises';
import { type Logger, WebAPIPlatformError, type WebClient } from '@slack/web-api';
import type { Db } from '../../db/client';
import type { Config } from '../config';
import {
  dueReminderPasses,
  planDigest,
  queueDigest,
  type ReminderItem,
  unsentItems,
} from '../domain/reminders';
import { inWorkingHours } from '../domain/working-hours';

export interface SweepResult {
  userId: string;
  items: ReminderItem[];
  /** Due as well, left for the next sweep to keep the message within Slack's limits. */
  more: number;
}

/** People rarely change zone; an hour keeps a sweep every few minutes from asking Slack each time. */
const TIME_ZONE_TTL_MS = 60 * 60_000;

/** People's own time zones from Slack (`users.info`), remembered briefly. */
export class TimeZones {
  private readonly known = new Map<string, { tz: string; until: number }>();

  constructor(
    private readonly client: WebClient,
    private readonly fallback: string,
    private readonly logger: Logger,
  ) {}

  /** The zone already known for a person, without asking Slack. */
  cached(userId: string, now: Date): string | null {
    const hit = this.known.get(userId);
    return hit && hit.until > now.getTime() ? hit.tz : null;
  }

  /** A person's own zone; the organisation's when Slack does not know it (not remembered, so asked again). */
  async of(userId: string, now: Date): Promise<string> {
    const cached = this.cached(userId, now);
    if (cached) return cached;
    try {
      const res = await this.client.users.info({ user: userId });
      const tz = res.user?.tz;
      if (!tz) return this.fallback;
      this.known.set(userId, { tz, until: now.getTime() + TIME_ZONE_TTL_MS });
      return tz;
    } catch (err) {
      this.logger.warn(
        `time zone of ${userId} unknown (${err instanceof WebAPIPlatformError ? err.data.error : 'unreachable'})`,
      );
      return this.fallback;
    }
  }
}

/**
 * One reminder sweep as at `at`: works out what each person owes and queues one digest DM per
 * person. Urgent items go at any hour; the rest wait for the recipient's working hours in their
 * own zone. Slack is asked for someone's zone only when they have something not yet sent.
 * `deliverAt` is the real time the digests may go; `dryRun` records and queues nothing.
 */
export async function sweepReminders(deps: {
  db: Db;
  config: Config;
  zones: TimeZones;
  at: Date;
  deliverAt: Date;
  dryRun?: boolean;
}): Promise<SweepResult[]> {
  const { db, config, zones, at } = deps;
  const results: SweepResult[] = [];
  const passes = dueReminderPasses(db, at, config);
  let pass = passes.next();
  for (; !pass.done; pass = passes.next()) await setImmediate();
  for (const [userId, items] of pass.value) {
    // Each person's digest is its own short transaction; between them Slack's requests get the
    // event loop, so a long sweep never holds an acknowledgement back for its whole length.
    await setImmediate();
    const unsent = unsentItems(db, userId, items, at, zones.cached(userId, at));
    if (unsent.length === 0) continue;
    const needsZone = unsent.some((i) => !i.urgent || i.repeat === 'day');
    const tz = needsZone ? await zones.of(userId, at) : (zones.cached(userId, at) ?? config.orgTimeZone);
    const deliverable = inWorkingHours(at, tz, config.reminders.workday)
      ? items
      : items.filter((i) => i.urgent);
    if (deliverable.length === 0) continue;
    const digest = deps.dryRun
      ? planDigest(db, userId, deliverable, at, tz)
      : queueDigest(db, userId, deliverable, { now: at, deliverAt: deps.deliverAt, timeZone: tz });
    if (digest.items.length > 0) results.push({ userId, ...digest });
  }
  return results;
}
