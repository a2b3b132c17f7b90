import { type Logger, WebAPIPlatformError, WebAPIRateLimitedError, type WebClient } from '@slack/web-api';
import { and, asc, count, eq, lte, max, sql } from 'drizzle-orm';
import {
  actionAssignedMessage,
  askMessage,
  escalationMessage,
  irmAssignedMessage,
  statusMessage,
} from '../../blocks/direct-messages';
import { reminderDigest } from '../../blocks/reminder-digest';
import { reporterReceipt, type SlackMessage } from '../../blocks/reporter-receipt';
import { type CardModel, triageCard } from '../../blocks/triage-card';
import type { Db } from '../../db/client';
import { actions, type Incident, incidentEvents, incidents, type OutboxRow, outbox } from '../../db/schema';
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { DirectMessage } from '../domain/deliveries';
import type { ReminderItem } from '../domain/reminders';
import { loadCardModel } from './card-model';
import { publishHome } from './home';
import { monthlyReportMessage, monthlyTrendChart } from './monthly-report';

export interface OutboxDeps {
  db: Db;
  clock: Clock;
  client: WebClient;
  logger: Logger;
  securityChannelId: string;
  orgTimeZone: string;
  maxBackoffMs: number;
  /** For refreshing App Home; absent in the command line, which leaves Home to the app. */
  home?: { config: Config; workspaceUrl: string; isSecurityTeam: (userId: string) => Promise<boolean> };
}

/** Errors that will not go away by retrying: a bug to fix, so the delivery is parked, loudly. */
const PERMANENT = new Set([
  'invalid_blocks',
  'invalid_blocks_format',
  'invalid_arguments',
  'msg_too_long',
  'msg_blocks_too_long',
  'no_text',
]);

/** A delivery waiting for something that has not happened yet (the card it belongs under). */
class NotYet extends Error {}

const TICK_MS = 5000;
// Longer than a Slack call may take (the client times out at 10 s), short enough to resume soon after a crash.
const LEASE_MS = 15_000;
const BATCH = 200;

/**
 * Delivers queued Slack messages in order per incident, retrying with capped back-off so that
 * after an outage everything pending goes out within seconds of Slack answering again.
 */
