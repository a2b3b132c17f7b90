import {
  type Logger,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  type WebClient,
} from '@slack/web-api';
import { and, asc, eq, inArray, lte, max, ne, sql } from 'drizzle-orm';
import { noteMessage, statusMessage } from '../../blocks/direct-messages';
import { fallbackCard } from '../../blocks/fallback-card';
import { reminderDigest } from '../../blocks/reminder-digest';
import { reporterReceipt, type SlackMessage } from '../../blocks/reporter-receipt';
import { type CardModel, triageCard } from '../../blocks/triage-card';
import type { Db } from '../../db/client';
import { findIncidentById } from '../../db/find-incident';
import {
  dutyMessages,
  type Incident,
  incidentEvents,
  incidents,
  type OutboxRow,
  outbox,
} from '../../db/schema';
import type { Clock } from '../clock';
import type { Config } from '../config';
import { type DirectMessage, homeKey } from '../domain/deliveries';
import type { ReminderItem } from '../domain/reminders';
import { loadCardModel } from './card-model';
import { deliverCheckpoint } from './checkpoints';
import { renderDutyMessage } from './duty-delivery';
import { eventById, loadDutyMessage } from './duty-model';
import { publishHome } from './home';
import { monthlyReportMessage, monthlyTrendChart } from './monthly-report';
import { countOutbox } from './outbox-status';

export interface OutboxDeps {
  db: Db;
  clock: Clock;
  client: WebClient;
  logger: Logger;
  securityChannelId: string;
  orgTimeZone: string;
  maxBackoffMs: number;
  /** The Slack client's timeout: a claimed delivery is given longer than that before another takes it. */
  callTimeoutMs?: number;
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

/** Deliveries to one person, and the answers that mean that person is not there to be told. */
const TO_A_PERSON = new Set(['dm', 'digest', 'home', 'monthly_report', 'monthly_chart']);
const NO_SUCH_PERSON = new Set(['channel_not_found', 'user_not_found', 'cannot_dm_bot', 'user_disabled']);
const isPermanent = (kind: string, code: string) =>
  PERMANENT.has(code) || (TO_A_PERSON.has(kind) && NO_SUCH_PERSON.has(code));

/** A delivery waiting for something that has not happened yet (the card it belongs under). */
class NotYet extends Error {}

/** The mark of an attempt under way; left behind, it means the process died before Slack answered. */
const UNFINISHED = 'attempt_unfinished';

/**
 * Whether Slack may have done what a failed attempt asked: it got no answer (a timeout, a reset,
 * a crash), as opposed to an answer saying no or a connection Slack never accepted.
 */
function outcomeUnknown(lastError: string | null): boolean {
  if (lastError === UNFINISHED) return true;
  return lastError?.startsWith('request_failed:') === true && lastError !== 'request_failed:ECONNREFUSED';
}

const TICK_MS = 5000;
// Longer than a Slack call may take, short enough to resume soon after a crash.
const MIN_LEASE_MS = 15_000;
const BATCH = 200;

/**
 * The order a delivery keeps: an incident's card, thread (its posts asking for steps too) and edits
 * in one lane; a person's Home in another; the monthly report's message and chart in a third; a
 * duty DM's post and its later edits in one; each other DM on its own.
 */
const LANE = sql<string>`CASE
  WHEN kind = 'home' THEN 'home:' || json_extract(payload, '$.userId')
  WHEN kind IN ('monthly_report', 'monthly_chart')
    THEN 'report:' || json_extract(payload, '$.userId') || ':' || json_extract(payload, '$.period')
  WHEN kind IN ('dm', 'digest') THEN 'dm:' || id
  WHEN kind = 'duty_message' AND json_extract(payload, '$.thread') IS NULL
    THEN 'msg:' || json_extract(payload, '$.messageId')
  WHEN kind = 'checkpoint' THEN 'checkpoint'
  ELSE 'card:' || incident_id
END`;

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

