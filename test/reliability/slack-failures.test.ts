import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { CARD_ACTIONS } from '../../blocks/card-ids';
import { incidents } from '../../db/schema';
import type { RecordedCall } from '../../src/local-slack/local-slack';
import { eventCallback } from '../../src/local-slack/payloads';
import { countOutbox } from '../../src/services/outbox-status';
import { createWorld, MINIMAL_REPORT, PEOPLE, SECURITY_CHANNEL, type World } from '../helpers/world';

let world: World | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

/** How Slack fails: each is switched on while a flow runs, then Slack recovers. */
interface Mode {
  name: string;
  env?: Record<string, string>;
  fail(w: World): Promise<void> | void;
  recover(w: World): Promise<void> | void;
}

const MODES: Mode[] = [
  {
    name: 'HTTP 500',
    fail: (w) => w.fake.fail('*', { kind: 'http', status: 500 }),
    recover: (w) => w.fake.recover(),
  },
  {
    name: '429 with Retry-After',
    fail: (w) => w.fake.fail('*', { kind: 'ratelimited', retryAfter: 30 }),
    recover: (w) => w.fake.recover(),
  },
  {
    // Slack holds each request past the client's timeout (half a second here), then gives up.
    name: 'timeout',
    env: { SLACK_API_TIMEOUT_SECONDS: '0.5' },
    fail: (w) => w.fake.fail('*', { kind: 'timeout', ms: 3000 }),
    recover: (w) => w.fake.recover(),
  },
  {
    name: '{ok: false, error: ratelimited}',
    fail: (w) => w.fake.fail('*', { kind: 'error', error: 'ratelimited' }),
    recover: (w) => w.fake.recover(),
  },
  {
    name: 'connection refused',
    fail: (w) => w.fake.goOffline(),
    recover: (w) => w.fake.goOnline(),
  },
];

/**
 * Something people do, in three steps: what happened before (Slack working), what they do while
 * Slack fails, and what they must have seen once it answers again.
 */
interface Flow {
  name: string;
  before(w: World): Promise<void>;
  during(w: World): Promise<void>;
  after(w: World, since: number): void;
}

const REF = 'INC-2026-0001';
const isCard = (c: RecordedCall) => c.args.channel === SECURITY_CHANNEL && !c.args.thread_ts;
const delivered = (w: World, since: number) =>
  w.fake.calls.filter((c) => c.ok && c.id > since && c.method !== 'conversations.members');
const incident = (w: World) => w.db.select().from(incidents).where(eq(incidents.reference, REF)).get();

/** What went to the security channel, in order: the card, lines in its thread, edits of it. */
const channelSequence = (w: World, since: number) =>
  delivered(w, since)
    .filter((c) => c.args.channel === SECURITY_CHANNEL && /^chat\.(postMessage|update)$/.test(c.method))
    .map((c) => (c.method === 'chat.update' ? 'edit' : isCard(c) ? 'card' : 'thread'));

const dmsTo = (w: World, since: number, user: string, text: RegExp) =>
  delivered(w, since).filter(
    (c) => c.method === 'chat.postMessage' && c.args.channel === user && text.test(String(c.args.text)),
  );

let form: Awaited<ReturnType<World['openReportForm']>> | undefined;

