import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { CARD_ACTIONS, DUTY_ACTIONS } from '../../blocks/card-ids';
import { REMINDER_ACTIONS } from '../../blocks/reminder-digest';
import { actions, dutyMessages, incidents, outbox, remindersSent } from '../../db/schema';
import { setActionStatus } from '../../src/domain/action-status';
import { addAction } from '../../src/domain/add-action';
import { peerReview, requestClosure } from '../../src/domain/closure';
import {
  decideCausalAnalysis,
  markResolved,
  recordLearningReview,
  submitCausalAnalysis,
} from '../../src/domain/follow-through';
import { actorFor } from '../../src/domain/roles';
import { triageIncident } from '../../src/domain/triage';
import type { Answer } from '../../src/local-slack/fill-view';
import { seedReport } from '../helpers/seed';
import { createWorld, PEOPLE, TEST_ENV, testClock, type World } from '../helpers/world';

let world: World;
afterEach(async () => {
  await world?.stop();
});

interface Digest {
  text: string;
  /** Item keys, from the Snooze button every item has. */
  keys: string[];
  /** The actions whose Done the digest offers (their ids). */
  done: string[];
  /** The controls that take an item's step (everything but Snooze), in order. */
  steps: string[];
  ts: string;
}

const isDigest = (text: unknown) => /items? needs? your attention/.test(String(text));

/** The reminder digests a person has received, newest last. */
function digests(user: string): Digest[] {
  return world.fake
    .callsTo('chat.postMessage', { ok: true })
    .filter((c) => c.args.channel === user && isDigest(c.args.text))
    .map((c) => {
      const blocks = c.args.blocks as { type: string; elements?: { action_id: string; value: string }[] }[];
      const buttons = (id: string) =>
        blocks
          .flatMap((b) => b.elements ?? [])
          .filter((e) => e.action_id === id)
          .map((e) => e.value);
      return {
        text: JSON.stringify(blocks),
        keys: buttons(REMINDER_ACTIONS.snoozeDay),
        done: buttons(DUTY_ACTIONS.actionDone),
        steps: blocks
          .flatMap((b) => b.elements ?? [])
          .map((e) => e.action_id)
          .filter((id) => id !== REMINDER_ACTIONS.snoozeDay && id !== REMINDER_ACTIONS.snoozeWeek),
        ts: (c.response as { ts: string }).ts,
      };
    });
}

const keysOf = (user: string) => digests(user).map((d) => d.keys.join(','));

async function sweepAt(at: string) {
  world.clock.set(at);
  await world.vigil.scheduler.tick();
  await world.vigil.outbox.drain();
}

async function start(at = '2026-03-09T09:00:00Z', env: Record<string, string> = {}) {
  world = await createWorld({ clock: testClock(at), env });
  await world.report(PEOPLE.staff);
  await world.vigil.outbox.drain();
  return world.db.select().from(incidents).get()?.id ?? 0;
}

/** Presses a button of a reminder (its first item's) as `user` in their DM; returns the ephemeral answer. */
async function press(user: string, digest: Digest | undefined, actionId: string) {
  const sent = await world.people.as(user).click({ channel: user, ts: digest?.ts ?? '' }, actionId);
  await world.settled();
  await world.vigil.outbox.drain();
  return sent.replies().join('\n');
}

const ctxOf = (w: World) => ({ db: w.db, clock: w.clock, config: w.config });
const actor = (userId: string, security = false) => actorFor(world.config, userId, security);

/** Through the card, as the SIRO would (closing it at triage is confirmed in a second dialog). */
async function triageInSlack(answers: Record<string, Answer>) {
  await world.click(PEOPLE.siro, world.card('INC-2026-0001'), CARD_ACTIONS.triage);
  let res = await world.submitForm(PEOPLE.siro, world.lastModal(PEOPLE.siro), answers);
  if (res.body?.response_action === 'push')
    res = await world.submitForm(PEOPLE.siro, world.lastModal(PEOPLE.siro), {});
  expect(res.body === null || res.body.response_action === 'clear').toBe(true);
  await world.vigil.outbox.drain();
}

