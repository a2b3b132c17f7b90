import { hostname } from 'node:os';
import {
  type Logger,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  type WebClient,
} from '@slack/web-api';
import { and, eq, ne } from 'drizzle-orm';
import { noteMessage, statusMessage } from '../../blocks/direct-messages';
import type { EventFacts } from '../../blocks/event-words';
import { fallbackCard } from '../../blocks/fallback-card';
import { recordEventLine } from '../../blocks/record-event-lines';
import { reminderDigest } from '../../blocks/reminder-digest';
import { isReporterDialogue, reporterDialogueMessage } from '../../blocks/reporter-dialogue';
import { reporterReceipt, type SlackMessage } from '../../blocks/reporter-receipt';
import { type CardModel, triageCard } from '../../blocks/triage-card';
import type { Db } from '../../db/client';
import { findIncidentById } from '../../db/find-incident';
import { flushGroupCommit } from '../../db/group-commit';
import { type Incident, type OutboxRow, outbox } from '../../db/schema';
import type { Clock } from '../clock';
import type { Config } from '../config';
import { type DirectMessage, homeKey } from '../domain/deliveries';
import type { ReminderItem } from '../domain/reminders';
import { latestReview } from '../domain/reviews';
import { loadCardModel } from './card-model';
import { deliverCheckpoint } from './checkpoints';
import { renderDutyMessage } from './duty-delivery';
import { eventById, loadDutyMessage } from './duty-model';
import { publishHome } from './home';
import { briefingRequest, monthlyReportMessage, monthlyTrendChart } from './monthly-report';
import { countOutbox } from './outbox-status';
import { type PostArgs, postOnce } from './post-once';

export interface OutboxDeps {
  db: Db;
  clock: Clock;
  client: WebClient;
  logger: Logger;
  securityChannelId: string;
  orgTimeZone: string;
  /** LATE_REPORT_HOURS, for the card's flag on a late report (absent: no flag). */
  lateReportHours?: number;
  maxBackoffMs: number;
  /** The Slack client's timeout: a claimed delivery is given longer than that before another takes it. */
  callTimeoutMs?: number;
  /** Who holds this worker's leases (leaseOwner()); by default the app's or the command line's. */
  owner?: string;
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
const TO_A_PERSON = new Set(['dm', 'digest', 'home', 'monthly_report', 'monthly_chart', 'briefing_request']);
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
export function outcomeUnknown(lastError: string | null): boolean {
  if (lastError === UNFINISHED) return true;
  return lastError?.startsWith('request_failed:') === true && lastError !== 'request_failed:ECONNREFUSED';
}

const TICK_MS = 5000;
// Longer than a Slack call may take, short enough to resume soon after a crash.
const MIN_LEASE_MS = 15_000;
/**
 * Deliveries under way at once, each in a lane of its own: enough that a few hung calls (each up
 * to the Slack timeout) leave the others moving, few enough to stay inside Slack's limits.
 */
export const OUTBOX_CONCURRENCY = 16;
/**
 * Outcomes arriving within this long of the last commit wait for the next one: a synced commit
 * blocks the event loop for its fsync (~4 ms here), so under load several share one.
 */
const FLUSH_EVERY_MS = 10;

/** Who holds a lease: the role and host name this instance, and the process id this process. */
export function leaseOwner(role: 'app' | 'cli'): string {
  return `${role}@${hostname()}:${process.pid}`;
}

/** Whether a process of this machine is still running (signal 0 checks without signalling). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** What an attempt came to, written with the others that finished about then, in one commit. */
type Outcome = { row: OutboxRow; ok: true } | { row: OutboxRow; ok: false; err: unknown };

/**
 * Delivers queued Slack messages in order within a lane (an incident's card and thread, one DM,
 * one person's Home), several lanes at once, retrying with capped back-off so that after an outage
 * everything pending goes out within seconds of Slack answering again.
 *
 * Commits: the deliveries started together are claimed in one statement (without a sync), and
 * the outcomes that arrive within FLUSH_EVERY_MS are written in one synced transaction with the
 * writes they cause, so a delivery costs at most one fsync (under load, a fraction of one).
 */
export class OutboxWorker {
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private readonly inFlight = new Map<number, Promise<void>>();
  private outcomes: Outcome[] = [];
  /** Writes a delivery makes once Slack has answered, committed with its outcome. */
  private readonly onSent = new Map<number, (() => void)[]>();
  private flushing = false;
  private lastFlush = 0;
  private readonly flushed = new Set<() => void>();
  private delivered = 0;
  private readonly owner: string;
  private readonly statements: ReturnType<typeof prepareStatements>;

