import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { REMINDER_ACTIONS } from '../../blocks/reminder-digest';
import { actions, incidents } from '../../db/schema';
import { addAction } from '../../src/domain/add-action';
import { blockAction } from '../helpers/signed-requests';
import { createWorld, PEOPLE, TEST_ENV, testClock, type World } from '../helpers/world';

let world: World;
afterEach(async () => {
  await world?.stop();
});

interface Digest {
  text: string;
  keys: string[];
  ts: string;
}

/** The reminder digests a person has received, newest last. */
function digests(user: string): Digest[] {
  return world.fake
    .callsTo('chat.postMessage', { ok: true })
    .filter((c) => c.args.channel === user && String(c.args.text).includes('need your attention'))
    .map((c) => {
      const blocks = c.args.blocks as { type: string; elements?: { action_id: string; value: string }[] }[];
      const keys = blocks
        .flatMap((b) => b.elements ?? [])
        .filter((e) => e.action_id === REMINDER_ACTIONS.done)
        .map((e) => e.value);
      return { text: JSON.stringify(blocks), keys, ts: (c.response as { ts: string }).ts };
    });
}

async function sweepAt(at: string) {
  world.clock.set(at);
  await world.vigil.scheduler.tick();
  await world.vigil.outbox.drain();
}

async function start(at = '2026-03-09T09:00:00Z') {
  world = await createWorld({ clock: testClock(at) });
  await world.report(PEOPLE.staff);
  await world.vigil.outbox.drain();
  return world.db.select().from(incidents).get()?.id ?? 0;
}