const FLOWS: Flow[] = [
  {
    name: 'a report is submitted',
    async before(w) {
      await w.slack.event(
        eventCallback({ type: 'app_home_opened', user: PEOPLE.siro, channel: 'DHOME', tab: 'home' }),
      );
      await w.fake.waitFor('views.publish', 1, { ok: true });
      form = await w.openReportForm(PEOPLE.staff);
    },
    async during(w) {
      if (!form) throw new Error('no form');
      // Customers affected: escalated on the spot, so the card has a thread line to follow it.
      const res = await w.submitForm(PEOPLE.staff, form, {
        ...MINIMAL_REPORT,
        customersAffected: 'yes',
      });
      expect(JSON.stringify(res.body)).toContain(REF);
    },
    after(w, since) {
      expect(channelSequence(w, since)).toEqual(['card', 'thread']);
      expect(dmsTo(w, since, PEOPLE.staff, new RegExp(REF))).toHaveLength(1);
      for (const person of [PEOPLE.siro, PEOPLE.md])
        expect(dmsTo(w, since, person, /escalated/i)).toHaveLength(1);
      expect(JSON.stringify(w.fake.published.get(PEOPLE.siro))).toContain(REF);
    },
  },
  {
    name: 'a card is escalated',
    async before(w) {
      await w.report(PEOPLE.staff);
      await w.vigil.outbox.drain();
    },
    async during(w) {
      // The SIRO may escalate by role, so the click counts though Slack cannot say who is in the team.
      const click = await w.click(PEOPLE.siro, w.card(REF), CARD_ACTIONS.escalate);
      expect(click.status).toBe(200);
      await expect.poll(() => incident(w)?.escalatedAt).not.toBeNull();
    },
    after(w, since) {
      expect(channelSequence(w, since)).toEqual(['thread', 'edit']);
      expect(JSON.stringify(w.card(REF).blocks)).toContain('Escalated to the SIRO');
      for (const person of [PEOPLE.siro, PEOPLE.md])
        expect(dmsTo(w, since, person, /escalated/i)).toHaveLength(1);
    },
  },
  {
    name: 'the reminder sweep runs',
    async before(w) {
      await w.report(PEOPLE.staff);
      await w.vigil.outbox.drain();
    },
    async during(w) {
      w.clock.set('2026-03-10T13:05:00Z'); // four hours untriaged
      await w.vigil.scheduler.tick();
      expect(w.logs.some((l) => /Slack deliveries pending/.test(l.message))).toBe(true);
    },
    after(w, since) {
      const digests = dmsTo(w, since, PEOPLE.siro, /needs? your attention/);
      expect(digests).toHaveLength(1);
      expect(JSON.stringify(digests[0]?.args.blocks)).toContain(REF);
    },
  },
  {
    name: 'the monthly report is due',
    async before(w) {
      await w.report(PEOPLE.staff);
      await w.vigil.outbox.drain();
    },
    async during(w) {
      w.clock.set('2026-04-01T00:05:00Z');
      await w.vigil.scheduler.tick();
    },
    after(w, since) {
      const report = dmsTo(w, since, PEOPLE.md, /^Monthly incident report/);
      expect(report).toHaveLength(1);
      const charts = w.fake.uploads.filter((u) => u.filename === 'vigil-trend-2026-03.png' && u.completed);
      expect(charts).toHaveLength(1);
      // The figures first, then the chart, in the Managing Director's DM.
      const completed = delivered(w, since).filter((c) => c.method === 'files.completeUploadExternal');
      expect(completed).toHaveLength(1);
      expect(report[0]?.id).toBeLessThan(completed[0]?.id ?? 0);
      expect(charts[0]?.channel).toBe(`D${PEOPLE.md.slice(1)}`);
    },
  },
];

describe('Slack failures', () => {
  for (const mode of MODES)
    for (const flow of FLOWS)
      it(`${flow.name} during ${mode.name}: everything is delivered once, in order, when Slack recovers`, async () => {
        const w = await createWorld(mode.env ? { env: mode.env } : {});
        world = w;
        await flow.before(w);
        const since = w.fake.calls.at(-1)?.id ?? 0;

        await mode.fail(w);
        await flow.during(w);
        await w.vigil.outbox.drain();
        expect(w.vigil.outbox.pendingCount()).toBeGreaterThan(0);
        expect(delivered(w, since)).toEqual([]);

        await mode.recover(w);
        // Past any back-off (30 s for the Retry-After) and the lease of a send cut off by a timeout.
        w.clock.advance(60_000);
        await w.vigil.outbox.drain();
        // A later sweep finds nothing new to send.
        await w.vigil.scheduler.tick();
        await w.vigil.outbox.drain();

        expect(countOutbox(w.db)).toMatchObject({ pending: 0, dead: 0 });
        flow.after(w, since);
        // Nothing went out twice: every message Slack took is different from the others.
        const messages = delivered(w, since)
          .filter((c) => c.method === 'chat.postMessage' || c.method === 'files.completeUploadExternal')
          .map((c) =>
            JSON.stringify([c.method, c.args.channel, c.args.thread_ts, c.args.text, c.args.blocks]),
          );
        expect(new Set(messages).size).toBe(messages.length);
      });
});

describe('the monthly report after a partial failure', () => {
  it('sends its figures once and its chart once when a later step of the upload fails', async () => {
    const w = await createWorld();
    world = w;
    await w.report(PEOPLE.staff);
    await w.vigil.outbox.drain();
    // The figures go out; opening the DM for the chart fails; then the upload's last step fails.
    w.fake.fail('conversations.open', { kind: 'http', status: 503 }, 1);
    w.fake.fail('files.completeUploadExternal', { kind: 'error', error: 'ratelimited' }, 1);
    w.clock.set('2026-04-01T00:05:00Z');
    await w.vigil.scheduler.tick();
    for (let i = 0; i < 3; i++) {
      await w.vigil.outbox.drain();
      w.clock.advance(30_000);
    }
    expect(countOutbox(w.db)).toMatchObject({ pending: 0, dead: 0 });
    expect(dmsTo(w, 0, PEOPLE.md, /^Monthly incident report/)).toHaveLength(1);
    expect(w.fake.callsTo('files.completeUploadExternal').map((c) => c.ok)).toEqual([false, true]);
    // The upload whose completion failed is never shared; one chart reaches the DM.
    expect(w.fake.uploads.filter((u) => u.completed).map((u) => u.filename)).toEqual([
      'vigil-trend-2026-03.png',
    ]);
  });
});