  constructor(private readonly deps: OutboxDeps) {
    this.owner = deps.owner ?? leaseOwner(deps.home ? 'app' : 'cli');
    this.statements = prepareStatements(deps.db);
  }

  /** The worker as the configuration sets it up: the app's, and the command line's (without Home). */
  static fromConfig(
    config: Config,
    deps: Pick<OutboxDeps, 'db' | 'clock' | 'client' | 'logger' | 'home'>,
  ): OutboxWorker {
    return new OutboxWorker({
      ...deps,
      securityChannelId: config.securityChannelId,
      orgTimeZone: config.orgTimeZone,
      lateReportHours: config.lateReportHours,
      maxBackoffMs: config.outboxMaxBackoffMs,
      callTimeoutMs: config.slack.timeoutMs,
    });
  }

  start(): void {
    this.stopped = false;
    const taken = this.reclaimLeases();
    if (taken > 0)
      this.deps.logger.info(`took back ${taken} deliveries an earlier process of this app had under way`);
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await Promise.allSettled([...this.inFlight.values()]);
    this.flush();
  }

  /** Something was queued: deliver now rather than at the next tick. */
  kick(): void {
    if (this.stopped) return;
    try {
      this.pump();
    } catch (err) {
      this.deps.logger.error('outbox run failed', err);
    }
  }

  /** Delivers everything that is due, until nothing is due or under way. Used by tests and the CLI. */
  async drain(): Promise<number> {
    const before = this.delivered;
    for (;;) {
      this.pump();
      if (this.inFlight.size === 0 && this.outcomes.length === 0) return this.delivered - before;
      await new Promise<void>((resolve) => this.flushed.add(resolve));
    }
  }

  pendingCount(): number {
    return countOutbox(this.deps.db).pending;
  }

  /**
   * On start: deliveries an earlier process of this app (same host, its process gone, or this
   * very pid after a container restart) had claimed are due again now, not when their lease runs
   * out. Their mark says Slack may have them already, so each is handled as an unknown outcome.
   */
  private reclaimLeases(): number {
    const { db, clock } = this.deps;
    const [prefix] = this.owner.split(':');
    const holders = this.statements.holders
      .all()
      .map((r) => r.leased_by)
      .filter((owner) => {
        const [who, pid] = owner.split(':');
        if (who !== prefix) return false;
        return Number(pid) === process.pid || !alive(Number(pid));
      });
    if (holders.length === 0) return 0;
    return db.$client
      .prepare(
        `UPDATE outbox SET next_attempt_at = ?, leased_by = NULL
         WHERE status = 'pending' AND leased_by IN (SELECT value FROM json_each(?))`,
      )
      .run(clock.now().getTime(), JSON.stringify(holders)).changes;
  }

