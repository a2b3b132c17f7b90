import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { CARD_ACTIONS } from '../../blocks/card-ids';
import { closeDatabase, openDatabase } from '../../db/client';
import { homeViews, incidents, outbox } from '../../db/schema';
import { eventCallback } from '../../src/local-slack/payloads';
import { prepareStatements } from '../../src/services/outbox';
import { type CardCopy, createWorld, PEOPLE, SECURITY_CHANNEL, type World } from '../helpers/world';

let world: World;
afterEach(async () => {
  await world?.stop();
  // A test without a world of its own must not stop the last one again.
  world = undefined as unknown as World;
});

const homeRows = (status: 'pending' | 'sent' | 'dead') =>
  world.db
    .select()
    .from(outbox)
    .where(and(eq(outbox.kind, 'home'), eq(outbox.status, status)))
    .all();

const cardPosts = (reference: string) =>
  world.fake
    .callsTo('chat.postMessage', { ok: true })
    .filter((c) => c.args.channel === SECURITY_CHANNEL && !c.args.thread_ts)
    .filter((c) => JSON.stringify([c.args.text, c.args.blocks]).includes(reference));

/** What the security channel got since call `since`: thread lines and card edits, in order. */
const channelSequence = (since: number) =>
  world.fake.calls
    .slice(since)
    .filter(
      (c) => c.ok && c.args.channel === SECURITY_CHANNEL && /^chat\.(postMessage|update)$/.test(c.method),
    )
    .map((c) => (c.method === 'chat.update' ? 'edit' : 'thread'));

async function openHome(user: string, eventId: string) {
  const before = world.fake.callsTo('views.publish', { ok: true }).length;
  await world.slack.event(
    eventCallback({ type: 'app_home_opened', user, channel: 'DHOME', tab: 'home' }, { eventId }),
  );
  await world.fake.waitFor('views.publish', before + 1, { ok: true });
}

const homeOf = (user: string) => JSON.stringify(world.fake.published.get(user)?.blocks ?? []);

