import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { CARD_ACTIONS } from '../../blocks/card-ids';
import { reportModal } from '../../blocks/report-modal';
import { FakeSlack } from '../helpers/fake-slack';
import { eventCallback, SlackSender, viewSubmission } from '../helpers/signed-requests';
import { stateFromView } from '../helpers/slack-client';
import {
  createWorld,
  MINIMAL_REPORT,
  PEOPLE,
  SECURITY_CHANNEL,
  SIGNING_SECRET,
  TEST_ENV,
  type World,
} from '../helpers/world';

const TSX = pathToFileURL(resolve('node_modules/tsx/dist/loader.mjs')).href;
let world: World | undefined;
let child: ChildProcess | undefined;
let fake: FakeSlack | undefined;
afterEach(async () => {
  child?.kill('SIGKILL');
  await world?.stop();
  await fake?.stop();
  world = undefined;
  fake = undefined;
});

function startApp(env: Record<string, string>) {
  const proc = spawn(process.execPath, ['--import', TSX, resolve('src/main.ts')], {
    cwd: mkdtempSync(join(tmpdir(), 'vigil-crash-')),
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  // Listen from the start: a killed process may be gone before anyone asks.
  const exited = new Promise<number | null>((res) => proc.once('exit', (code) => res(code)));
  let out = '';
  proc.stderr?.on('data', (d) => {
    out += d;
  });
  const port = new Promise<number>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`no start: ${out}`)), 10_000);
    const poll = setInterval(() => {
      const m = /localhost:(\d+)\/slack\/events/.exec(out);
      if (m) {
        clearInterval(poll);
        clearTimeout(timer);
        res(Number(m[1]));
      }
    }, 20);
  });
  return { proc, port, exited };
}

const form = reportModal({
  departments: ['Finance'],
  draft: { text: {}, times: {}, users: {} },
  privateMetadata: '{"source":"command"}',
});
const submission = (n: number) =>
  viewSubmission({
    userId: PEOPLE.staff,
    view: {
      id: `VCRASH${n}`,
      callback_id: 'report_incident',
      private_metadata: '{"source":"command"}',
      blocks: form.blocks as unknown[],
    },
    values: stateFromView(form, { ...MINIMAL_REPORT, discoveredAt: new Date(Date.now() - 3_600_000) }),
    triggerId: 'T.1.x',
  });