  /**
   * Starts the due deliveries that fit: the oldest lane heads (a lane's first pending row, due),
   * claimed together in one statement. A lane whose head is under way or waiting to be retried
   * has no head that is due, so its later rows wait behind it.
   */
  private pump(): void {
    // Outcomes not yet written hold their lanes still: their rows stay leased until the flush.
    const free = OUTBOX_CONCURRENCY - this.inFlight.size;
    if (free <= 0) return;
    // Nothing goes to Slack before the change that queued it is committed (db/group-commit.ts).
    flushGroupCommit(this.deps.db);
    const now = this.deps.clock.now().getTime();
    const heads = this.statements.due.all({ now, limit: free }).map(outboxRow);
    if (heads.length === 0) {
      if (this.inFlight.size === 0) this.schedule();
      return;
    }
    // A claim is committed without a sync (as request signatures are): a crash keeps it, and
    // only a power cut can lose it, after which the delivery looks not yet tried.
    const { relaxed, full, claim } = this.statements;
    // SQLite refuses to change the safety level inside a transaction: a caller's then decides.
    const relax = !this.deps.db.$client.inTransaction;
    if (relax) relaxed.run();
    let rows: { id: number }[];
    try {
      rows = claim.all(
        now + this.leaseMs(),
        UNFINISHED,
        this.owner,
        JSON.stringify(heads.map((h) => h.id)),
        now,
      );
    } finally {
      if (relax) full.run();
    }
    const claimed = new Set(rows.map((r) => r.id));
    for (const row of heads) {
      if (!claimed.has(row.id)) continue;
      const attempt = this.attempt(row).finally(() => this.inFlight.delete(row.id));
      this.inFlight.set(row.id, attempt);
    }
  }

  private async attempt(row: OutboxRow): Promise<void> {
    try {
      await this.deliver(row);
      this.outcomes.push({ row, ok: true });
    } catch (err) {
      this.outcomes.push({ row, ok: false, err });
    }
    if (this.flushing) return;
    this.flushing = true;
    const write = () => {
      this.flushing = false;
      this.lastFlush = performance.now();
      this.flush();
      for (const resolve of this.flushed) resolve();
      this.flushed.clear();
      this.kick();
    };
    const since = performance.now() - this.lastFlush;
    if (since < FLUSH_EVERY_MS) setTimeout(write, FLUSH_EVERY_MS - since);
    else setImmediate(write);
  }

  /** Writes every outcome that arrived since the last flush, in one transaction. */
  private flush(): void {
    const outcomes = this.outcomes;
    if (outcomes.length === 0) return;
    this.outcomes = [];
    const { db, clock } = this.deps;
    const now = clock.now();
    const failures: { row: OutboxRow; err: unknown }[] = [];
    try {
      db.transaction(() => {
        for (const outcome of outcomes) {
          if (outcome.ok) {
            for (const write of this.onSent.get(outcome.row.id) ?? []) write();
            this.statements.sent.run(now.getTime(), outcome.row.id);
            this.delivered++;
          } else failures.push(outcome);
        }
        for (const { row, err } of failures) this.failed(row, err);
      });
    } catch (err) {
      // Left claimed: retried when the lease runs out, as after a crash.
      this.deps.logger.error('outbox could not record what Slack answered', err);
    } finally {
      for (const { row } of outcomes) this.onSent.delete(row.id);
    }
  }

  /** Registers a write to commit with this delivery's success (the card's ts, the edits it answers). */
  private whenSent(row: OutboxRow, write: () => void): void {
    const writes = this.onSent.get(row.id) ?? [];
    writes.push(write);
    this.onSent.set(row.id, writes);
  }

  private schedule(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    // A row waiting behind an earlier one of its lane is not due before that one is.
    const next = this.statements.nextHead.get();
    const wait =
      next?.at != null ? Math.min(Math.max(next.at - this.deps.clock.now().getTime(), 50), TICK_MS) : TICK_MS;
    this.timer = setTimeout(() => this.kick(), wait);
    this.timer.unref();
  }

  private leaseMs(): number {
    return Math.max(MIN_LEASE_MS, (this.deps.callTimeoutMs ?? 10_000) + 5000);
  }

