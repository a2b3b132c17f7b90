import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { incidentEvents, incidents, outbox, processedRequests, seenRequests } from '../../db/schema';
import { stateFromView } from '../../src/local-slack/fill-view';
import {
  FORM_CONTENT_TYPE,
  type SendOptions,
  signature,
  slashCommand,
  viewSubmission,
} from '../../src/local-slack/payloads';
import { createWorld, MINIMAL_REPORT, PEOPLE, SIGNING_SECRET, type World } from '../helpers/world';

let world: World;
afterEach(async () => {
  await world?.stop();
});

const command = (w: World) =>
  slashCommand({
    command: '/report-incident',
    userId: PEOPLE.staff,
    triggerId: w.fake.issueTrigger(),
    responseUrl: w.fake.responseUrl(),
  });

/** A complete, valid report submission for the form `w` opened last: what a listener would store. */
async function reportSubmission(w: World) {
  const view = await w.openReportForm(PEOPLE.staff);
  return viewSubmission({
    userId: PEOPLE.staff,
    view: { id: view.id, callback_id: 'report_incident', blocks: view.view.blocks as unknown[] },
    values: stateFromView(view.view, MINIMAL_REPORT),
    triggerId: w.fake.issueTrigger(PEOPLE.staff),
  });
}

/**
 * Everything a listener could have done, counted: Web API calls (views.open, messages), answers
 * through response_url, and rows in the register, the outbox and the request log.
 */
function sideEffects(w: World) {
  return {
    slackCalls: w.fake.calls.length,
    responseUrlPosts: w.fake.responseUrlPosts.length,
    incidents: w.db.select().from(incidents).all().length,
    events: w.db.select().from(incidentEvents).all().length,
    outbox: w.db.select().from(outbox).all().length,
    processed: w.db.select().from(processedRequests).all().length,
  };
}

/** A POST with header lines exactly as given, repeats included (fetch would merge them). */
function rawPost(url: string, headers: [string, string][], body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST' }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    const grouped = new Map<string, string[]>();
    for (const [name, value] of headers) grouped.set(name, [...(grouped.get(name) ?? []), value]);
    for (const [name, values] of grouped)
      req.setHeader(name, values.length === 1 ? (values[0] ?? '') : values);
    req.end(body);
  });
}

describe('requests not signed by Slack', () => {
  it('refuses a forged signature, a stale timestamp and missing headers before any listener runs', async () => {
    world = await createWorld();
    const before = sideEffects(world);
    const refused: [string, SendOptions][] = [
      ['forged signature', { signature: `v0=${'0'.repeat(64)}` }],
      ['stale timestamp', { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 }],
      ['no signature', { omitHeaders: ['X-Slack-Signature'] }],
      ['no timestamp', { omitHeaders: ['X-Slack-Request-Timestamp'] }],
      ['no headers at all', { omitHeaders: ['X-Slack-Signature', 'X-Slack-Request-Timestamp'] }],
    ];
    for (const [what, opts] of refused) {
      const res = await world.slack.command(command(world), opts);
      expect({ what, status: res.status, body: res.text }).toEqual({ what, status: 401, body: '' });
    }
    expect(sideEffects(world)).toEqual(before);
  });

  it('stores nothing from a forged report submission', async () => {
    world = await createWorld();
    const payload = await reportSubmission(world);
    const before = sideEffects(world);
    const res = await world.slack.interaction(payload, { signature: 'v0=deadbeef' });
    expect(res.status).toBe(401);
    expect(sideEffects(world)).toEqual(before);
    expect(world.db.select().from(incidents).all()).toHaveLength(0);
  });

  it('refuses a correctly signed body in a content type Slack never sends (400), running no listener', async () => {
    world = await createWorld();
    const payload = await reportSubmission(world);
    const before = sideEffects(world);
    const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
    for (const contentType of [
      `${FORM_CONTENT_TYPE}; charset=utf-8`,
      'text/plain',
      'application/json',
      'multipart/form-data; boundary=x',
    ]) {
      const submitted = await world.slack.raw(body, { contentType });
      const commanded = await world.slack.command(command(world), { contentType });
      expect({ contentType, statuses: [submitted.status, commanded.status] }).toEqual({
        contentType,
        statuses: [400, 400],
      });
    }
    expect(sideEffects(world)).toEqual(before);
    // The same report in Slack's own content type is taken: the refusals above were about the type.
    expect((await world.slack.interaction(payload)).status).toBe(200);
    expect(world.db.select().from(incidents).all()).toHaveLength(1);
  });

  it('refuses a body over Bolt’s 4 MB limit with 413, before checking or parsing it', async () => {
    world = await createWorld();
    const payload = await reportSubmission(world);
    const before = sideEffects(world);
    const huge = { ...payload, padding: 'x'.repeat(4 * 1024 * 1024) };
    const res = await world.slack.interaction(huge);
    expect(res.status).toBe(413);
    expect(sideEffects(world)).toEqual(before);
    expect(world.logs.some((l) => l.level === 'warn' && l.message.includes('exceeded the maximum'))).toBe(
      true,
    );
  });

  it('refuses repeated signature or timestamp headers (a smuggled second value) with 401', async () => {
    world = await createWorld();
    const payload = await reportSubmission(world);
    const before = sideEffects(world);
    const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
    const now = Math.floor(Date.now() / 1000);
    const good = signature(SIGNING_SECRET, now, body);
    const forgedTs = now + 60;
    const cases: [string, [string, string][]][] = [
      [
        'two signatures, the real one first',
        [
          ['X-Slack-Request-Timestamp', String(now)],
          ['X-Slack-Signature', good],
          ['X-Slack-Signature', `v0=${'f'.repeat(64)}`],
        ],
      ],
      [
        'the same signature twice',
        [
          ['X-Slack-Request-Timestamp', String(now)],
          ['X-Slack-Signature', good],
          ['X-Slack-Signature', good],
        ],
      ],
      [
        'two timestamps',
        [
          ['X-Slack-Request-Timestamp', String(now)],
          ['X-Slack-Request-Timestamp', String(forgedTs)],
          ['X-Slack-Signature', good],
        ],
      ],
    ];
    for (const [what, headers] of cases) {
      const status = await rawPost(
        world.slack.endpoint,
        [['Content-Type', FORM_CONTENT_TYPE], ...headers],
        body,
      );
      expect({ what, status }).toEqual({ what, status: 401 });
    }
    expect(sideEffects(world)).toEqual(before);
    // One copy of each header, as Slack sends them, is accepted.
    const once = await rawPost(
      world.slack.endpoint,
      [
        ['Content-Type', FORM_CONTENT_TYPE],
        ['X-Slack-Request-Timestamp', String(now)],
        ['X-Slack-Signature', good],
      ],
      body,
    );
    expect(once).toBe(200);
    expect(world.db.select().from(incidents).all()).toHaveLength(1);
  });
});