describe('crashes', () => {
  it('survives SIGKILL mid-submissions: a consistent database, no reference reused, every card delivered once', async () => {
    fake = await FakeSlack.start({
      channels: [{ id: SECURITY_CHANNEL, name: 'security', isPrivate: true, botIsMember: true, members: [] }],
    });
    const databasePath = join(mkdtempSync(join(tmpdir(), 'vigil-crash-db-')), 'vigil.db');
    const env = { ...TEST_ENV, SLACK_API_URL: fake.url, DATABASE_PATH: databasePath, PORT: '0' };
    const first = startApp(env);
    const sender = new SlackSender(`http://127.0.0.1:${await first.port}/slack/events`, SIGNING_SECRET);
    const inFlight = Array.from({ length: 40 }, (_, n) =>
      sender.interaction(submission(n)).catch(() => null),
    );
    // Kill as soon as the first report is acknowledged, with the rest still in flight.
    await Promise.race(inFlight);
    first.proc.kill('SIGKILL');
    await Promise.all(inFlight);
    await first.exited;

    const second = startApp(env);
    const again = new SlackSender(`http://127.0.0.1:${await second.port}/slack/events`, SIGNING_SECRET);
    // One of the earlier forms resubmitted after the crash is taken once, however far it got.
    await again.interaction(submission(0));
    const after = await again.interaction(submission(999));
    expect(after.status).toBe(200);

    const db = new Database(databasePath, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const refs = (
      db.prepare('SELECT reference FROM incidents ORDER BY id').all() as { reference: string }[]
    ).map((r) => r.reference);
    expect(refs.length).toBeGreaterThan(1);
    expect(refs).toEqual(
      refs.map((_, i) =>
        `INC-2026-${String(i + 1).padStart(4, '0')}`.replace('2026', refs[0]?.slice(4, 8) ?? '2026'),
      ),
    );
    const counter = db.prepare('SELECT last_seq FROM reference_counters').get() as { last_seq: number };
    expect(counter.last_seq).toBe(refs.length);
    db.close();

    // The restarted app delivers whatever was pending (a send cut off by the kill waits out its
    // 15-second lease); each card goes out once.
    await expect
      .poll(
        () =>
          new Set(
            fake
              ?.messages(SECURITY_CHANNEL)
              .filter((m) => !m.thread_ts)
              .map((m) => JSON.stringify(m.blocks).match(/INC-\d{4}-\d{4}/)?.[0]),
          ).size,
        {
          timeout: 30_000,
        },
      )
      .toBe(refs.length);
    const cards = fake.messages(SECURITY_CHANNEL).filter((m) => !m.thread_ts).length;
    expect(cards).toBe(refs.length);
  }, 60_000);

  it('stops cleanly on SIGTERM, finishing what is in flight', async () => {
    fake = await FakeSlack.start({
      channels: [{ id: SECURITY_CHANNEL, name: 'security', isPrivate: true, botIsMember: true, members: [] }],
    });
    const databasePath = join(mkdtempSync(join(tmpdir(), 'vigil-term-db-')), 'vigil.db');
    const app = startApp({ ...TEST_ENV, SLACK_API_URL: fake.url, DATABASE_PATH: databasePath, PORT: '0' });
    const sender = new SlackSender(`http://127.0.0.1:${await app.port}/slack/events`, SIGNING_SECRET);
    const res = await sender.interaction(submission(1));
    expect(res.status).toBe(200);
    app.proc.kill('SIGTERM');
    const code = await app.exited;
    expect(code).toBe(0);
    const db = new Database(databasePath, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect((db.prepare('SELECT count(*) AS n FROM incidents').get() as { n: number }).n).toBe(1);
    db.close();
  }, 20_000);
});

describe('duplicates and Slack failures', () => {
  it('takes a redelivered event (X-Slack-Retry-Num) once', async () => {
    world = await createWorld();
    const event = eventCallback(
      { type: 'app_home_opened', user: PEOPLE.staff, channel: 'DHOME', tab: 'home' },
      { eventId: 'Ev0RETRY' },
    );
    await world.slack.event(event);
    await world.fake.waitFor('views.publish', 1, { ok: true });
    const retry = await world.slack.event(event, {
      headers: { 'X-Slack-Retry-Num': '1', 'X-Slack-Retry-Reason': 'http_timeout' },
    });
    expect(retry.status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(world.fake.callsTo('views.publish')).toHaveLength(1);
  });

  it('keeps a triage decision through a Slack outage and delivers its thread line and card edit in order', async () => {
    world = await createWorld();
    const w = world;
    await w.report(PEOPLE.staff);
    await w.vigil.outbox.drain();
    await w.click(PEOPLE.siro, w.card('INC-2026-0001'), CARD_ACTIONS.triage);
    const modal = w.lastModal(PEOPLE.siro);
    w.fake.fail('chat.update', { kind: 'http', status: 503 });
    w.fake.fail('chat.postMessage', { kind: 'ratelimited', retryAfter: 3 });
    const res = await w.submitForm(PEOPLE.siro, modal, {
      severity: 'high',
      priority: 'P1',
      rationale: 'Outage test',
    });
    expect(res.body).toBeNull();
    await w.vigil.outbox.drain();
    expect(w.vigil.outbox.pendingCount()).toBeGreaterThanOrEqual(2);
    const callsBefore = w.fake.calls.length;
    w.fake.recover();
    w.clock.advance(30_000);
    await w.vigil.outbox.drain();
    expect(w.vigil.outbox.pendingCount()).toBe(0);
    const delivered = w.fake.calls
      .slice(callsBefore)
      .filter((c) => c.ok && c.args.channel === SECURITY_CHANNEL);
    expect(delivered.map((c) => (c.method === 'chat.update' ? 'card' : 'thread'))).toEqual([
      'thread',
      'card',
    ]);
    expect(JSON.stringify(w.card('INC-2026-0001').blocks)).toContain('Triaged');
  });
});