export class OutboxWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private again = false;
  private stopped = true;

  constructor(private readonly deps: OutboxDeps) {}

  start(): void {
    this.stopped = false;
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Something was queued: deliver now rather than at the next tick. */
  kick(): void {
    if (this.stopped) return;
    void this.run().catch((err) => this.deps.logger.error('outbox run failed', err));
  }

  /** Delivers everything that is due, repeating while a round made progress. Used by tests and the CLI. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      // A round already under way may have started before the caller's change: wait, then look again.
      if (this.running) {
        await this.running.catch(() => 0);
        continue;
      }
      const sent = await this.run();
      total += sent;
      if (sent === 0) return total;
    }
  }

  pendingCount(): number {
    const row = this.deps.db.select({ n: count() }).from(outbox).where(eq(outbox.status, 'pending')).get();
    return row?.n ?? 0;
  }

  private run(): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.round().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      } else {
        this.schedule();
      }
    });
    return this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    const next = this.deps.db
      .select({ at: outbox.nextAttemptAt })
      .from(outbox)
      .where(eq(outbox.status, 'pending'))
      .orderBy(asc(outbox.nextAttemptAt))
      .limit(1)
      .get();
    const wait = next
      ? Math.min(Math.max(next.at.getTime() - this.deps.clock.now().getTime(), 50), TICK_MS)
      : TICK_MS;
    this.timer = setTimeout(() => this.kick(), wait);
    this.timer.unref();
  }

  private async round(): Promise<number> {
    const { db, clock } = this.deps;
    const rows = db
      .select()
      .from(outbox)
      .where(eq(outbox.status, 'pending'))
      .orderBy(asc(outbox.id))
      .limit(BATCH)
      .all();
    const blocked = new Set<string>();
    let sent = 0;
    for (const row of rows) {
      const lane = laneOf(row);
      if (blocked.has(lane)) continue;
      if (row.nextAttemptAt.getTime() > clock.now().getTime() || !this.claim(row)) {
        blocked.add(lane);
        continue;
      }
      try {
        await this.deliver(row);
        db.update(outbox)
          .set({ status: 'sent', sentAt: clock.now(), attempts: row.attempts + 1, lastError: null })
          .where(eq(outbox.id, row.id))
          .run();
        sent++;
      } catch (err) {
        blocked.add(lane);
        this.failed(row, err);
      }
    }
    return sent;
  }

  /**
   * Takes a delivery for this process with a lease, so the CLI and the app (or two instances)
   * never send the same message; if this process dies mid-send, the lease runs out and it is retried.
   */
  private claim(row: OutboxRow): boolean {
    const now = this.deps.clock.now();
    return (
      this.deps.db
        .update(outbox)
        .set({ nextAttemptAt: new Date(now.getTime() + LEASE_MS) })
        .where(and(eq(outbox.id, row.id), eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now)))
        .run().changes > 0
    );
  }

  private failed(row: OutboxRow, err: unknown): void {
    const { db, clock, logger, maxBackoffMs } = this.deps;
    const attempts = row.attempts + 1;
    const code = errorCode(err);
    const permanent = PERMANENT.has(code);
    let delay = Math.min(1000 * 2 ** Math.min(attempts - 1, 16), maxBackoffMs);
    if (err instanceof WebAPIRateLimitedError) delay = Math.max(err.retryAfter * 1000, 1000);
    if (err instanceof NotYet) delay = 1000;
    db.update(outbox)
      .set({
        status: permanent ? 'dead' : 'pending',
        attempts,
        lastError: code,
        nextAttemptAt: new Date(clock.now().getTime() + delay),
      })
      .where(eq(outbox.id, row.id))
      .run();
    const what = `outbox #${row.id} ${row.kind} for incident ${row.incidentId ?? '-'}`;
    if (permanent) logger.error(`${what} cannot be delivered (${code}); parked, fix and requeue`);
    else if (!(err instanceof NotYet))
      logger.warn(`${what} failed (${code}), attempt ${attempts}; retrying in ${delay} ms`);
  }

  private async deliver(row: OutboxRow): Promise<void> {
    const { client, securityChannelId } = this.deps;
    if (row.kind === 'home') {
      await this.publishHome(row);
      return;
    }
    if (row.kind === 'monthly_report' || row.kind === 'monthly_chart') {
      await this.sendMonthlyReport(row);
      return;
    }
    if (row.kind === 'digest') {
      const items = row.payload.items as ReminderItem[];
      await client.chat.postMessage({ channel: String(row.payload.userId), ...reminderDigest(items) });
      return;
    }
    const incident = row.incidentId === null ? undefined : this.incident(row.incidentId);
    if (!incident) throw new Error(`incident ${row.incidentId} not found`);
    switch (row.kind) {
      case 'post_card': {
        if (incident.cardTs) return; // posted before a crash could mark the row sent
        const res = await client.chat.postMessage({
          channel: securityChannelId,
          ...triageCard(this.cardModel(incident)),
          unfurl_links: false,
          unfurl_media: false,
        });
        if (!res.ts || !res.channel) throw new Error('chat.postMessage returned no ts');
        this.deps.db
          .update(incidents)
          .set({ cardChannelId: res.channel, cardTs: res.ts })
          .where(eq(incidents.id, incident.id))
          .run();
        return;
      }
      case 'update_card': {
        const { channel, ts } = cardOf(incident);
        await client.chat.update({ channel, ts, ...triageCard(this.cardModel(incident)) });
        // The card now shows the latest state: older queued refreshes of it have nothing to add.
        this.deps.db
          .update(outbox)
          .set({ status: 'sent', sentAt: this.deps.clock.now() })
          .where(
            and(
              eq(outbox.status, 'pending'),
              eq(outbox.kind, 'update_card'),
              eq(outbox.incidentId, incident.id),
              lte(outbox.id, row.id),
            ),
          )
          .run();
        return;
      }
      case 'thread_line': {
        const { channel, ts } = cardOf(incident);
        const eventId = Number(row.payload.eventId);
        const event = this.deps.db
          .select({ summary: incidentEvents.summary })
          .from(incidentEvents)
          .where(eq(incidentEvents.id, eventId))
          .get();
        if (!event) throw new Error(`event ${eventId} not found`);
        await client.chat.postMessage({ channel, thread_ts: ts, text: event.summary, unfurl_links: false });
        return;
      }
      case 'dm': {
        await client.chat.postMessage({
          channel: String(row.payload.userId),
          ...(await this.directMessage(incident, row.payload)),
        });
        return;
      }
      default:
        throw new Error(`unknown delivery kind ${row.kind}`);
    }
  }

  /** Publishes a person's Home as it is now; older queued refreshes of it have nothing to add. */
  private async publishHome(row: OutboxRow): Promise<void> {
    const { db, clock, client, home } = this.deps;
    if (!home) throw new NotYet('App Home is refreshed by the app');
    const userId = String(row.payload.userId);
    const forUser = and(
      eq(outbox.status, 'pending'),
      eq(outbox.kind, 'home'),
      sql`json_extract(${outbox.payload}, '$.userId') = ${userId}`,
    );
    const newest =
      db
        .select({ id: max(outbox.id) })
        .from(outbox)
        .where(forUser)
        .get()?.id ?? row.id;
    // Who sees what is decided again now, not taken from when they opened Home.
    await publishHome({ db, client, ...home }, userId, clock.now());
    db.update(outbox)
      .set({ status: 'sent', sentAt: clock.now() })
      .where(and(forUser, lte(outbox.id, newest)))
      .run();
  }

  private async sendMonthlyReport(row: OutboxRow): Promise<void> {
    const { db, clock, client, home } = this.deps;
    if (!home) throw new NotYet('the monthly report is sent by the app');
    const userId = String(row.payload.userId);
    const period = String(row.payload.period);
    if (row.kind === 'monthly_report') {
      await client.chat.postMessage({
        channel: userId,
        ...monthlyReportMessage(db, home.config, period, clock.now()),
      });
      return;
    }
    const chart = monthlyTrendChart(db, home.config, period);
    const dm = await client.conversations.open({ users: userId });
    if (!dm.channel?.id) throw new Error('no DM channel');
    await client.filesUploadV2({
      channel_id: dm.channel.id,
      file: chart.png,
      filename: chart.filename,
      title: chart.title,
    });
  }

  private cardModel(incident: Incident): CardModel {
    return loadCardModel(this.deps.db, incident, this.deps.clock.now(), this.deps.orgTimeZone);
  }

  private async directMessage(incident: Incident, payload: Record<string, unknown>): Promise<SlackMessage> {
    const { orgTimeZone, db } = this.deps;
    const template = payload.template as DirectMessage;
    // The reporter's messages carry no link: they may not see the security channel.
    if (template === 'receipt') return reporterReceipt(incident);
    if (template === 'status') return statusMessage(incident);
    const { channel, ts } = cardOf(incident);
    const link = await this.deps.client.chat.getPermalink({ channel, message_ts: ts });
    const permalink = link.permalink ?? null;
    switch (template) {
      case 'irm_assigned':
        return irmAssignedMessage(incident, permalink, orgTimeZone);
      case 'escalation':
        return escalationMessage(incident, permalink, orgTimeZone);
      case 'action_assigned': {
        const action = db
          .select()
          .from(actions)
          .where(eq(actions.id, Number(payload.actionId)))
          .get();
        if (!action) throw new Error(`action ${String(payload.actionId)} not found`);
        return actionAssignedMessage(incident, action, permalink, orgTimeZone);
      }
      default:
        return askMessage(incident, template, permalink, orgTimeZone);
    }
  }

  private incident(id: number): Incident | undefined {
    return this.deps.db.select().from(incidents).where(eq(incidents.id, id)).get();
  }
}

function cardOf(incident: Incident): { channel: string; ts: string } {
  if (!incident.cardChannelId || !incident.cardTs) throw new NotYet('card not posted yet');
  return { channel: incident.cardChannelId, ts: incident.cardTs };
}

/** Deliveries about one incident's card keep their order; DMs go independently. */
function laneOf(row: OutboxRow): string {
  if (row.kind === 'home') return `home:${String(row.payload.userId)}`;
  if (row.kind.startsWith('monthly_'))
    return `report:${String(row.payload.userId)}:${String(row.payload.period)}`;
  return row.kind === 'dm' || row.kind === 'digest' ? `dm:${row.id}` : `card:${row.incidentId}`;
}

function errorCode(err: unknown): string {
  if (err instanceof WebAPIPlatformError) return String(err.data.error);
  if (err instanceof WebAPIRateLimitedError) return 'ratelimited';
  if (err instanceof NotYet) return 'waiting_for_card';
  if (err && typeof err === 'object' && 'code' in err) return String((err as { code: unknown }).code);
  return err instanceof Error ? err.message : String(err);
}