  private failed(row: OutboxRow, err: unknown): void {
    const { clock, logger, maxBackoffMs } = this.deps;
    const attempts = row.attempts + 1;
    const code = errorCode(err);
    const permanent = isPermanent(row.kind, code);
    let delay = Math.min(1000 * 2 ** Math.min(attempts - 1, 16), maxBackoffMs);
    if (err instanceof WebAPIRateLimitedError) delay = Math.max(err.retryAfter * 1000, 1000);
    if (err instanceof NotYet) delay = 1000;
    this.statements.failed.run(
      permanent ? 'dead' : 'pending',
      attempts,
      code,
      clock.now().getTime() + delay,
      row.id,
    );
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
    if (row.kind === 'monthly_report' || row.kind === 'monthly_chart' || row.kind === 'briefing_request') {
      await this.sendMonthlyReport(row);
      return;
    }
    if (row.kind === 'duty_message') {
      await this.deliverDutyMessage(row);
      return;
    }
    if (row.kind === 'checkpoint') {
      await deliverCheckpoint(this.deps, row, (args) => this.post(row, args));
      return;
    }
    if (row.kind === 'digest') {
      const items = row.payload.items as ReminderItem[];
      const more = typeof row.payload.more === 'number' ? row.payload.more : 0;
      await this.post(row, { channel: String(row.payload.userId), ...reminderDigest(items, more) });
      return;
    }
    const incident = row.incidentId === null ? undefined : this.incident(row.incidentId);
    if (!incident) throw new Error(`incident ${row.incidentId} not found`);
    switch (row.kind) {
      case 'post_card': {
        if (incident.cardTs) return; // posted before a crash could mark the row sent
        // A card whose answer was lost is looked for before it is posted again (post-once.ts).
        const res = await this.sendCard(incident, (card) =>
          this.post(row, {
            channel: securityChannelId,
            ...card,
            unfurl_links: false,
            unfurl_media: false,
          }),
        );
        if (!res.ts || !res.channel) throw new Error('chat.postMessage returned no ts');
        this.statements.cardPosted.run(res.channel, res.ts, incident.id);
        return;
      }
      case 'update_card': {
        const { channel, ts } = cardOf(incident);
        // Every refresh already queued is answered by this one: the card is drawn from the
        // database after this point, so it shows whatever change queued them (a burst of
        // changes, or a deadline passing with others, is one edit, not many).
        const newest = this.statements.newest.get(row.lane, 'update_card')?.id ?? row.id;
        await this.sendCard(this.incident(incident.id) ?? incident, (card) =>
          client.chat.update({ channel, ts, ...card }),
        );
        this.answered(row, 'update_card', newest);
        return;
      }
      case 'thread_line': {
        // A restricted record's changes are not told in the security channel (they may be about it).
        if (incident.restricted) return;
        const { channel, ts } = cardOf(incident);
        const eventId = Number(row.payload.eventId);
        const raw = this.statements.threadEvent.get(eventId);
        if (!raw) throw new Error(`event ${eventId} not found`);
        // Events that keep only facts are put in words here; older kinds carry their line.
        const text = recordEventLine(eventFacts(raw), this.deps.orgTimeZone) ?? raw.summary;
        await this.post(row, { channel, thread_ts: ts, text, unfurl_links: false });
        return;
      }
      case 'dm': {
        const userId = String(row.payload.userId);
        await this.post(row, {
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
    const newest = this.statements.newest.get(row.lane, 'home')?.id ?? row.id;
    // From here on a change is either in the model below or queues a refresh of its own.
    this.statements.forgetHomeKey.run(row.lane);
    // Who sees what is decided again now, not taken from when they opened Home.
    await publishHome({ db, client, ...home }, userId, clock.now());
    this.answered(row, 'home', newest);
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
    if (row.kind === 'briefing_request') {
      await this.post(row, { channel: userId, ...briefingRequest(db, home.config, period) });
      return;
    }
    if (row.kind === 'monthly_report') {
      await this.post(row, {
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
    return loadCardModel(
      this.deps.db,
      incident,
      this.deps.clock.now(),
      this.deps.orgTimeZone,
      this.deps.lateReportHours,
    );
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
    if (template === 'status') {
      const status = (payload.status as Incident['status']) ?? incident.status;
      // At closure: what the team chose to tell the reporter, from the closure request that passed.
      const note =
        status === 'closed'
          ? latestReview(this.deps.db, incident.id, 'peer_review')?.content.reporterNote
          : null;
      return statusMessage(
        { ...incident, status },
        payload.from as Incident['status'] | undefined,
        typeof note === 'string' ? note : null,
      );
    }
    const event = eventById(this.deps.db, Number(payload.eventId));
    if (!event) throw new Error(`event ${String(payload.eventId)} not found`);
    if (isReporterDialogue(template))
      return reporterDialogueMessage(template, incident, { ...event, id: Number(payload.eventId) });
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
    const newest = this.statements.newestMessage.get(row.lane, messageId)?.id ?? row.id;
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
        const res = await this.post(row, { ...where, ...rendered, unfurl_links: false });
        if (!res.ts || !res.channel) throw new Error('chat.postMessage returned no ts');
        this.statements.messagePosted.run(res.channel, res.ts, message.id);
      }
    }
    this.whenSent(row, () =>
      this.statements.answeredMessage.run(
        clock.now().getTime(),
        row.lane,
        messageId,
        Math.max(newest, row.id),
      ),
    );
  }

  /** The later deliveries of this kind in the lane that this one answered are done with it. */
  private answered(row: OutboxRow, kind: string, newest: number): void {
    this.whenSent(row, () =>
      this.statements.answered.run(this.deps.clock.now().getTime(), row.lane, kind, Math.max(newest, row.id)),
    );
  }

  /** One post of this delivery, effectively once: see post-once.ts. */
  private post(row: OutboxRow, args: PostArgs) {
    return postOnce(this.deps, row, args, outcomeUnknown(row.lastError));
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

/**
 * A row that may go now: the first pending row of its lane; and a DM asking for a step (which
 * links to the card) not before its incident's card, queued before it, is posted, unless that
 * card's first attempt failed: then the DM goes without the link rather than wait for Slack.
 */
const LANE_HEAD = `NOT EXISTS (SELECT 1 FROM outbox AS earlier
    WHERE earlier.status = 'pending' AND earlier.lane = o.lane AND earlier.id < o.id)
  AND NOT (o.kind = 'duty_message' AND o.lane LIKE 'msg:%' AND EXISTS (SELECT 1 FROM outbox AS card
    WHERE card.status = 'pending' AND card.lane = 'card:' || o.incident_id AND card.id < o.id
      AND card.kind = 'post_card' AND card.attempts = 0))`;

/**
 * The statements the outbox runs on every delivery, prepared once: each seeks an index of the
 * pending rows (outbox_pending by due time, outbox_pending_lane by lane), checked by
 * EXPLAIN QUERY PLAN in test/reliability/outbox.test.ts.
 */
export function prepareStatements(db: Db) {
  const raw = db.$client;
  return {
    /**
     * The lane heads that are due, longest due first: pending, due, and no earlier pending row in
     * their lane. Rows under way are leased into the future, so they and their lanes drop out.
     */
    due: raw.prepare<{ now: number; limit: number }, RawOutboxRow>(
      `SELECT * FROM outbox AS o INDEXED BY outbox_pending
       WHERE status = 'pending' AND next_attempt_at <= @now AND ${LANE_HEAD}
       ORDER BY next_attempt_at, id LIMIT @limit`,
    ),
    relaxed: raw.prepare('PRAGMA synchronous = NORMAL'),
    full: raw.prepare('PRAGMA synchronous = FULL'),
    claim: raw.prepare<[number, string, string, string, number], { id: number }>(
      `UPDATE outbox SET next_attempt_at = ?, last_error = ?, leased_by = ?
       WHERE id IN (SELECT value FROM json_each(?)) AND status = 'pending' AND next_attempt_at <= ?
       RETURNING id`,
    ),
    sent: raw.prepare<[number, number]>(
      `UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL,
       leased_by = NULL WHERE id = ?`,
    ),
    failed: raw.prepare<[string, number, string, number, number]>(
      `UPDATE outbox SET status = ?, attempts = ?, last_error = ?, next_attempt_at = ?, leased_by = NULL
       WHERE id = ?`,
    ),
    /** When the next lane head falls due (the earliest due time among heads). */
    nextHead: raw.prepare<[], { at: number }>(
      `SELECT next_attempt_at AS at FROM outbox AS o INDEXED BY outbox_pending
       WHERE status = 'pending' AND ${LANE_HEAD}
       ORDER BY next_attempt_at LIMIT 1`,
    ),
    holders: raw.prepare<[], { leased_by: string }>(
      `SELECT DISTINCT leased_by FROM outbox INDEXED BY outbox_pending
       WHERE status = 'pending' AND leased_by IS NOT NULL`,
    ),
    newest: raw.prepare<[string, string], { id: number | null }>(
      `SELECT max(id) AS id FROM outbox WHERE status = 'pending' AND lane = ? AND kind = ?`,
    ),
    answered: raw.prepare<[number, string, string, number]>(
      `UPDATE outbox SET status = 'sent', sent_at = ?, leased_by = NULL
       WHERE status = 'pending' AND lane = ? AND kind = ? AND id <= ?`,
    ),
    newestMessage: raw.prepare<[string, number], { id: number | null }>(
      `SELECT max(id) AS id FROM outbox WHERE status = 'pending' AND lane = ? AND kind = 'duty_message'
       AND json_extract(payload, '$.messageId') = ?`,
    ),
    answeredMessage: raw.prepare<[number, string, number, number]>(
      `UPDATE outbox SET status = 'sent', sent_at = ?, leased_by = NULL
       WHERE status = 'pending' AND lane = ? AND kind = 'duty_message'
       AND json_extract(payload, '$.messageId') = ? AND id <= ?`,
    ),
    forgetHomeKey: raw.prepare<[string]>(
      `UPDATE outbox SET dedupe_key = NULL WHERE status = 'pending' AND lane = ? AND kind = 'home'`,
    ),
    cardPosted: raw.prepare<[string, string, number]>(
      'UPDATE incidents SET card_channel_id = ?, card_ts = ? WHERE id = ?',
    ),
    messagePosted: raw.prepare<[string, string, number]>(
      'UPDATE duty_messages SET channel_id = ?, ts = ? WHERE id = ?',
    ),
    threadEvent: raw.prepare<[number], RawEvent>(
      'SELECT type, actor_id, at, before, after, summary FROM incident_events WHERE id = ?',
    ),
  };
}

/** An audit event as SQLite returns it, for its line in the card's thread. */
interface RawEvent {
  type: string;
  actor_id: string;
  at: number;
  before: string | null;
  after: string | null;
  summary: string;
}

const eventFacts = (e: RawEvent): EventFacts => ({
  type: e.type,
  actorId: e.actor_id,
  at: new Date(e.at),
  before: e.before === null ? null : (JSON.parse(e.before) as Record<string, unknown>),
  after: e.after === null ? null : (JSON.parse(e.after) as Record<string, unknown>),
});

/** An outbox row as SQLite returns it. */
interface RawOutboxRow {
  id: number;
  incident_id: number | null;
  kind: string;
  payload: string;
  dedupe_key: string | null;
  status: OutboxRow['status'];
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
  leased_by: string | null;
  lane: string;
}

function outboxRow(r: RawOutboxRow): OutboxRow {
  return {
    id: r.id,
    incidentId: r.incident_id,
    kind: r.kind,
    payload: JSON.parse(r.payload) as Record<string, unknown>,
    dedupeKey: r.dedupe_key,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: new Date(r.next_attempt_at),
    lastError: r.last_error,
    createdAt: new Date(r.created_at),
    sentAt: r.sent_at === null ? null : new Date(r.sent_at),
    leasedBy: r.leased_by,
    lane: r.lane,
  };
}