describe('reminders', () => {
  it('tells the SIRO of an untriaged report once a day, in one digest, and never twice', async () => {
    const id = await start(); // Monday 9 March, 09:00 London (GMT)
    await sweepAt('2026-03-09T12:00:00Z'); // 3 hours: not yet
    expect(digests(PEOPLE.siro)).toHaveLength(0);
    await sweepAt('2026-03-09T13:05:00Z');
    await sweepAt('2026-03-09T13:10:00Z'); // a second sweep
    await world.vigil.scheduler.tick(); // a sweep racing the first
    await world.vigil.outbox.drain();
    expect(digests(PEOPLE.siro).map((d) => d.keys)).toEqual([[`triage:${id}`]]);
    expect(digests(PEOPLE.siro)[0]?.text).toContain(
      'INC-2026-0001 (Lost or stolen device, media or papers)*: waiting for triage',
    );
    expect(digests(PEOPLE.siro)[0]?.text).not.toContain('Leeds');
    await sweepAt('2026-03-10T09:05:00Z'); // next working day
    expect(digests(PEOPLE.siro)).toHaveLength(2);
    // Nobody else was reminded.
    const people = new Set(
      world.fake
        .callsTo('chat.postMessage', { ok: true })
        .filter((c) => String(c.args.text).includes('need your attention'))
        .map((c) => c.args.channel),
    );
    expect([...people]).toEqual([PEOPLE.siro]);
  });

  it('keeps a reminder through a Slack failure and sends it once when Slack answers', async () => {
    await start();
    world.fake.fail('chat.postMessage', { kind: 'ratelimited', retryAfter: 30 }, 1);
    await sweepAt('2026-03-09T13:05:00Z');
    expect(digests(PEOPLE.siro)).toHaveLength(0);
    await sweepAt('2026-03-09T13:10:00Z'); // the next sweep does not queue it again
    expect(world.logs.some((l) => l.message.includes('Slack deliveries pending'))).toBe(true);
    await sweepAt('2026-03-09T13:11:00Z');
    expect(digests(PEOPLE.siro)).toHaveLength(1);
    await sweepAt('2026-03-09T13:20:00Z');
    expect(digests(PEOPLE.siro)).toHaveLength(1);
  });

  it('waits for working hours in the recipient’s own zone, across the weekend and a clock change', async () => {
    await start('2026-03-27T10:00:00Z'); // Friday 27 March
    world.fake.addUser({ id: PEOPLE.siro, tz: 'America/New_York' });
    await sweepAt('2026-03-27T20:30:00Z'); // 16:30 in New York: still working
    expect(digests(PEOPLE.siro)).toHaveLength(1);
    await sweepAt('2026-03-28T14:00:00Z'); // Saturday
    await sweepAt('2026-03-29T14:00:00Z'); // Sunday, the day Europe changes clocks
    expect(digests(PEOPLE.siro)).toHaveLength(1);
    await sweepAt('2026-03-30T12:30:00Z'); // Monday 08:30 in New York (EDT): too early
    expect(digests(PEOPLE.siro)).toHaveLength(1);
    await sweepAt('2026-03-30T13:00:00Z'); // 09:00 in New York
    expect(digests(PEOPLE.siro)).toHaveLength(2);
  });

  it('sends urgent regulator deadlines at any hour to those who may record them', async () => {
    world = await createWorld({ clock: testClock('2026-03-27T18:00:00Z') }); // Friday evening
    await world.report(PEOPLE.staff, { personalData: 'yes', discoveredAt: new Date('2026-03-27T17:00:00Z') });
    await world.vigil.outbox.drain();
    await sweepAt('2026-03-29T18:00:00Z'); // Sunday evening, 23 hours before the deadline
    for (const person of [PEOPLE.siro, PEOPLE.md]) {
      const [digest] = digests(person);
      expect(digest?.text).toContain(':rotating_light:');
      expect(digest?.text).toContain('Data-protection regulator must be notified within 23 hours');
    }
    expect(digests(PEOPLE.responder)).toHaveLength(0);
    await sweepAt('2026-03-29T19:00:00Z');
    expect(digests(PEOPLE.md)).toHaveLength(1); // same stage: not again
    await sweepAt('2026-03-30T13:00:00Z'); // final hours
    expect(digests(PEOPLE.md)).toHaveLength(2);
    await sweepAt('2026-03-30T18:00:00Z'); // passed
    expect(digests(PEOPLE.md).at(-1)?.text).toContain('deadline passed 1 hours ago');
  });

  it('snoozes for a day, dismisses with Done, and completes actions from the reminder', async () => {
    const id = await start();
    const ctx = { db: world.db, clock: world.clock, config: world.config };
    addAction(
      ctx,
      { id: PEOPLE.siro, roles: new Set(['siro'] as const) },
      { incidentId: id },
      {
        kind: 'corrective',
        description: 'Report to the leasing company',
        ownerId: PEOPLE.staff2,
        dueAt: new Date('2026-03-10T00:00:00Z'),
      },
    );
    await sweepAt('2026-03-09T13:05:00Z');
    const [siroDigest] = digests(PEOPLE.siro);
    const [ownerDigest] = digests(PEOPLE.staff2);
    expect(ownerDigest?.keys).toEqual([expect.stringMatching(/^action:\d+:soon$/)]);

    const press = (user: string, digest: Digest | undefined, actionId: string) =>
      world.slack.interaction(
        blockAction({
          userId: user,
          actionId,
          blockId: 'rem:0',
          value: digest?.keys[0] ?? '',
          container: { type: 'message', channelId: user, messageTs: digest?.ts ?? '' },
          triggerId: world.fake.issueTrigger(user),
          responseUrl: world.fake.responseUrl(),
        }),
      );
    await press(PEOPLE.siro, siroDigest, REMINDER_ACTIONS.snoozeDay);
    await press(PEOPLE.staff2, ownerDigest, REMINDER_ACTIONS.done);
    await expect.poll(() => world.db.select().from(actions).get()?.status).toBe('done');

    await sweepAt('2026-03-10T09:30:00Z'); // snoozed until 13:05
    expect(digests(PEOPLE.siro)).toHaveLength(1);
    expect(digests(PEOPLE.staff2)).toHaveLength(1); // the action is done
    await sweepAt('2026-03-10T13:30:00Z');
    expect(digests(PEOPLE.siro)).toHaveLength(2);

    await press(PEOPLE.siro, digests(PEOPLE.siro).at(-1), REMINDER_ACTIONS.done);
    await sweepAt('2026-03-11T09:30:00Z');
    expect(digests(PEOPLE.siro)).toHaveLength(2);
  });

  it('escalates overdue work to the SIRO after the configured days', async () => {
    const id = await start();
    world.db
      .update(incidents)
      .set({
        status: 'resolving',
        severity: 'critical',
        triagedAt: new Date('2026-03-09T09:00:00Z'),
        targetResolutionAt: new Date('2026-03-10T09:00:00Z'),
      })
      .where(eq(incidents.id, id))
      .run();
    await sweepAt('2026-03-10T10:00:00Z');
    expect(digests(PEOPLE.hodFinance).at(-1)?.keys).toEqual([`target:${id}:passed`]);
    expect(digests(PEOPLE.siro)).toHaveLength(0);
    await sweepAt('2026-03-12T10:00:00Z');
    expect(digests(PEOPLE.siro).at(-1)?.keys).toEqual([`overdue:${id}`]);
  });

  it('runs one sweep from the command line, printing what it sent, and never twice', async () => {
    const databasePath = join(mkdtempSync(join(tmpdir(), 'vigil-rem-')), 'vigil.db');
    world = await createWorld({ clock: testClock('2026-03-09T09:00:00Z'), databasePath });
    await world.report(PEOPLE.staff);
    await world.vigil.outbox.drain();
    const run = () =>
      promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', 'src/cli.ts', 'reminders', '--at', '2026-03-09T14:00:00Z'],
        {
          env: {
            PATH: process.env.PATH,
            ...TEST_ENV,
            SLACK_API_URL: world.fake.url,
            DATABASE_PATH: databasePath,
          },
        },
      );
    const first = await run();
    expect(first.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^2026-03-09T14:00:00.000Z reminded USIRO: 1 item \(triage:1\)$/),
    ]);
    expect(digests(PEOPLE.siro)).toHaveLength(1);
    const second = await run();
    expect(second.stdout).toBe('');
    expect(second.stderr).toContain('no reminders due');
    expect(digests(PEOPLE.siro)).toHaveLength(1);
  });

  it('over a simulated week, sends each person the reminders they should get and no others', async () => {
    const id = await start(); // Monday 9 March 2026, 09:00
    const ctx = { db: world.db, clock: world.clock, config: world.config };
    addAction(
      ctx,
      { id: PEOPLE.siro, roles: new Set(['siro'] as const) },
      { incidentId: id },
      {
        kind: 'corrective',
        description: 'Block the laptop in MDM',
        ownerId: PEOPLE.staff2,
        dueAt: new Date('2026-03-13T00:00:00Z'), // end of Thursday
      },
    );
    const monday = new Date('2026-03-09T09:00:00Z').getTime();
    for (let hour = 0; hour < 7 * 24; hour++) {
      const at = new Date(monday + hour * 3_600_000);
      if (at.toISOString() === '2026-03-10T10:00:00.000Z')
        world.db
          .update(incidents)
          .set({
            status: 'triaged',
            severity: 'high',
            triagedAt: at,
            targetResolutionAt: new Date('2026-03-13T10:00:00Z'),
          })
          .where(eq(incidents.id, id))
          .run();
      await sweepAt(at.toISOString());
    }
    const sent = (user: string) =>
      world.fake
        .callsTo('chat.postMessage', { ok: true })
        .filter((c) => c.args.channel === user && String(c.args.text).includes('need your attention'))
        .map((c) => digestKeys(c.args.blocks));
    // SIRO: the untriaged report on Monday afternoon and Tuesday morning; overdue escalations fall on the weekend.
    expect(sent(PEOPLE.siro)).toEqual([`triage:${id}`, `triage:${id}`]);
    // Owner: due soon on Wednesday and Thursday, overdue on Friday; nothing at the weekend.
    const [actionRow] = world.db.select().from(actions).all();
    expect(sent(PEOPLE.staff2)).toEqual([
      `action:${actionRow?.id}:soon`,
      `action:${actionRow?.id}:soon`,
      `action:${actionRow?.id}:overdue`,
    ]);
    // IRM: the target approaching on Thursday and Friday morning, then passed on Friday.
    expect(sent(PEOPLE.hodFinance)).toEqual([
      `target:${id}:soon`,
      `target:${id}:soon`,
      `target:${id}:passed`,
    ]);
    for (const person of [PEOPLE.md, PEOPLE.cio, PEOPLE.iao, PEOPLE.responder, PEOPLE.staff])
      expect(sent(person)).toEqual([]);
  });
});

function digestKeys(blocks: unknown): string {
  return ((blocks ?? []) as { elements?: { action_id: string; value: string }[] }[])
    .flatMap((b) => b.elements ?? [])
    .filter((e) => e.action_id === REMINDER_ACTIONS.done)
    .map((e) => e.value)
    .join(',');
}
