import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { CARD_ACTIONS } from '../../blocks/card-ids';
import { reportModal } from '../../blocks/report-modal';
import { stateFromView } from '../../src/local-slack/fill-view';
import { LocalSlack } from '../../src/local-slack/local-slack';
import { blockAction, eventCallback, SlackSender, viewSubmission } from '../../src/local-slack/payloads';
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
let fake: LocalSlack | undefined;
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

/** The security channel's cards now, by reference. */
function cards(slack: LocalSlack): Map<string, { ts: string; blocks: string }> {
  const out = new Map<string, { ts: string; blocks: string }>();
  for (const m of slack.messages(SECURITY_CHANNEL).filter((m) => !m.thread_ts)) {
    const blocks = JSON.stringify(m.blocks ?? []);
    const reference = /INC-\d{4}-\d{4}/.exec(blocks)?.[0];
    if (reference) out.set(reference, { ts: m.ts, blocks });
  }
  return out;
}

/** Escalate picked from the card's More… menu, as Slack would send it. */
function escalateClick(slack: LocalSlack, card: { ts: string; blocks: string }, userId: string) {
  const blocks = JSON.parse(card.blocks) as {
    block_id?: string;
    elements?: { action_id?: string; options?: { value?: string; text?: { text?: string } }[] }[];
  }[];
  const menu = blocks
    .flatMap((b) => (b.elements ?? []).map((e) => ({ block: b, e })))
    .find(({ e }) => e.action_id === CARD_ACTIONS.more);
  const option = menu?.e.options?.find((o) => o.value === CARD_ACTIONS.escalate);
  return blockAction({
    userId,
    actionId: CARD_ACTIONS.more,
    blockId: String(menu?.block.block_id),
    selectedOption: { value: String(option?.value), text: String(option?.text?.text) },
    container: { type: 'message', channelId: SECURITY_CHANNEL, messageTs: card.ts },
    triggerId: slack.issueTrigger(userId),
    responseUrl: slack.responseUrl(),
  });
}

const securityTeam = () =>
  LocalSlack.start({
    channels: [
      {
        id: SECURITY_CHANNEL,
        name: 'security',
        isPrivate: true,
        botIsMember: true,
        members: [PEOPLE.responder],
      },
    ],
  });