describe('requests Bolt would let through', () => {
  const incidentCommand = (w: World, text: string, userId: string = PEOPLE.iao) =>
    slashCommand({
      command: '/incident',
      text,
      userId,
      triggerId: w.fake.issueTrigger(userId),
      responseUrl: w.fake.responseUrl(),
    });

  it('refuses a timestamp more than 5 minutes in the future, like a stale one, running nothing', async () => {
    world = await createWorld();
    const before = sideEffects(world);
    const now = Math.floor(Date.now() / 1000);
    const future = await world.slack.command(command(world), { timestamp: now + 6 * 60 });
    expect({ status: future.status, body: future.text }).toEqual({ status: 401, body: '' });
    expect(sideEffects(world)).toEqual(before);
    expect(world.logs.map((l) => l.message)).toContain(
      "refused a request before Bolt: timestamp 360 s from now, outside Slack's 5-minute window",
    );
    // A clock a minute ahead of ours is within the window.
    expect((await world.slack.command(command(world), { timestamp: now + 60 })).status).toBe(200);
    await world.settled();
    expect(world.fake.callsTo('views.open', { ok: true })).toHaveLength(1);
  });

  it('answers a replayed signed request once: the export is made and sent once', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff);
    await world.vigil.outbox.drain();
    const request = incidentCommand(world, 'export csv');
    const timestamp = Math.floor(Date.now() / 1000);
    const first = await world.slack.command(request, { timestamp });
    expect(first.status).toBe(200);
    expect(first.text).toContain('Working on it');
    const replayed = await world.slack.command(request, { timestamp });
    expect({ status: replayed.status, body: replayed.text }).toEqual({ status: 200, body: '' });
    await world.settled();
    await expect.poll(() => world.fake.uploads.filter((u) => u.completed).length).toBe(1);
    expect(world.fake.uploads).toHaveLength(1);
    expect(world.logs.map((l) => l.message)).toContain(
      'refused a request before Bolt: a signed request seen before (replayed)',
    );
  });

  it('answers a replayed form submission once, even after a restart', async () => {
    const databasePath = join(mkdtempSync(join(tmpdir(), 'vigil-replay-')), 'vigil.db');
    world = await createWorld({ databasePath });
    const payload = await reportSubmission(world);
    const timestamp = Math.floor(Date.now() / 1000);
    expect((await world.slack.interaction(payload, { timestamp })).status).toBe(200);
    await world.stop();
    world = await createWorld({ databasePath });
    const replayed = await world.slack.interaction(payload, { timestamp });
    expect({ status: replayed.status, body: replayed.text }).toEqual({ status: 200, body: '' });
    expect(world.db.select().from(incidents).all()).toHaveLength(1);
    // Remembered in the database, until the request's 5 minutes are over.
    expect(
      world.db
        .select()
        .from(seenRequests)
        .all()
        .every((r) => r.expiresAt.getTime() <= (timestamp + 301) * 1000),
    ).toBe(true);
  });
});