describe('the outbox', () => {
  it('sends a new report’s card and receipt at once while hundreds of deliveries wait to be retried', async () => {
    world = await createWorld();
    // More people of the team use App Home than the outbox takes in one round, and Slack keeps
    // failing to publish it.
    const viewers = Array.from({ length: 205 }, (_, i) => `UVIEWER${i}`);
    // They are in the security channel: Home shows them the team's view, which is re-checked.
    world.fake.addChannel({
      id: SECURITY_CHANNEL,
      name: 'security-incidents',
      isPrivate: true,
      botIsMember: true,
      members: [PEOPLE.siro, PEOPLE.responder, 'UBOT', ...viewers],
    });
    world.db
      .insert(homeViews)
      .values(viewers.map((userId) => ({ userId, team: true, openedAt: world.clock.now() })))
      .run();
    world.fake.fail('views.publish', { kind: 'http', status: 500 });
    await world.report(PEOPLE.staff);
    await world.vigil.outbox.drain();
    expect(homeRows('pending')).toHaveLength(205);

    world.clock.advance(500); // every refresh now waits for its next try, in a second
    await world.report(PEOPLE.staff2, { title: 'Phishing mail opened' });
    // Nobody drains: the app sends the card and the receipt on its own, now.
    await world.fake.waitFor('chat.postMessage', 1, {
      ok: true,
      where: (c) =>
        c.args.channel === SECURITY_CHANNEL && JSON.stringify(c.args.blocks).includes('INC-2026-0002'),
    });
    await world.fake.waitFor('chat.postMessage', 1, {
      ok: true,
      where: (c) => c.args.channel === PEOPLE.staff2,
    });
    // Each viewer's refresh was already waiting: the second report added none.
    expect(homeRows('pending')).toHaveLength(205);

    world.fake.recover();
    world.clock.advance(60_000);
    await world.vigil.outbox.drain();
    const published = world.fake.callsTo('views.publish', { ok: true });
    expect(published.map((c) => c.args.user_id).sort()).toEqual([...viewers].sort());
    expect(homeOf('UVIEWER7')).toContain('INC-2026-0002');
    expect(homeRows('pending')).toHaveLength(0);
  });

  it('keeps an incident’s messages in order: a card edit waits behind a thread line being retried', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff);
    await world.vigil.outbox.drain();
    const since = world.fake.calls.length;
    world.fake.fail('chat.postMessage', { kind: 'ratelimited', retryAfter: 30 }, 1);
    await world.click(PEOPLE.responder, world.card('INC-2026-0001'), CARD_ACTIONS.escalate);
    world.clock.advance(10_000); // the edit is due; the thread line before it is not
    await world.vigil.outbox.drain();
    expect(world.fake.callsTo('chat.update')).toHaveLength(0);

    world.clock.advance(30_000);
    await world.vigil.outbox.drain();
    const sequence = channelSequence(since);
    expect(sequence).toEqual(['thread', 'edit']);
  });

  it('answers a burst of changes queued during an outage with one card edit', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff);
    await world.vigil.outbox.drain();
    const since = world.fake.calls.length;
    world.fake.fail('chat.postMessage', { kind: 'http', status: 503 });
    world.fake.fail('chat.update', { kind: 'http', status: 503 });
    await world.click(PEOPLE.responder, world.card('INC-2026-0001'), CARD_ACTIONS.escalate);
    for (const text of ['Laptop located', 'Laptop wiped remotely']) {
      await world.click(PEOPLE.responder, world.card('INC-2026-0001'), CARD_ACTIONS.postUpdate);
      await world.submitForm(PEOPLE.responder, world.lastModal(PEOPLE.responder), { text });
    }
    await world.vigil.outbox.drain();
    expect(
      world.db
        .select()
        .from(outbox)
        .where(and(eq(outbox.kind, 'update_card'), eq(outbox.status, 'pending')))
        .all(),
      // One per change, and one per "Post update…" picked from the menu (to redraw the menu).
    ).toHaveLength(5);

    world.fake.recover();
    world.clock.advance(60_000);
    await world.vigil.outbox.drain();
    const sequence = channelSequence(since);
    // Three changes, three thread lines, and one edit: drawn after the first change's line, from
    // the register as it is by then, it already shows all three.
    expect(sequence).toEqual(['thread', 'edit', 'thread', 'thread']);
    expect(JSON.stringify(world.card('INC-2026-0001').blocks)).toContain('Escalated to the SIRO');
    expect(world.db.select().from(outbox).where(eq(outbox.status, 'pending')).all()).toEqual([]);
  });

  it('keeps one Home refresh waiting per person, and queues another for a change made while one is sent', async () => {
    world = await createWorld();
    await openHome(PEOPLE.siro, 'Ev0HOME1');
    world.fake.fail('views.publish', { kind: 'http', status: 503 });
    await world.report(PEOPLE.staff);
    await world.report(PEOPLE.staff2);
    await world.vigil.outbox.drain();
    expect(homeRows('pending').map((r) => r.payload.userId)).toEqual([PEOPLE.siro]);
    const before = world.fake.callsTo('views.publish', { ok: true }).length;
    const tries = world.fake.callsTo('views.publish').length;

    // Slack answers again, slowly; a report made while the SIRO's Home is on its way still shows.
    world.fake.recover();
    world.fake.fail('views.publish', { kind: 'delay', ms: 400 }, 1);
    world.clock.advance(60_000);
    const draining = world.vigil.outbox.drain();
    await expect.poll(() => world.fake.callsTo('views.publish').length).toBe(tries + 1);
    await world.report(PEOPLE.staff, { title: 'Badge lost' });
    await draining;
    await world.vigil.outbox.drain();

    const published = world.fake.callsTo('views.publish', { ok: true }).slice(before);
    expect(published).toHaveLength(2);
    expect(JSON.stringify(published[0]?.args.view)).toContain('INC-2026-0002');
    expect(JSON.stringify(published[0]?.args.view)).not.toContain('INC-2026-0003');
    expect(homeOf(PEOPLE.siro)).toContain('INC-2026-0003');
    expect(homeRows('pending')).toHaveLength(0);
  });

  it('shows a card Slack refuses as plain text, so the team still sees the report', async () => {
    world = await createWorld();
    world.expectErrors(/card of INC-2026-000[12] refused by Slack \((msg_blocks_too_long|invalid_blocks)\)/);
    world.fake.fail('chat.postMessage', { kind: 'error', error: 'msg_blocks_too_long' }, 1);
    await world.report(PEOPLE.staff, { title: '<!channel> *urgent* <http://evil.example|bank>' });
    await world.vigil.outbox.drain();

    const [card] = cardPosts('INC-2026-0001');
    expect(card?.args.blocks).toBeUndefined();
    const text = String(card?.args.text);
    expect(text).toContain('*INC-2026-0001*');
    expect(text).toContain('&lt;!channel&gt; *urgent* &lt;http://evil.example|bank&gt;');
    expect(text).toContain('Status: *Reported, awaiting triage*');
    expect(text).toContain('`/incident INC-2026-0001`');
    const incident = world.db.select().from(incidents).get();
    expect(incident?.cardTs).toBe(world.fake.messages(SECURITY_CHANNEL)[0]?.ts);
    expect(world.db.select().from(outbox).where(eq(outbox.status, 'dead')).all()).toEqual([]);

    // An edit Slack refuses falls back too; the next edit it takes restores the full card.
    await world.report(PEOPLE.staff2);
    await world.vigil.outbox.drain();
    const before = world.card('INC-2026-0002');
    world.fake.fail('chat.update', { kind: 'error', error: 'invalid_blocks' }, 1);
    await world.click(PEOPLE.responder, before, CARD_ACTIONS.escalate);
    const edited = world.fake.messages(SECURITY_CHANNEL).find((m) => m.ts === before.ts);
    expect(edited?.blocks).toBeUndefined();
    expect(edited?.text).toContain('*INC-2026-0002*');
    // A click on the copy from before is stale: refused, and the card is redrawn in full.
    const stale = await world.click(PEOPLE.responder, before, CARD_ACTIONS.escalate);
    expect(stale.replies.join()).toMatch(/already escalated just now/i);
    expect(JSON.stringify(world.card('INC-2026-0002').blocks)).toContain('Escalated to the SIRO');
  });

  it('posts a card again when Slack took it but the answer was lost, and keeps the newer copy current', async () => {
    world = await createWorld();
    world.fake.fail('chat.postMessage', { kind: 'lost_reply' }, 1);
    await world.report(PEOPLE.staff);
    await world.vigil.outbox.drain();
    world.clock.advance(2000);
    await world.vigil.outbox.drain();

    // At least once: the app cannot read the channel to see that the first one arrived.
    const copies = world.fake.messages(SECURITY_CHANNEL).filter((m) => !m.thread_ts);
    expect(copies).toHaveLength(2);
    expect(world.db.select().from(incidents).get()?.cardTs).toBe(copies[1]?.ts);
    expect(
      world.logs.some(
        (l) =>
          l.level === 'warn' &&
          /^INC-2026-0001: no answer to the last attempt to post its card \(request_failed:/.test(l.message),
      ),
    ).toBe(true);
    // The first copy's buttons still act on the incident; the newer copy shows the change.
    const first = { ts: copies[0]?.ts ?? '', blocks: (copies[0]?.blocks ?? []) as CardCopy['blocks'] };
    await world.click(PEOPLE.responder, first, CARD_ACTIONS.escalate);
    expect(world.db.select().from(incidents).get()?.escalatedAt).not.toBeNull();
    const newer = world.fake.messages(SECURITY_CHANNEL).find((m) => m.ts === copies[1]?.ts);
    expect(JSON.stringify(newer?.blocks)).toContain('Escalated to the SIRO');
  });

  it('sends other conversations’ messages while a call to one conversation hangs', async () => {
    world = await createWorld();
    // Slack takes the first reporter's receipt and does not answer for 6 s (then a 504).
    world.fake.fail(`chat.postMessage@${PEOPLE.staff}`, { kind: 'timeout', ms: 6000 }, 1);
    await world.report(PEOPLE.staff);
    const [hung] = await world.fake.waitFor('chat.postMessage', 1, {
      where: (c) => c.args.channel === PEOPLE.staff,
    });
    await world.report(PEOPLE.staff2, { title: 'Phishing mail opened' });
    // The second report's card and receipt go out meanwhile, not after the hung call gives up.
    const [card] = await world.fake.waitFor('chat.postMessage', 1, {
      ok: true,
      where: (c) =>
        c.args.channel === SECURITY_CHANNEL && JSON.stringify(c.args.blocks).includes('INC-2026-0002'),
    });
    const [receipt] = await world.fake.waitFor('chat.postMessage', 1, {
      ok: true,
      where: (c) => c.args.channel === PEOPLE.staff2,
    });
    expect((card?.at ?? Number.POSITIVE_INFINITY) - (hung?.at ?? 0)).toBeLessThan(6000);
    expect((receipt?.at ?? Number.POSITIVE_INFINITY) - (hung?.at ?? 0)).toBeLessThan(6000);
    expect(world.dmsTo(PEOPLE.staff)).toHaveLength(0);
    // The hung receipt is retried once Slack answers (504), and arrives once.
    await world.vigil.outbox.drain();
    world.clock.advance(2000);
    await world.vigil.outbox.drain();
    expect(world.dmsTo(PEOPLE.staff)).toHaveLength(1);
  });

  it('keeps an incident’s messages in order while its other messages go out beside them', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff);
    await world.vigil.outbox.drain();
    const since = world.fake.calls.length;
    // The thread line (in the security channel) takes 800 ms; the DMs of the same change do not.
    world.fake.fail(`chat.postMessage@${SECURITY_CHANNEL}`, { kind: 'delay', ms: 800 }, 1);
    await world.click(PEOPLE.responder, world.card('INC-2026-0001'), CARD_ACTIONS.escalate);
    expect(channelSequence(since)).toEqual(['thread', 'edit']);
    const calls = world.fake.calls.slice(since).filter((c) => c.ok);
    const line = calls.find((c) => c.method === 'chat.postMessage' && c.args.channel === SECURITY_CHANNEL);
    const edit = calls.find((c) => c.method === 'chat.update');
    const dms = calls.filter((c) => c.method === 'chat.postMessage' && c.args.channel !== SECURITY_CHANNEL);
    // The edit was asked for only after the slow thread line was answered…
    expect((edit?.at ?? 0) - (line?.at ?? 0)).toBeGreaterThanOrEqual(800);
    // …while the DMs did not wait for it.
    expect(dms.length).toBeGreaterThan(0);
    for (const dm of dms) expect(dm.at - (line?.at ?? 0)).toBeLessThan(800);
  });

  it('takes back at start what its dead previous process had under way, and leaves a live one’s alone', async () => {
    const databasePath = join(mkdtempSync(join(tmpdir(), 'vigil-lease-')), 'vigil.db');
    world = await createWorld({ databasePath });
    const clock = world.clock;
    // Both cards fail to post; the process then "dies" holding the first and another live process
    // holds the second, each leased for the next 15 s.
    world.fake.fail(`chat.postMessage@${SECURITY_CHANNEL}`, { kind: 'reset' });
    await world.report(PEOPLE.staff);
    await world.report(PEOPLE.staff2, { title: 'Phishing mail opened' });
    await world.vigil.outbox.drain();
    await world.stop();
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    const sqlite = new Database(databasePath);
    const lease = sqlite.prepare(
      `UPDATE outbox SET leased_by = ?, last_error = 'attempt_unfinished', next_attempt_at = ?
       WHERE kind = 'post_card' AND incident_id = ?`,
    );
    const until = clock.now().getTime() + 15_000;
    lease.run(`app@${hostname()}:${dead}`, until, 1);
    lease.run(`app@${hostname()}:${process.ppid}`, until, 2);
    sqlite.close();

    world = await createWorld({ databasePath, clock });
    await world.vigil.outbox.drain();
    const cards = world.fake.messages(SECURITY_CHANNEL).filter((m) => !m.thread_ts);
    expect(cards.map((m) => JSON.stringify(m.blocks).match(/INC-2026-000\d/)?.[0])).toEqual([
      'INC-2026-0001',
    ]);
    expect(
      world.logs.some((l) =>
        /took back 1 deliveries an earlier process of this app had under way/.test(l.message),
      ),
    ).toBe(true);
    // The live process's lease runs out as before; then its card goes out too.
    clock.advance(16_000);
    await world.vigil.outbox.drain();
    expect(world.fake.messages(SECURITY_CHANNEL).filter((m) => !m.thread_ts)).toHaveLength(2);
  });

  it('finds due deliveries, lane heads and the edits one answers through indexes, never a scan', () => {
    const db = openDatabase(':memory:');
    for (const [name, statement] of Object.entries(prepareStatements(db))) {
      const { source } = statement;
      const named = Object.fromEntries([...source.matchAll(/@(\w+)/g)].map((m) => [m[1], null]));
      const positional = Array.from({ length: (source.match(/\?/g) ?? []).length }, () => null);
      const explain = db.$client.prepare(`EXPLAIN QUERY PLAN ${source}`);
      const plan = (Object.keys(named).length > 0 ? explain.all(named) : explain.all(...positional)) as {
        detail: string;
      }[];
      const scans = plan.map((p) => p.detail).filter((d) => /^SCAN (outbox|o|earlier)\b(?!.*USING)/.test(d));
      expect(scans, `${name}: ${plan.map((p) => p.detail).join('; ')}`).toEqual([]);
    }
    closeDatabase(db);
  });
});