describe('crashes', () => {
  it('survives SIGKILL mid-submissions: a consistent database, no reference reused, every card delivered once', async () => {
    fake = await LocalSlack.start({
      channels: [{ id: SECURITY_CHANNEL, name: 'security', isPrivate: true, botIsMember: true, members: [] }],
    });
    const databasePath = join(mkdtempSync(join(tmpdir(), 'vigil-crash-db-')), 'vigil.db');
    const env = { ...TEST_ENV, SLACK_API_URL: fake.url, DATABASE_PATH: databasePath, PORT: '0' };
    const first = startApp(env);
    const sender = new SlackSender(`http://127.0.0.1:${await first.port}/slack/events`, SIGNING_SECRET);
    let firstAcked: (answer: { n: number; reference: string }) => void = () => {};
    const acked = new Promise<{ n: number; reference: string }>((res) => {
      firstAcked = res;
    });
    const inFlight = Array.from({ length: 40 }, (_, n) =>
      sender
        .interaction(submission(n))
        .then((res) => {
          const reference = /INC-\d{4}-\d{4}/.exec(res.text)?.[0];
          if (res.status === 200 && reference) firstAcked({ n, reference });
        })
        .catch(() => null),
    );
    // Kill as soon as the first report is acknowledged, with the rest still in flight.
    const stored = await acked;
    first.proc.kill('SIGKILL');
    await Promise.all(inFlight);
    await first.exited;

    const second = startApp(env);
    const again = new SlackSender(`http://127.0.0.1:${await second.port}/slack/events`, SIGNING_SECRET);
    // The acknowledged form, submitted again after the crash, is answered with its reference.
    const repeat = await again.interaction(submission(stored.n));
    expect(repeat.status).toBe(200);
    expect(/INC-\d{4}-\d{4}/.exec(repeat.text)?.[0]).toBe(stored.reference);
    const after = await again.interaction(submission(999));
    expect(after.status).toBe(200);

    const db = new Database(databasePath, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(
      db.prepare('SELECT reference FROM incidents WHERE submission_key = ?').all(`VCRASH${stored.n}`),
    ).toEqual([{ reference: stored.reference }]);
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

    // The restarted app delivers whatever was pending, taking back at once the sends the killed
    // process had under way (issue 12 item 11) rather than waiting out their 15-second lease.
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
    // Slack may have taken a send the kill cut off: until a post of unknown outcome is looked for
    // before it is retried (issue 12 item 9), that one card shows twice; none more.
    const copies = new Map<string, number>();
    for (const m of fake.messages(SECURITY_CHANNEL).filter((m) => !m.thread_ts)) {
      const reference = JSON.stringify(m.blocks).match(/INC-\d{4}-\d{4}/)?.[0] ?? '';
      copies.set(reference, (copies.get(reference) ?? 0) + 1);
    }
    expect(
      [...copies.values()].every((n) => n === 1 || n === 2),
      JSON.stringify([...copies]),
    ).toBe(true);
  }, 60_000);

  it('on SIGTERM, stores a click still being handled, delivers its card edit and closes the database cleanly', async () => {
    fake = await securityTeam();
    const slack = fake;
    const databasePath = join(mkdtempSync(join(tmpdir(), 'vigil-term-click-')), 'vigil.db');
    const env = { ...TEST_ENV, SLACK_API_URL: slack.url, DATABASE_PATH: databasePath, PORT: '0' };
    const app = startApp(env);
    const sender = new SlackSender(`http://127.0.0.1:${await app.port}/slack/events`, SIGNING_SECRET);
    expect((await sender.interaction(submission(1))).status).toBe(200);
    await expect.poll(() => cards(slack).size, { timeout: 10_000 }).toBe(1);
    const [[reference, card]] = [...cards(slack)] as [[string, { ts: string; blocks: string }]];

    // Slack is slow to say who is in the security team: the click is acknowledged, then waits.
    slack.fail('conversations.members', { kind: 'delay', ms: 1500 }, 1);
    expect((await sender.interaction(escalateClick(slack, card, PEOPLE.responder))).status).toBe(200);
    await expect.poll(() => slack.callsTo('conversations.members').length).toBe(1);
    app.proc.kill('SIGTERM');
    expect(await app.exited).toBe(0);

    // The last connection checkpointed the WAL into the file and removed it.
    expect(existsSync(`${databasePath}-wal`)).toBe(false);
    const db = new Database(databasePath, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(
      db.prepare("SELECT actor_id AS actor FROM incident_events WHERE type = 'escalated'").all(),
    ).toEqual([{ actor: PEOPLE.responder }]);
    db.close();

    // Delivered before the exit, or by the restarted app: once, either way.
    const restarted = startApp(env);
    await restarted.port;
    await expect
      .poll(() => cards(slack).get(reference)?.blocks ?? '', { timeout: 10_000 })
      .toContain('Escalated to the SIRO');
    const lines = () =>
      slack
        .messages(SECURITY_CHANNEL)
        .filter((m) => m.thread_ts === card.ts && /escalated this/.test(m.text ?? ''));
    await expect.poll(() => lines().length, { timeout: 10_000 }).toBe(1);
    restarted.proc.kill('SIGTERM');
    expect(await restarted.exited).toBe(0);
  }, 40_000);

  it('survives SIGKILL during clicks: a consistent database, and every stored change reaches its card after restart', async () => {
    fake = await securityTeam();
    const slack = fake;
    const databasePath = join(mkdtempSync(join(tmpdir(), 'vigil-kill-click-')), 'vigil.db');
    const env = { ...TEST_ENV, SLACK_API_URL: slack.url, DATABASE_PATH: databasePath, PORT: '0' };
    const first = startApp(env);
    const sender = new SlackSender(`http://127.0.0.1:${await first.port}/slack/events`, SIGNING_SECRET);
    for (let n = 0; n < 8; n++) expect((await sender.interaction(submission(n))).status).toBe(200);
    await expect.poll(() => cards(slack).size, { timeout: 10_000 }).toBe(8);

    const clicks = [...cards(slack).values()].map((card) =>
      sender.interaction(escalateClick(slack, card, PEOPLE.responder)).catch(() => null),
    );
    // Kill once the first escalation is on its way to Slack, with other clicks still being handled.
    await slack.waitFor('chat.postMessage', 1, {
      timeoutMs: 10_000,
      where: (c) => /escalated this/.test(String(c.args.text)),
    });
    first.proc.kill('SIGKILL');
    await Promise.all(clicks);
    await first.exited;

    const db = new Database(databasePath, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const escalated = (
      db
        .prepare(
          "SELECT i.reference AS reference FROM incidents i JOIN incident_events e ON e.incident_id = i.id WHERE e.type = 'escalated' AND i.escalated_at IS NOT NULL",
        )
        .all() as { reference: string }[]
    ).map((r) => r.reference);
    expect(escalated.length).toBeGreaterThan(0);
    // Each change and its deliveries were written together: no change without them.
    expect(
      db
        .prepare(
          "SELECT count(*) AS n FROM incident_events e WHERE e.type = 'escalated' AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.kind = 'thread_line' AND json_extract(o.payload, '$.eventId') = e.id)",
        )
        .get(),
    ).toEqual({ n: 0 });
    db.close();

    // A send cut off by the kill waits out its lease (15 s); then everything pending goes out.
    const second = startApp(env);
    await second.port;
    const pending = () => {
      const check = new Database(databasePath, { readonly: true });
      try {
        return check.prepare("SELECT count(*) AS n FROM outbox WHERE status != 'sent'").get();
      } finally {
        check.close();
      }
    };
    await expect.poll(pending, { timeout: 30_000, interval: 250 }).toEqual({ n: 0 });
    const now = cards(slack);
    for (const reference of escalated) expect(now.get(reference)?.blocks).toContain('Escalated to the SIRO');
    for (const [reference, card] of now)
      if (!escalated.includes(reference)) expect(card.blocks).not.toContain('Escalated to the SIRO');
    second.proc.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 60_000);

  it('stops cleanly on SIGTERM, finishing what is in flight', async () => {
    fake = await LocalSlack.start({
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
    await world.settled(); // a second Home would be published by a listener still running
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
