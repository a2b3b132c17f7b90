import type { Logger, WebClient } from '@slack/web-api';
import type { Db } from '../../db/client';
import type { Clock } from '../clock';
import type { Config } from '../config';
import { releaseOverdueBriefings } from '../domain/briefing-recommendations';
import { queueDailyCheckpoint } from '../domain/checkpoint-due';
import { writeTransaction } from '../domain/tx';
import { queueDeadlineRedraws } from './deadline-redraws';
import { queueMonthlyReport } from './monthly-report';
import type { OutboxWorker } from './outbox';
import { countOutbox } from './outbox-status';
import { sweepReminders, TimeZones } from './reminders';

/**
 * Runs the periodic jobs. The timer is only a heartbeat: what is due is decided from the database
 * and the clock, so a missed tick, a restart or a second instance changes nothing.
 */
export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly zones: TimeZones;

  constructor(
    private readonly deps: {
      db: Db;
      clock: Clock;
      config: Config;
      client: WebClient;
      logger: Logger;
      outbox: OutboxWorker;
    },
  ) {
    this.zones = new TimeZones(deps.client, deps.config.orgTimeZone, deps.logger);
  }

  start(): void {
    const every = this.deps.config.reminders.sweepMinutes * 60_000;
    this.timer = setInterval(() => void this.tick(), every);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  tick(): Promise<void> {
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async run(): Promise<void> {
    const { db, clock, config, logger, outbox } = this.deps;
    try {
      const now = clock.now();
      const sent = await sweepReminders({ db, config, zones: this.zones, at: now, deliverAt: now });
      if (sent.length > 0) {
        logger.info(`reminders: ${sent.length} digest${sent.length === 1 ? '' : 's'} queued`);
        outbox.kick();
      }
    } catch (err) {
      logger.error('reminder sweep failed', err);
    }
    try {
      if (queueDeadlineRedraws(db, clock.now()) > 0) outbox.kick();
    } catch (err) {
      logger.error('deadline redraws failed', err);
    }
    try {
      // The audit trail's head is published outside the database at least daily (closures: at once).
      if (writeTransaction(db, (tx) => queueDailyCheckpoint(tx, clock.now()))) outbox.kick();
    } catch (err) {
      logger.error('audit checkpoint failed', err);
    }
    // Operators see a Slack outage in the logs as a growing queue, not as silence.
    const { pending, dead } = countOutbox(db);
    if (pending > 0 || dead > 0)
      logger.warn(
        `${pending} Slack deliveries pending` +
          (dead > 0 ? `, ${dead} refused for good (see npm run vigil -- outbox)` : ''),
      );
    try {
      const period = queueMonthlyReport(db, config, clock.now());
      if (period) {
        logger.info(`monthly report for ${period} queued`);
        outbox.kick();
      }
      const now = clock.now();
      for (const late of writeTransaction(db, (tx) => releaseOverdueBriefings(tx, config, now))) {
        logger.info(`monthly briefing for ${late} sent without recommendations`);
        outbox.kick();
      }
    } catch (err) {
      logger.error('monthly report failed', err);
    }
  }
}