  /** The worker as the configuration sets it up: the app's, and the command line's (without Home). */
  static fromConfig(
    config: Config,
    deps: Pick<OutboxDeps, 'db' | 'clock' | 'client' | 'logger' | 'home'>,
  ): OutboxWorker {
    return new OutboxWorker({
      ...deps,
      securityChannelId: config.securityChannelId,
      orgTimeZone: config.orgTimeZone,
      maxBackoffMs: config.outboxMaxBackoffMs,
      callTimeoutMs: config.slack.timeoutMs,
    });
  }

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
    return countOutbox(this.deps.db).pending;
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
    // A row waiting behind an earlier one of its lane is not due before that one is.
    const next = this.deps.db.get<{ at: number | null }>(sql`
      SELECT min(next_attempt_at) AS at FROM outbox
      WHERE id IN (SELECT min(id) FROM outbox WHERE status = 'pending' GROUP BY ${LANE})`);
    const wait =
      next?.at != null ? Math.min(Math.max(next.at - this.deps.clock.now().getTime(), 50), TICK_MS) : TICK_MS;
    this.timer = setTimeout(() => this.kick(), wait);
    this.timer.unref();
  }

  /**
   * The oldest deliveries that are due and not waiting behind an earlier one of their lane, so
   * however many wait to be retried later, a new report's card goes out now.
   */
  private dueRows(): { row: OutboxRow; lane: string }[] {
    const { db, clock } = this.deps;
    const now = clock.now().getTime();
    const due = db.all<{ id: number; lane: string }>(sql`
      SELECT id, lane FROM (
        SELECT id, next_attempt_at, lane,
          min(CASE WHEN next_attempt_at > ${now} THEN id END) OVER (PARTITION BY lane) AS held_from
        FROM (SELECT id, next_attempt_at, ${LANE} AS lane FROM outbox WHERE status = 'pending')
      )
      WHERE next_attempt_at <= ${now} AND (held_from IS NULL OR id < held_from)
      ORDER BY id
      LIMIT ${BATCH}`);
    if (due.length === 0) return [];
    const lanes = new Map(due.map((d) => [d.id, d.lane]));
    return db
      .select()
      .from(outbox)
      .where(
        inArray(
          outbox.id,
          due.map((d) => d.id),
        ),
      )
      .orderBy(asc(outbox.id))
      .all()
      .map((row) => ({ row, lane: lanes.get(row.id) ?? `row:${row.id}` }));
  }

  private async round(): Promise<number> {
    const { db, clock } = this.deps;
    const blocked = new Set<string>();
    let sent = 0;
    for (const { row, lane } of this.dueRows()) {
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
        // Marked so that, if this process dies mid-send, the retry knows Slack may have it already.
        .set({ nextAttemptAt: new Date(now.getTime() + this.leaseMs()), lastError: UNFINISHED })
        .where(and(eq(outbox.id, row.id), eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now)))
        .run().changes > 0
    );
  }

  private leaseMs(): number {
    return Math.max(MIN_LEASE_MS, (this.deps.callTimeoutMs ?? 10_000) + 5000);
  }

  private failed(row: OutboxRow, err: unknown): void {
    const { db, clock, logger, maxBackoffMs } = this.deps;
    const attempts = row.attempts + 1;
    const code = errorCode(err);
    const permanent = isPermanent(row.kind, code);
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
    if (row.kind === 'home' && !permanent) this.keepOneHomeRefresh(row);
    const what = `outbox #${row.id} ${row.kind} for incident ${row.incidentId ?? '-'}`;
    if (permanent)
      logger.error(
        `${what} cannot be delivered (${code}); parked: fix, then npm run vigil -- outbox --requeue-dead`,
      );
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
    if (row.kind === 'duty_message') {
      await this.deliverDutyMessage(row);
      return;
    }
    if (row.kind === 'checkpoint') {
      await deliverCheckpoint(this.deps, row);
      return;
    }
    if (row.kind === 'digest') {
      const items = row.payload.items as ReminderItem[];
      const more = typeof row.payload.more === 'number' ? row.payload.more : 0;
      await client.chat.postMessage({ channel: String(row.payload.userId), ...reminderDigest(items, more) });
      return;
    }
    const incident = row.incidentId === null ? undefined : this.incident(row.incidentId);
    if (!incident) throw new Error(`incident ${row.incidentId} not found`);
    switch (row.kind) {
      case 'post_card': {
        if (incident.cardTs) return; // posted before a crash could mark the row sent
        // Slack has no idempotency key for messages and the app may not read the channel's history,
        // so a card whose answer was lost cannot be looked for: it is posted again, and said so.
        if (outcomeUnknown(row.lastError))
          this.deps.logger.warn(
            `${incident.reference}: no answer to the last attempt to post its card (${row.lastError}); if Slack took it, the channel shows the card twice and the newer one is kept up to date`,
          );
        const res = await this.sendCard(incident, (card) =>
          client.chat.postMessage({
            channel: securityChannelId,
            ...card,
            unfurl_links: false,
            unfurl_media: false,
          }),
        );
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
        const queued = and(
          eq(outbox.status, 'pending'),
          eq(outbox.kind, 'update_card'),
          eq(outbox.incidentId, incident.id),
        );
        // Every refresh already queued is answered by this one: the card is drawn from the
        // database after this point, so it shows whatever change queued them (a burst of
        // changes, or a deadline passing with others, is one edit, not many).
        const newest =
          this.deps.db
            .select({ id: max(outbox.id) })
            .from(outbox)
            .where(queued)
            .get()?.id ?? row.id;
        await this.sendCard(this.incident(incident.id) ?? incident, (card) =>
          client.chat.update({ channel, ts, ...card }),
        );
        this.deps.db
          .update(outbox)
          .set({ status: 'sent', sentAt: this.deps.clock.now() })
          .where(and(queued, lte(outbox.id, Math.max(newest, row.id))))
          .run();
        return;
      }
      case 'thread_line': {
        // A restricted record's changes are not told in the security channel (they may be about it).
        if (incident.restricted) return;
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
        const userId = String(row.payload.userId);
        await client.chat.postMessage({
          channel: userId,
          ...(await this.directMessage(incident, row.payload, userId)),
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
    // From here on a change is either in the model below or queues a refresh of its own.
    db.update(outbox).set({ dedupeKey: null }).where(forUser).run();
    // Who sees what is decided again now, not taken from when they opened Home.
    await publishHome({ db, client, ...home }, userId, clock.now());
    db.update(outbox)
      .set({ status: 'sent', sentAt: clock.now() })
      .where(and(forUser, lte(outbox.id, newest)))
      .run();
  }

  /**
   * A Home refresh that failed waits as the person's one refresh again; if a change queued a
   * newer one meanwhile, that one stays and this one, which it covers, is dropped.
   */
  private keepOneHomeRefresh(row: OutboxRow): void {
    const { db, clock } = this.deps;
    const key = homeKey(String(row.payload.userId));
    db.transaction((tx) => {
      const newer = tx
        .select({ id: outbox.id })
        .from(outbox)
        .where(and(eq(outbox.dedupeKey, key), ne(outbox.id, row.id)))
        .get();
      if (newer)
        tx.update(outbox)
          .set({ status: 'sent', sentAt: clock.now(), dedupeKey: null })
          .where(eq(outbox.id, row.id))
          .run();
      else tx.update(outbox).set({ dedupeKey: key }).where(eq(outbox.id, row.id)).run();
    });
  }

  /**
   * Sends the card; if Slack refuses it as too long or malformed, sends it as plain text instead,
   * so the team sees the report while the card is fixed (the refusal is logged as an error).
   */
  private async sendCard<T>(
    incident: Incident,
    send: (card: { text: string; blocks?: SlackMessage['blocks'] }) => Promise<T>,
  ): Promise<T> {
    try {
      return await send(triageCard(this.cardModel(incident)));
    } catch (err) {
      const code = errorCode(err);
      if (!PERMANENT.has(code)) throw err;
      this.deps.logger.error(
        `card of ${incident.reference} refused by Slack (${code}); shown as plain text until the card is fixed`,
      );
      return send(fallbackCard(incident));
    }
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
      alt_text: chart.altText,
    });
  }

  private cardModel(incident: Incident): CardModel {
    return loadCardModel(this.deps.db, incident, this.deps.clock.now(), this.deps.orgTimeZone);
  }

  private async directMessage(
    incident: Incident,
    payload: Record<string, unknown>,
    userId: string,
  ): Promise<SlackMessage> {
    const template = payload.template as DirectMessage;
    // The reporter's messages carry no link: they may not see the security channel.
    if (template === 'receipt') return reporterReceipt(incident);
    // The status the change announced, not the one at delivery: a close then a reopen sends both.
    if (template === 'status')
      return statusMessage(
        { ...incident, status: (payload.status as Incident['status']) ?? incident.status },
        payload.from as Incident['status'] | undefined,
      );
    const event = eventById(this.deps.db, Number(payload.eventId));
    if (!event) throw new Error(`event ${String(payload.eventId)} not found`);
    return noteMessage(template, incident, event, userId, this.deps.orgTimeZone);
  }

  /**
   * Posts a message that asks for a step, or edits it to show how it stands now (settled: by whom,
   * its buttons gone). Drawn from the register at delivery, so one edit answers every change
   * queued before it; a thread post waits for its card.
   */
  private async deliverDutyMessage(row: OutboxRow): Promise<void> {
    const { db, client, clock, home } = this.deps;
    const messageId = Number(row.payload.messageId);
    const loaded = loadDutyMessage(db, messageId);
    if (!loaded) throw new Error(`duty message ${messageId} not found`);
    const { message } = loaded;
    const queued = and(
      eq(outbox.status, 'pending'),
      eq(outbox.kind, 'duty_message'),
      sql`json_extract(${outbox.payload}, '$.messageId') = ${messageId}`,
    );
    const newest =
      db
        .select({ id: max(outbox.id) })
        .from(outbox)
        .where(queued)
        .get()?.id ?? row.id;
    const rendered = await renderDutyMessage(
      {
        db,
        now: clock.now(),
        orgTimeZone: this.deps.orgTimeZone,
        workspaceUrl: home?.workspaceUrl ?? null,
        isSecurityTeam: home?.isSecurityTeam ?? (async () => false),
      },
      message,
      loaded.duties,
    );
    if (rendered) {
      if (message.channelId && message.ts) {
        await client.chat.update({ channel: message.channelId, ts: message.ts, ...rendered });
      } else {
        const where =
          message.kind === 'thread'
            ? (() => {
                const incident = message.incidentId === null ? undefined : this.incident(message.incidentId);
                if (!incident) throw new Error(`incident ${message.incidentId} not found`);
                const card = cardOf(incident);
                return { channel: card.channel, thread_ts: card.ts };
              })()
            : { channel: String(message.userId) };
        const res = await client.chat.postMessage({ ...where, ...rendered, unfurl_links: false });
        if (!res.ts || !res.channel) throw new Error('chat.postMessage returned no ts');
        db.update(dutyMessages)
          .set({ channelId: res.channel, ts: res.ts })
          .where(eq(dutyMessages.id, message.id))
          .run();
      }
    }
    db.update(outbox)
      .set({ status: 'sent', sentAt: clock.now() })
      .where(and(queued, lte(outbox.id, Math.max(newest, row.id))))
      .run();
  }

  private incident(id: number): Incident | undefined {
    return findIncidentById(this.deps.db, id);
  }
}

function cardOf(incident: Incident): { channel: string; ts: string } {
  if (!incident.cardChannelId || !incident.cardTs) throw new NotYet('card not posted yet');
  return { channel: incident.cardChannelId, ts: incident.cardTs };
}

function errorCode(err: unknown): string {
  if (err instanceof WebAPIPlatformError) return String(err.data.error);
  // Which network failure it was tells whether Slack may have acted: refused, it cannot have.
  if (err instanceof WebAPIRequestError) {
    const cause = (err.original as { cause?: { code?: unknown } }).cause;
    return `request_failed:${typeof cause?.code === 'string' ? cause.code : err.original.name}`;
  }
  if (err instanceof WebAPIRateLimitedError) return 'ratelimited';
  if (err instanceof NotYet) return 'waiting_for_card';
  if (err && typeof err === 'object' && 'code' in err) return String((err as { code: unknown }).code);
  return err instanceof Error ? err.message : String(err);
}