/** Where the person sees the step: the card for the team, their DM for everyone else. */
async function actInSlack(user: string, actionId: string, answers: Record<string, Answer>) {
  const res = await world.act(user, 'INC-2026-0001', actionId, answers);
  expect(res).toEqual({ refused: null, errors: null });
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
        .filter((c) => isDigest(c.args.text))
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

  it('keeps London working hours across the change to summer time, on the Monday after', async () => {
    await start('2026-03-27T10:00:00Z'); // Friday 27 March, 10:00 GMT
    world.fake.addUser({ id: PEOPLE.siro, tz: 'Europe/London' });
    await sweepAt('2026-03-27T16:55:00Z'); // 16:55 GMT
    expect(digests(PEOPLE.siro)).toHaveLength(1);
    await sweepAt('2026-03-30T07:55:00Z'); // Monday 08:55 BST: not yet
    expect(digests(PEOPLE.siro)).toHaveLength(1);
    await sweepAt('2026-03-30T08:00:00Z'); // 09:00 BST, an hour earlier in UTC than on Friday
    expect(digests(PEOPLE.siro)).toHaveLength(2);
    await sweepAt('2026-03-30T15:55:00Z'); // 16:55 BST, the same London day: not again
    await sweepAt('2026-03-30T16:05:00Z'); // 17:05 BST: after hours
    expect(digests(PEOPLE.siro)).toHaveLength(2);
    await sweepAt('2026-03-31T08:00:00Z'); // Tuesday 09:00 BST
    expect(digests(PEOPLE.siro)).toHaveLength(3);
  });

  it('counts "once a day" in the recipient’s zone, not the organisation’s', async () => {
    await start(); // Monday 9 March, London
    world.fake.addUser({ id: PEOPLE.siro, tz: 'Pacific/Honolulu' }); // UTC-10
    await sweepAt('2026-03-09T23:30:00Z'); // Monday 13:30 in Honolulu (Monday 23:30 in London)
    expect(digests(PEOPLE.siro)).toHaveLength(1);
    await sweepAt('2026-03-10T00:30:00Z'); // Monday 14:30 in Honolulu, already Tuesday in London
    expect(digests(PEOPLE.siro)).toHaveLength(1);
    await sweepAt('2026-03-10T19:05:00Z'); // Tuesday 09:05 in Honolulu
    expect(digests(PEOPLE.siro)).toHaveLength(2);
  });

  it('asks Slack for a time zone only when there is something to send, and remembers it briefly', async () => {
    await start();
    const lookups = () => world.fake.callsTo('users.info').length;
    await sweepAt('2026-03-09T10:00:00Z'); // nothing due yet
    expect(lookups()).toBe(0);
    await sweepAt('2026-03-09T13:05:00Z');
    expect(digests(PEOPLE.siro)).toHaveLength(1);
    expect(lookups()).toBe(1);
    for (const minute of ['10', '15', '20', '30', '45']) await sweepAt(`2026-03-09T13:${minute}:00Z`);
    expect(lookups()).toBe(1); // remembered, and nothing new to send
    await press(PEOPLE.siro, digests(PEOPLE.siro)[0], REMINDER_ACTIONS.snoozeDay);
    await sweepAt('2026-03-09T15:00:00Z'); // the zone is forgotten, but everything is snoozed
    expect(lookups()).toBe(1);
    await sweepAt('2026-03-10T14:00:00Z'); // due again: asked again
    expect(lookups()).toBe(2);
    expect(digests(PEOPLE.siro)).toHaveLength(2);
  });

  it('sends urgent notification deadlines at any hour, then every day once passed', async () => {
    world = await createWorld({ clock: testClock('2026-03-27T18:00:00Z') }); // Friday evening
    await world.report(PEOPLE.staff, { personalData: 'yes', discoveredAt: new Date('2026-03-27T17:00:00Z') });
    await world.vigil.outbox.drain();
    await sweepAt('2026-03-29T18:00:00Z'); // Sunday evening, 23 hours before the deadline
    for (const person of [PEOPLE.siro, PEOPLE.md]) {
      const [digest] = digests(person);
      expect(digest?.text).toContain(':rotating_light:');
      expect(digest?.text).toContain('Data-protection regulator must be notified within 23 hours');
      // The step itself is a click away: recording the notification.
      expect(digest?.steps).toContain(CARD_ACTIONS.recordNotification);
    }
    expect(digests(PEOPLE.responder)).toHaveLength(0);
    await sweepAt('2026-03-29T19:00:00Z');
    expect(digests(PEOPLE.md)).toHaveLength(1); // same stage: not again
    await sweepAt('2026-03-30T13:00:00Z'); // final hours
    expect(digests(PEOPLE.md)).toHaveLength(2);
    await sweepAt('2026-03-30T18:00:00Z'); // passed
    expect(digests(PEOPLE.md).at(-1)?.text).toContain('deadline passed 1 hour ago');
    await sweepAt('2026-03-31T02:00:00Z');
    await sweepAt('2026-03-31T16:59:00Z');
    expect(digests(PEOPLE.md)).toHaveLength(3);
    await sweepAt('2026-03-31T17:00:00Z'); // a day late, urgent still
    await sweepAt('2026-04-01T17:30:00Z'); // two days late
    expect(keysOf(PEOPLE.md)).toEqual([
      'notify:1:soon',
      'notify:1:final',
      'notify:1:overdue:1',
      'notify:1:overdue:2',
      'notify:1:overdue:3',
    ]);
  });

  it('puts urgent items first, counts what a digest cannot show, and keeps only urgent ones for the next', async () => {
    world = await createWorld({ clock: testClock('2026-03-09T08:00:00Z') });
    for (let n = 0; n < 2; n++) seedReport(world.db, world.clock);
    for (let n = 0; n < 21; n++)
      seedReport(world.db, world.clock, {
        personalData: 'yes',
        discoveredAt: new Date('2026-03-07T08:00:00Z'), // the regulator deadline is in 24 hours
      });
    // Triaged already, so only their deadlines are urgent (an untriaged breach is urgent too).
    world.db.update(incidents).set({ status: 'triaged' }).where(eq(incidents.personalData, 'yes')).run();
    await sweepAt('2026-03-09T13:05:00Z');
    const [first] = digests(PEOPLE.siro);
    expect(first?.keys).toHaveLength(20);
    expect(first?.keys.every((k) => k.startsWith('notify:'))).toBe(true);
    expect(first?.text).toContain('23 incident items need your attention');
    expect(first?.text).toContain('…and 3 more: App Home lists everything waiting on you.');
    // The 2 daily triage reminders count as today's (they come again tomorrow); the urgent one
    // that did not fit is not recorded, so it is not lost.
    expect(
      world.db.select().from(remindersSent).where(eq(remindersSent.userId, PEOPLE.siro)).all(),
    ).toHaveLength(22);
    await sweepAt('2026-03-09T13:10:00Z');
    const second = digests(PEOPLE.siro)[1];
    expect(second?.keys).toHaveLength(1);
    expect(second?.keys[0]).toMatch(/^notify:/);
    expect(new Set([...(first?.keys ?? []), ...(second?.keys ?? [])]).size).toBe(21);
    await sweepAt('2026-03-09T13:15:00Z');
    expect(digests(PEOPLE.siro)).toHaveLength(2);
    // The next day the deadlines have passed: a new urgent stage, first again; the daily ones counted.
    await sweepAt('2026-03-10T13:05:00Z');
    expect(digests(PEOPLE.siro)).toHaveLength(3);
    expect(digests(PEOPLE.siro)[2]?.keys[0]).toMatch(/^notify:\d+:overdue:1$/);
    expect(digests(PEOPLE.siro)[2]?.text).toContain('…and 3 more');
  });

  it('chases a proposed "won\'t do" from whoever decides it: the IRM, or the SIRO for the IRM\'s own', async () => {
    const id = await start();
    const add = (ownerId: string, description: string) =>
      addAction(
        ctxOf(world),
        actor(PEOPLE.siro),
        { incidentId: id },
        { kind: 'preventive', description, ownerId, dueAt: new Date('2026-03-20T00:00:00Z') },
      );
    add(PEOPLE.staff2, 'Encrypt the spare laptops');
    add(PEOPLE.hodFinance, 'Lock the cabinet');
    const [byOwner, byIrm] = world.db.select().from(actions).all();
    setActionStatus(ctxOf(world), actor(PEOPLE.staff2), { actionId: byOwner?.id ?? 0 }, 'not_doing', 'Sold');
    setActionStatus(
      ctxOf(world),
      actor(PEOPLE.hodFinance),
      { actionId: byIrm?.id ?? 0 },
      'not_doing',
      'No key',
    );
    await world.vigil.outbox.drain();
    // Told at once: the IRM (the head of department) of the owner's; the SIRO of the IRM's own.
    const told = (user: string) =>
      world.fake
        .callsTo('chat.postMessage', { ok: true })
        .filter((c) => c.args.channel === user && JSON.stringify(c.args.blocks).includes('*not doing*'));
    expect(told(PEOPLE.hodFinance)).toHaveLength(1);
    expect(told(PEOPLE.siro)).toHaveLength(1);

    await sweepAt('2026-03-09T13:05:00Z');
    const owed = (user: string) => digests(user).flatMap((d) => d.keys);
    expect(owed(PEOPLE.hodFinance)).toContain(`action-proposal:${byOwner?.id}`);
    expect(owed(PEOPLE.hodFinance)).not.toContain(`action-proposal:${byIrm?.id}`);
    expect(owed(PEOPLE.siro)).toContain(`action-proposal:${byIrm?.id}`);
    expect(digests(PEOPLE.siro).at(-1)?.text).toContain(`<@${PEOPLE.hodFinance}> proposes not doing`);
  });

  it('snoozes for a day or a week, and completes actions from the reminder', async () => {
    const id = await start();
    addAction(
      ctxOf(world),
      actor(PEOPLE.siro),
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
    const [owned] = world.db.select().from(actions).all();
    // The owner's reminder completes the action; the IRM's only follows it (no Done there).
    expect(ownerDigest?.done).toEqual([String(owned?.id)]);
    expect(digests(PEOPLE.hodFinance)[0]?.done).toEqual([String(owned?.id)]);
    // The IRM follows the action too.
    expect(keysOf(PEOPLE.hodFinance)).toEqual([ownerDigest?.keys[0]]);
    expect(digests(PEOPLE.hodFinance)[0]?.text).toContain(`owned by <@${PEOPLE.staff2}>`);

    expect(await press(PEOPLE.siro, siroDigest, REMINDER_ACTIONS.snoozeDay)).toMatch(/^:zzz: Snoozed until/);
    expect(await press(PEOPLE.staff2, ownerDigest, DUTY_ACTIONS.actionDone)).toBe('');
    expect(world.db.select().from(actions).get()?.status).toBe('done');
    // The reminder now says so, its buttons gone; the IRM's copy too.
    for (const who of [PEOPLE.staff2, PEOPLE.hodFinance]) {
      const shown = world.fake.message(who, digests(who)[0]?.ts ?? '');
      expect(JSON.stringify(shown?.blocks)).toContain('marked done by');
      expect(JSON.stringify(shown?.blocks)).not.toContain(DUTY_ACTIONS.actionDone);
    }

    await sweepAt('2026-03-10T09:30:00Z'); // snoozed until 13:05
    expect(digests(PEOPLE.siro)).toHaveLength(1);
    expect(digests(PEOPLE.staff2)).toHaveLength(1); // the action is done
    expect(digests(PEOPLE.hodFinance)).toHaveLength(1);
    await sweepAt('2026-03-10T13:30:00Z');
    expect(digests(PEOPLE.siro)).toHaveLength(2);

    // A week: nothing until the Tuesday after.
    await press(PEOPLE.siro, digests(PEOPLE.siro).at(-1), REMINDER_ACTIONS.snoozeWeek);
    for (const day of ['11', '12', '13', '16', '17']) await sweepAt(`2026-03-${day}T10:00:00Z`);
    expect(digests(PEOPLE.siro)).toHaveLength(2);
    await sweepAt('2026-03-17T14:00:00Z');
    expect(digests(PEOPLE.siro)).toHaveLength(3);
  });

  it('offers the step itself, and marks the item done once it is taken, by whoever took it', async () => {
    const id = await start();
    await sweepAt('2026-03-09T13:05:00Z');
    const [digest] = digests(PEOPLE.siro);
    // No "Done" that only asks the register: the button triages.
    expect(digest?.steps).toEqual([CARD_ACTIONS.triage]);
    expect(await press(PEOPLE.siro, digest, CARD_ACTIONS.triage)).toBe('');
    const form = world.lastModal(PEOPLE.siro);
    expect(form.view.callback_id).toBe('triage_incident');
    await world.submitForm(PEOPLE.siro, form, { severity: 'low', priority: 'P4', rationale: 'Lost laptop' });
    await world.vigil.outbox.drain();
    expect(world.db.select().from(incidents).get()?.status).toBe('triaged');
    const shown = JSON.stringify(world.fake.message(PEOPLE.siro, digest?.ts ?? '')?.blocks);
    expect(shown).toContain('triaged by you');
    expect(shown).not.toContain(CARD_ACTIONS.triage);
    // Pressed again on the copy the SIRO had before the edit, it says what happened.
    const again = await world.people
      .as(PEOPLE.siro)
      .click({ channel: PEOPLE.siro, ts: digest?.ts ?? '' }, CARD_ACTIONS.triage, {
        asShown: JSON.parse(digest?.text ?? '[]') as unknown[],
      });
    await world.settled();
    expect(again.replies()).toEqual([expect.stringContaining('Nothing to do here any more: triaged by you')]);
    await sweepAt('2026-03-10T13:30:00Z');
    expect(
      digests(PEOPLE.siro)
        .slice(1)
        .flatMap((d) => d.keys),
    ).not.toContain(`triage:${id}`);
  });

  it('escalates overdue work to the SIRO after the configured days, with no Done to press', async () => {
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
    expect(digests(PEOPLE.siro).at(-1)?.done).toEqual([]);
  });

  it('chases the causal analysis from the head of department, then its approval', async () => {
    const id = await start();
    triageIncident(
      ctxOf(world),
      actor(PEOPLE.siro, true),
      { incidentId: id },
      {
        outcome: 'incident',
        rationale: 'Lost laptop',
        duplicateOf: null,
        severity: 'low',
        priority: 'P4',
        awareAt: world.clock.now(),
        facts: [],
      },
    );
    markResolved(
      ctxOf(world),
      actor(PEOPLE.hodFinance),
      { incidentId: id },
      { restoredAt: world.clock.now(), how: 'Laptop wiped' },
    );
    await sweepAt('2026-03-11T10:00:00Z'); // two days after: not yet
    expect(digests(PEOPLE.hodFinance)).toHaveLength(0);
    await sweepAt('2026-03-12T09:05:00Z'); // three days
    expect(keysOf(PEOPLE.hodFinance)).toEqual([`analysis:${id}:1`]);
    expect(digests(PEOPLE.hodFinance)[0]?.text).toContain('causal analysis and preventive plan due from you');

    world.clock.set('2026-03-12T10:00:00Z');
    submitCausalAnalysis(
      ctxOf(world),
      actor(PEOPLE.hodFinance),
      { incidentId: id },
      {
        rootCause: 'No encryption',
        contributingFactors: null,
        technicalMeasures: 'BitLocker',
        administrativeMeasures: null,
        costAndResources: 'A day',
      },
    );
    // The HOD is also the IRM, and may not approve their own analysis: the SIRO is asked.
    await sweepAt('2026-03-12T10:05:00Z');
    // The recurrence review has waited since the restoration too (REMIND_CLOSURE_DAYS).
    expect(keysOf(PEOPLE.siro)).toEqual([`learning:${id}`, `analysis-review:${id}:1`]);
    expect(digests(PEOPLE.siro)[1]?.text).toContain('causal analysis waiting for your approval');
    expect(digests(PEOPLE.hodFinance)).toHaveLength(1);

    world.clock.set('2026-03-12T11:00:00Z');
    decideCausalAnalysis(
      ctxOf(world),
      actor(PEOPLE.siro, true),
      { incidentId: id },
      { decision: 'returned', comment: 'Add the cost of licences' },
    );
    await sweepAt('2026-03-12T11:05:00Z');
    expect(keysOf(PEOPLE.hodFinance)).toEqual([`analysis:${id}:1`, `analysis:${id}:2`]);
    expect(digests(PEOPLE.hodFinance)[1]?.text).toContain('sent back to you');
  });

  it('stops reminding of actions once triage closes the record as not an incident', async () => {
    const id = await start();
    addAction(
      ctxOf(world),
      actor(PEOPLE.responder, true),
      { incidentId: id },
      {
        kind: 'corrective',
        description: 'Check the lost property office',
        ownerId: PEOPLE.staff2,
        dueAt: new Date('2026-03-10T00:00:00Z'),
      },
    );
    await sweepAt('2026-03-09T10:00:00Z');
    expect(digests(PEOPLE.staff2)).toHaveLength(1);
    world.clock.set('2026-03-09T11:00:00Z');
    await triageInSlack({ outcome: 'not_incident', rationale: 'It was in the office all along' });
    await sweepAt('2026-03-10T10:00:00Z');
    await sweepAt('2026-03-11T10:00:00Z');
    expect(digests(PEOPLE.staff2)).toHaveLength(1);
    expect(digests(PEOPLE.hodFinance)).toHaveLength(1);
  });

  it('over a simulated week, sends each person the reminders they should get and no others', async () => {
    // Monday 9 March 2026, 09:00 London: a report with personal data, triaged the next day.
    world = await createWorld({
      clock: testClock('2026-03-09T09:00:00Z'),
      env: { REMIND_ANALYSIS_DAYS: '1', ESCALATE_OVERDUE_DAYS: '1' },
    });
    await world.report(PEOPLE.staff, { personalData: 'yes', discoveredAt: new Date('2026-03-09T09:00:00Z') });
    await world.vigil.outbox.drain();
    const steps: Record<string, () => Promise<void>> = {
      // Tuesday: triaged Critical (24 hours), an action due that evening.
      '2026-03-10T10:00:00.000Z': async () => {
        await triageInSlack({ severity: 'critical', priority: 'P1', rationale: 'Payroll data' });
        await actInSlack(PEOPLE.siro, CARD_ACTIONS.addAction, {
          kind: 'corrective',
          description: 'Block the laptop in MDM',
          ownerId: PEOPLE.staff2,
          dueAt: '2026-03-10',
        });
      },
      // Thursday: operations restored, after the target time.
      '2026-03-12T12:00:00.000Z': () =>
        actInSlack(PEOPLE.hodFinance, CARD_ACTIONS.resolve, { how: 'Laptop wiped remotely' }),
      // Friday: the DPO records the regulator, a day late; the HOD submits the analysis.
      '2026-03-13T10:00:00.000Z': () =>
        actInSlack(PEOPLE.md, CARD_ACTIONS.recordNotification, { externalRef: 'ICO-42' }),
      '2026-03-13T14:00:00.000Z': () =>
        actInSlack(PEOPLE.hodFinance, CARD_ACTIONS.analysis, {
          rootCause: 'No disk encryption',
          technicalMeasures: 'BitLocker on every laptop',
          costAndResources: 'Two days of IT time',
        }),
    };
    const monday = new Date('2026-03-09T09:00:00Z').getTime();
    const when = new Map<string, string[]>();
    for (let hour = 0; hour < 7 * 24; hour++) {
      const at = new Date(monday + hour * 3_600_000).toISOString();
      world.clock.set(at);
      await steps[at]?.();
      const before = world.fake.calls.length;
      await sweepAt(at);
      for (const c of world.fake.calls.slice(before))
        if (c.ok && isDigest(c.args.text))
          when.set(String(c.args.channel), [...(when.get(String(c.args.channel)) ?? []), at.slice(5, 16)]);
    }
    // SIRO: untriaged, a possible breach, so urgent from an hour on and every four hours, day and
    // night (seed 003 §5.7), until triage on Tuesday; the regulator ahead, in its last hours (at 04:00),
    // when passed and a day later; the overdue action and target escalated; the action plan to
    // agree (seed 003 §4.3) daily from two days after its first action; the analysis to approve.
    expect(keysOf(PEOPLE.siro)).toEqual([
      ...[0, 1, 2, 3, 4, 5, 6].map((round) => `triage:1:urgent:${round}`),
      'notify:1:soon',
      'notify:1:final',
      'notify:1:overdue:1,action-overdue:1',
      'overdue:1,plan:1',
      'notify:1:overdue:2,action-overdue:1,plan:1',
      'analysis-review:1:1',
    ]);
    expect(when.get(PEOPLE.siro)).toEqual([
      '03-09T10:00',
      '03-09T13:00',
      '03-09T17:00',
      '03-09T21:00',
      '03-10T01:00',
      '03-10T05:00',
      '03-10T09:00',
      '03-11T09:00',
      '03-12T04:00',
      '03-12T09:00',
      '03-12T10:00',
      '03-13T09:00',
      '03-13T14:00',
    ]);
    // The DPO: the regulator deadline only, until recorded.
    expect(keysOf(PEOPLE.md)).toEqual([
      'notify:1:soon',
      'notify:1:final',
      'notify:1:overdue:1',
      'notify:1:overdue:2',
    ]);
    // IRM (the Finance head): the target and the action, then the causal analysis; nothing at the weekend.
    expect(keysOf(PEOPLE.hodFinance)).toEqual([
      'target:1:soon,action:1:soon',
      'target:1:soon,action:1:overdue',
      'target:1:passed',
      'target:1:passed,action:1:overdue',
      'action:1:overdue',
      'analysis:1:1',
    ]);
    expect(when.get(PEOPLE.hodFinance)).toEqual([
      '03-10T10:00',
      '03-11T09:00',
      '03-11T10:00',
      '03-12T09:00',
      '03-13T09:00',
      '03-13T12:00',
    ]);
    // The action's owner: due soon on Tuesday, overdue each working day after.
    expect(keysOf(PEOPLE.staff2)).toEqual([
      'action:1:soon',
      'action:1:overdue',
      'action:1:overdue',
      'action:1:overdue',
    ]);
    for (const person of [PEOPLE.cio, PEOPLE.iao, PEOPLE.responder, PEOPLE.staff])
      expect(keysOf(person)).toEqual([]);
  }, 60_000);

  it('chases every step to closure (seed 003 §5.10–5.11): review, request, peer review, CIO approval', async () => {
    const id = await start();
    const decide = { incidentId: id };
    triageIncident(ctxOf(world), actor(PEOPLE.siro, true), decide, {
      outcome: 'incident',
      rationale: 'Lost laptop',
      duplicateOf: null,
      severity: 'low',
      priority: 'P4',
      awareAt: world.clock.now(),
      facts: [],
    });
    markResolved(ctxOf(world), actor(PEOPLE.hodFinance), decide, {
      restoredAt: world.clock.now(),
      how: 'Laptop wiped',
    });
    submitCausalAnalysis(ctxOf(world), actor(PEOPLE.hodFinance), decide, {
      rootCause: 'No encryption',
      contributingFactors: null,
      technicalMeasures: 'BitLocker',
      administrativeMeasures: null,
      costAndResources: 'A day',
    });
    decideCausalAnalysis(ctxOf(world), actor(PEOPLE.siro, true), decide, {
      decision: 'approved',
      comment: null,
    });
    const stepKeys = (user: string) => keysOf(user).flatMap((k) => k.split(','));

    // 60 days pass with nobody doing the learning review: the SIRO is chased, with its button.
    await sweepAt('2026-05-08T09:05:00Z');
    expect(stepKeys(PEOPLE.siro)).toContain(`learning:${id}`);
    const learning = digests(PEOPLE.siro).at(-1);
    expect(learning?.text).toContain('the recurrence and risk-register review has waited for you 60 days');
    expect(learning?.steps).toContain(CARD_ACTIONS.learning);

    world.clock.set('2026-05-08T10:00:00Z');
    recordLearningReview(ctxOf(world), actor(PEOPLE.siro, true), decide, {
      recurrenceRisk: 'no',
      reasoning: 'One-off',
      vulnerabilities: 'None found',
      riskRegisterRef: 'RR-1',
      noChangeReason: null,
    });
    // 60 more days without a request for closure: the IRM (here the head of department).
    await sweepAt('2026-07-07T09:05:00Z');
    expect(stepKeys(PEOPLE.hodFinance)).toContain(`closure_request:${id}`);
    expect(digests(PEOPLE.hodFinance).at(-1)?.steps).toContain(CARD_ACTIONS.closure);
    // Waiting past REMIND_CLOSURE_DAYS + ESCALATE_OVERDUE_DAYS: the SIRO hears of it too.
    expect(stepKeys(PEOPLE.siro)).toContain(`closure-overdue:${id}`);

    world.clock.set('2026-07-07T10:00:00Z');
    requestClosure(ctxOf(world), actor(PEOPLE.hodFinance), decide, {
      noAction: false,
      justification: null,
      reviewerId: PEOPLE.responder,
    });
    await sweepAt('2026-09-07T09:05:00Z');
    expect(stepKeys(PEOPLE.responder)).toContain(`peer_review:${id}`);
    expect(digests(PEOPLE.responder).at(-1)?.steps).toContain(CARD_ACTIONS.peerReview);

    world.clock.set('2026-09-07T10:00:00Z');
    peerReview(ctxOf(world), actor(PEOPLE.responder, true), decide, { decision: 'approved', comment: null });
    await sweepAt('2026-11-06T10:05:00Z');
    expect(stepKeys(PEOPLE.cio)).toContain(`closure_approval:${id}`);
    const approval = digests(PEOPLE.cio).at(-1);
    expect(approval?.text).toContain('the CIO’s approval of the closure has waited for you 60 days');

    // The CIO approves from the reminder itself; the item is settled and nothing more is chased.
    await press(PEOPLE.cio, approval, DUTY_ACTIONS.approveClosure);
    expect(world.db.select().from(incidents).get()?.status).toBe('closed');
    const before = digests(PEOPLE.cio).length;
    await sweepAt('2026-11-09T09:05:00Z');
    expect(digests(PEOPLE.cio)).toHaveLength(before);
  }, 60_000);
});

