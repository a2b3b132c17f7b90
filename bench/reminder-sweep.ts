/**
 * One reminder sweep over the seeded register, as the running app does every few minutes: how long
 * it holds the event loop (the database part is synchronous, so acknowledgements wait behind it),
 * the first sweep of a working morning (digests queued) and the next one (nothing new to send).
 * users.info is answered by a tiny local server, so Slack's latency is not in the figure.
 *
 * Usage: npx tsx bench/reminder-sweep.ts --db <seeded.db> --work <dir>
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { TZDate } from '@date-fns/tz';
import { WebClient } from '@slack/web-api';
import { addDays, isWeekend, setHours, startOfDay } from 'date-fns';
import { closeDatabase, openDatabase } from '../db/client';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { sweepReminders, TimeZones } from '../src/services/reminders';
import { copyDatabase, emit, ms, ORG_TIME_ZONE, round } from './common';
import { BENCH_ENV } from './config';

/** Acknowledgements wait behind the longest stretch the sweep holds the event loop. */
const LIMIT_MS = 250;

const { values } = parseArgs({ options: { db: { type: 'string' }, work: { type: 'string' } } });
if (!values.db || !values.work) {
  process.stderr.write('usage: npx tsx bench/reminder-sweep.ts --db <seeded.db> --work <dir>\n');
  process.exit(2);
}
const path = join(values.work, 'reminder-sweep.db');
copyDatabase(values.db, path);

const slack = createServer((_req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ ok: true, user: { tz: ORG_TIME_ZONE } }));
});
await new Promise<void>((resolve) => slack.listen(0, '127.0.0.1', resolve));
const apiUrl = `http://127.0.0.1:${(slack.address() as AddressInfo).port}/`;
const config = loadConfig({ ...BENCH_ENV, SLACK_API_URL: apiUrl, DATABASE_PATH: path });
const logger = createLogger('warn');
const zones = new TimeZones(
  new WebClient('xoxb-bench', { slackApiUrl: apiUrl, logger }),
  ORG_TIME_ZONE,
  logger,
);
const db = openDatabase(path);

// 10:00 on the next working day in the organisation's zone: every kind of reminder may go.
let day = startOfDay(addDays(new TZDate(Date.now(), ORG_TIME_ZONE), 1));
while (isWeekend(day)) day = addDays(day, 1);
const at = new Date(setHours(day, 10).getTime());

const sweep = async () => {
  const held = monitorEventLoopDelay({ resolution: 1 });
  held.enable();
  // The monitor's first interval is not recorded: let it start before the sweep, or a sweep that
  // begins with a long synchronous stretch would hide it (as this bench did until issue 15).
  await sleep(20);
  const started = performance.now();
  const sent = await sweepReminders({ db, config, zones, at, deliverAt: at });
  const elapsed = performance.now() - started;
  held.disable();
  return {
    ms: elapsed,
    heldMs: held.max / 1e6,
    digests: sent.length,
    items: sent.reduce((n, s) => n + s.items.length, 0),
  };
};
const first = await sweep();
const second = await sweep();
closeDatabase(db);
slack.close();

emit({
  id: 'reminders.sweep',
  label: 'Reminder sweep over the register (sweepReminders)',
  summary:
    `first sweep of a working morning ${ms(first.ms)}, event loop held at most ${ms(first.heldMs)} ` +
    `(${first.digests} digests, ${first.items} items queued); the next ${ms(second.ms)}, held at most ` +
    `${ms(second.heldMs)} (${second.digests} digests)`,
  target: `event loop held < ${LIMIT_MS} ms at a time`,
  met: Math.max(first.heldMs, second.heldMs) < LIMIT_MS,
  data: {
    first_ms: round(first.ms, 1),
    first_held_ms: round(first.heldMs, 1),
    second_held_ms: round(second.heldMs, 1),
    first_digests: first.digests,
    first_items: first.items,
    second_ms: round(second.ms, 1),
    second_digests: second.digests,
  },
});