describe('reminders from the command line', () => {
  /** The outbox's rows that post or edit a reminder digest. */
  const digestDeliveries = () => {
    const ids = new Set(
      world.db
        .select({ id: dutyMessages.id })
        .from(dutyMessages)
        .where(eq(dutyMessages.kind, 'digest'))
        .all()
        .map((m) => m.id),
    );
    return world.db
      .select()
      .from(outbox)
      .where(eq(outbox.kind, 'duty_message'))
      .all()
      .filter((r) => ids.has(Number(r.payload.messageId)));
  };

  async function cliWorld() {
    const databasePath = join(mkdtempSync(join(tmpdir(), 'vigil-rem-')), 'vigil.db');
    world = await createWorld({ clock: testClock('2026-03-09T09:00:00Z'), databasePath });
    await world.report(PEOPLE.staff);
    await world.vigil.outbox.drain();
    return (...args: string[]) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'reminders', ...args], {
        env: {
          PATH: process.env.PATH,
          ...TEST_ENV,
          SLACK_API_URL: world.fake.url,
          DATABASE_PATH: databasePath,
        },
      });
  }

  it('runs one sweep, printing what it sent, and never twice; a dry run sends and records nothing', async () => {
    const run = await cliWorld();
    const dry = await run('--at', '2026-03-09T14:00:00Z', '--dry-run');
    expect(dry.stdout).toBe('2026-03-09T14:00:00.000Z would remind USIRO: 1 item (triage:1)\n');
    expect(digests(PEOPLE.siro)).toHaveLength(0);
    expect(world.db.select().from(remindersSent).all()).toEqual([]);

    const first = await run('--at', '2026-03-09T14:00:00Z');
    expect(first.stdout).toBe('2026-03-09T14:00:00.000Z reminded USIRO: 1 item (triage:1)\n');
    expect(digests(PEOPLE.siro)).toHaveLength(1);
    const second = await run('--at', '2026-03-09T14:00:00Z');
    expect(second.stdout).toBe('');
    expect(second.stderr).toContain('no reminders due');
    expect(digests(PEOPLE.siro)).toHaveLength(1);
  }, 60_000);

  it('delivers in real time whatever time the sweep runs as', async () => {
    const run = await cliWorld();
    world.fake.fail('chat.postMessage', { kind: 'http', status: 500 }, 1);
    const started = Date.now();
    await run('--at', '2030-03-12T14:00:00Z'); // a Tuesday years ahead
    const [digest] = digestDeliveries();
    expect(digest?.status).toBe('pending');
    expect(digest?.attempts).toBe(1);
    // Retried a second or so from now, not a second after 2030.
    expect(digest?.nextAttemptAt.getTime()).toBeGreaterThan(started);
    expect(digest?.nextAttemptAt.getTime()).toBeLessThan(Date.now() + 30_000);
  }, 60_000);

  it('sends each reminder once when two processes sweep the same database at once', async () => {
    const run = await cliWorld();
    const both = await Promise.all([
      run('--at', '2026-03-09T14:00:00Z'),
      run('--at', '2026-03-09T14:00:00Z'),
    ]);
    expect(both.map((r) => r.stdout).join('')).toBe(
      '2026-03-09T14:00:00.000Z reminded USIRO: 1 item (triage:1)\n',
    );
    await expect.poll(() => digests(PEOPLE.siro).length).toBe(1);
    expect(digestDeliveries()).toMatchObject([{ status: 'sent' }]);
  }, 60_000);
});
