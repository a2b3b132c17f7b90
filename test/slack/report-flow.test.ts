import { asc, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { incidentEvents, incidents, outbox } from '../../db/schema';
import { FOLLOW_UP_TEXT_MAX } from '../../src/domain/report-input';
import { stateFromView } from '../../src/local-slack/fill-view';
import { blockAction, slashCommand, viewSubmission } from '../../src/local-slack/payloads';
import { mrkdwnTexts, recordedSurfaces } from '../helpers/surfaces';
import {
  createWorld,
  MINIMAL_REPORT,
  PEOPLE,
  SECURITY_CHANNEL,
  testClock,
  unexpectedErrors,
  type World,
} from '../helpers/world';

let world: World;
afterEach(async () => {
  await world?.stop();
});

const textOf = (blocks: unknown) => JSON.stringify(blocks);

describe('/report-incident', () => {
  it('opens the report form at once, with the title taken from the command text', async () => {
    world = await createWorld();
    const view = await world.openReportForm(PEOPLE.staff, 'Phishing mail &amp; fake invoice');
    const blocks = view.view.blocks as { block_id?: string; element?: { initial_value?: string } }[];
    const ids = blocks.map((b) => b.block_id).filter(Boolean);
    for (const question of [
      'kind',
      'category',
      'title',
      'description',
      'occurredAt',
      'discoveredAt',
      'location',
      'department',
      'dataInvolved',
      'peopleInvolved',
      'peopleAware',
      'customersAffected',
      'staffAffected',
      'personalData',
      'personalDataCount',
      'personalDataKinds',
      'sensitivity',
      'protectiveMarking',
      'encrypted',
      'thirdPartyUse',
      'assetOwnerId',
      'immediateCause',
      'lossLocation',
      'crimeNumber',
    ]) {
      expect(ids).toContain(question);
    }
    expect(blocks.find((b) => b.block_id === 'title')?.element?.initial_value).toBe(
      'Phishing mail & fake invoice',
    );
    // Follow-up questions appear only once a loss location is chosen.
    expect(ids.some((id) => id?.startsWith('lossDetails.'))).toBe(false);
    expect(textOf(view.view)).toContain('When was it discovered?');
    expect(textOf(view.view)).toContain('When did it occur?');
  });

  it('stores the report, answers with its reference, DMs the reporter and posts the triage card', async () => {
    world = await createWorld();
    const view = await world.openReportForm(PEOPLE.staff);
    const res = await world.submitForm(PEOPLE.staff, view, {
      ...MINIMAL_REPORT,
      customersAffected: 'yes',
      personalData: 'yes',
      personalDataCount: 120,
      personalDataKinds: 'Names and salaries',
      encrypted: 'no',
      occurredAt: new Date('2026-03-10T07:12:00Z'),
      discoveredAt: new Date('2026-03-10T08:30:00Z'),
    });

    expect(res.status).toBe(200);
    expect(res.body?.response_action).toBe('update');
    expect(textOf(res.body?.view)).toContain('INC-2026-0001');

    const stored = world.db.select().from(incidents).all();
    expect(stored).toHaveLength(1);
    const incident = stored[0];
    expect(incident).toMatchObject({
      reference: 'INC-2026-0001',
      status: 'reported',
      kind: 'incident',
      category: 'device_loss',
      // Medium for a lost device, raised by personal data of 120 people (issue 13 item 2).
      suggestedSeverity: 'high',
      title: 'Laptop left on a train',
      department: 'Finance',
      reporterId: PEOPLE.staff,
      hodId: PEOPLE.hodFinance,
      irmId: PEOPLE.hodFinance,
      customersAffected: 'yes',
      personalData: 'yes',
      personalDataCount: 120,
      encrypted: 'no',
    });
    expect(incident?.occurredAt?.toISOString()).toBe('2026-03-10T07:12:00.000Z');
    expect(incident?.discoveredAt.toISOString()).toBe('2026-03-10T08:30:00.000Z');
    expect(incident?.reportedAt.toISOString()).toBe('2026-03-10T09:00:00.000Z');

    // Customers or staff affected: escalated on the spot (seed 003 §5.6).
    const events = world.db.select().from(incidentEvents).all();
    expect(events.map((e) => [e.type, e.actorId])).toEqual([
      ['reported', PEOPLE.staff],
      ['escalated', 'vigil'],
    ]);

    const [card] = await world.fake.waitFor('chat.postMessage', 1, {
      ok: true,
      where: (c) => c.args.channel === SECURITY_CHANNEL,
    });
    const cardText = textOf(card?.args.blocks);
    expect(cardText).toContain('INC-2026-0001 · Laptop left on a train');
    expect(cardText).toContain('Left my work laptop on the 08:12 to Leeds.');
    expect(cardText).toContain('severity not set (suggested High)');
    expect(cardText).toContain('Reported, awaiting triage');
    expect(cardText).toContain(`<@${PEOPLE.staff}>`);
    expect(cardText).toContain(`<@${PEOPLE.hodFinance}>`);
    expect(cardText).toContain('about 120 people');
    expect(cardText).toContain('"action_id":"card_triage"');

    const [dm] = await world.fake.waitFor('chat.postMessage', 1, {
      ok: true,
      where: (c) => c.args.channel === PEOPLE.staff,
    });
    expect(JSON.stringify(dm?.args)).toContain('INC-2026-0001');
    expect(JSON.stringify(dm?.args)).not.toContain('Leeds');
    // The title the reporter gave, so they know which report it is (issue 13 item 5); no details.
    expect(JSON.stringify(dm?.args)).toContain('(“Laptop left on a train”) is received');
    expect(JSON.stringify(dm?.args)).toContain('*What happens next:*');

    for (const person of [PEOPLE.siro, PEOPLE.md]) {
      const [escalation] = await world.fake.waitFor('chat.postMessage', 1, {
        ok: true,
        where: (c) => c.args.channel === person && JSON.stringify(c.args).includes('escalated'),
      });
      expect(JSON.stringify(escalation?.args)).toContain(
        'is escalated to the SIRO and the Managing Director',
      );
      expect(JSON.stringify(escalation?.args)).not.toContain('Leeds');
    }

    await world.vigil.outbox.drain();
    const after = world.db.select().from(incidents).get();
    expect(after?.cardChannelId).toBe(SECURITY_CHANNEL);
    expect(after?.cardTs).toBe(card?.response && (card.response as { ts: string }).ts);
    expect(world.vigil.outbox.pendingCount()).toBe(0);
    expect(unexpectedErrors(world)).toEqual([]);
  });

  it('shows the seed follow-up questions for the chosen loss location and keeps what was typed', async () => {
    world = await createWorld();
    const view = await world.openReportForm(PEOPLE.staff);
    const typed = { ...MINIMAL_REPORT, lossLocation: 'post', location: 'Post room' };
    const res = await world.slack.interaction(
      blockAction({
        userId: PEOPLE.staff,
        actionId: 'report_loss_location',
        blockId: 'lossLocation',
        selectedOption: { value: 'post', text: 'In the post' },
        container: { type: 'view', viewId: view.id },
        view: {
          ...view.view,
          id: view.id,
          hash: view.hash,
          state: { values: stateFromView(view.view, typed) },
        },
        triggerId: world.fake.issueTrigger(PEOPLE.staff),
      }),
    );
    expect(res.status).toBe(200);
    const [update] = await world.fake.waitFor('views.update', 1, { ok: true });
    const updated = world.fake.views.get(view.id);
    expect(update?.args.hash).toBe(view.hash);
    const text = textOf(updated?.view.blocks);
    for (const q of [
      'How was it sent?',
      'Was it double enveloped?',
      'Was the address verified?',
      'Where was it sent from?',
    ])
      expect(text).toContain(q);
    expect(text).not.toContain('track and trace');
    // What the person typed is drawn again, so nothing is lost.
    expect(text).toContain('Laptop left on a train');
    expect(text).toContain('Post room');

    if (!updated) throw new Error('no updated view');
    const submitted = await world.submitForm(PEOPLE.staff, updated, {
      ...typed,
      'lossDetails.post_how_sent': 'Royal Mail, second class',
      'lossDetails.post_double_enveloped': 'no',
    });
    expect(submitted.body?.response_action).toBe('update');
    const stored = world.db.select().from(incidents).get();
    expect(stored?.lossLocation).toBe('post');
    expect(stored?.lossDetails).toEqual({
      post_how_sent: 'Royal Mail, second class',
      post_double_enveloped: 'no',
    });
  });

  it('takes follow-up answers only from their option lists, and text within the form’s own limit', async () => {
    world = await createWorld();
    const view = await world.openReportForm(PEOPLE.staff);
    const typed = { ...MINIMAL_REPORT, lossLocation: 'post' };
    await world.slack.interaction(
      blockAction({
        userId: PEOPLE.staff,
        actionId: 'report_loss_location',
        blockId: 'lossLocation',
        selectedOption: { value: 'post', text: 'In the post' },
        container: { type: 'view', viewId: view.id },
        view: {
          ...view.view,
          id: view.id,
          hash: view.hash,
          state: { values: stateFromView(view.view, typed) },
        },
        triggerId: world.fake.issueTrigger(PEOPLE.staff),
      }),
    );
    await world.fake.waitFor('views.update', 1, { ok: true });
    const updated = world.fake.views.get(view.id);
    if (!updated) throw new Error('no updated view');
    const blocks = updated.view.blocks as {
      block_id?: string;
      element?: { max_length?: number };
    }[];
    expect(blocks.find((b) => b.block_id === 'lossDetails.post_how_sent')?.element?.max_length).toBe(
      FOLLOW_UP_TEXT_MAX,
    );

    // A forged answer that is not one of the options, and text one character over the form's limit.
    const values = stateFromView(updated.view, { ...typed, 'lossDetails.post_how_sent': 'x'.repeat(501) });
    values['lossDetails.post_double_enveloped'] = {
      value: {
        type: 'radio_buttons',
        selected_option: { text: { type: 'plain_text', text: 'Yes' }, value: '<!channel>' },
      },
    };
    const res = await world.slack.interaction(
      viewSubmission({
        userId: PEOPLE.staff,
        view: {
          id: updated.id,
          callback_id: 'report_incident',
          hash: updated.hash,
          blocks: updated.view.blocks as unknown[],
        },
        values,
        triggerId: world.fake.issueTrigger(PEOPLE.staff),
      }),
    );
    expect(res.json()).toEqual({
      response_action: 'errors',
      errors: {
        'lossDetails.post_how_sent': `Please keep this under ${FOLLOW_UP_TEXT_MAX} characters.`,
        'lossDetails.post_double_enveloped': 'Please choose one of the options.',
      },
    });
    expect(world.db.select().from(incidents).all()).toHaveLength(0);
  });

  it('marks what the reporter must answer as required, and lets no negative count be typed', async () => {
    world = await createWorld();
    const view = await world.openReportForm(PEOPLE.staff);
    const blocks = view.view.blocks as {
      type: string;
      block_id?: string;
      optional?: boolean;
      element?: { min_value?: string; max_value?: string };
    }[];
    const required = blocks.filter((b) => b.type === 'input' && b.optional !== true).map((b) => b.block_id);
    expect(required).toEqual(['kind', 'category', 'title', 'description', 'discoveredAt', 'department']);
    const count = blocks.find((b) => b.block_id === 'personalDataCount')?.element;
    expect(count).toMatchObject({ min_value: '0', max_value: '1000000000' });
  });

  it('answers bad input on the right question and stores nothing', async () => {
    world = await createWorld();
    const view = await world.openReportForm(PEOPLE.staff);
    const res = await world.submitForm(PEOPLE.staff, view, {
      ...MINIMAL_REPORT,
      occurredAt: new Date('2026-03-10T08:00:00Z'),
      discoveredAt: new Date('2026-03-09T08:00:00Z'),
      personalData: 'yes',
      personalDataCount: -4,
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      response_action: 'errors',
      errors: {
        discoveredAt: 'It cannot have been discovered before it occurred.',
        personalDataCount: 'The number of people cannot be negative.',
      },
    });

    const future = await world.submitForm(PEOPLE.staff, view, {
      ...MINIMAL_REPORT,
      discoveredAt: new Date('2026-03-11T09:00:00Z'),
      title: 'x'.repeat(151),
    });
    expect(future.body).toMatchObject({
      response_action: 'errors',
      errors: {
        discoveredAt: 'This time is in the future.',
        title: 'Please keep the title under 150 characters.',
      },
    });

    // It cannot have occurred in the future either (a few minutes of clock skew aside).
    const occursLater = await world.submitForm(PEOPLE.staff, view, {
      ...MINIMAL_REPORT,
      occurredAt: new Date('2026-03-10T09:10:00Z'),
      discoveredAt: new Date('2026-03-10T08:30:00Z'),
    });
    expect(occursLater.body).toEqual({
      response_action: 'errors',
      errors: {
        occurredAt: 'This time is in the future.',
        discoveredAt: 'It cannot have been discovered before it occurred.',
      },
    });

    const missing = await world.submitForm(PEOPLE.staff, view, {
      ...MINIMAL_REPORT,
      title: null,
      department: null,
    });
    expect(missing.body).toMatchObject({
      response_action: 'errors',
      errors: {
        title: 'Please give the report a short title.',
        department: 'Please choose your department.',
      },
    });

    expect(world.db.select().from(incidents).all()).toHaveLength(0);
    expect(world.db.select().from(outbox).all()).toHaveLength(0);
    expect(world.fake.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('escapes what people type so a report pings nobody and links nowhere', async () => {
    world = await createWorld();
    const hostile = 'Alert <!channel> @here see <https://evil.example|your bank> & <@USIRO>';
    await world.report(PEOPLE.staff, {
      title: '<!here> urgent',
      description: hostile,
      department: 'R&D <Labs>',
    });

    const stored = world.db.select().from(incidents).get();
    expect(stored?.description).toBe(hostile);
    expect(stored?.title).toBe('<!here> urgent');
    expect(stored?.department).toBe('R&D <Labs>');

    const [card] = await world.fake.waitFor('chat.postMessage', 1, {
      ok: true,
      where: (c) => c.args.channel === SECURITY_CHANNEL,
    });
    const blocks = textOf(card?.args.blocks);
    expect(blocks).not.toContain('<!channel>');
    expect(blocks).not.toContain('<https://evil.example');
    expect(blocks).not.toContain('<@USIRO>');
    expect(blocks).toContain('&lt;!channel&gt;');
    expect(blocks).toContain('R&amp;D &lt;Labs&gt;');
    expect(String(card?.args.text)).not.toContain('<!here>');

    // Every mrkdwn object in every message and view the fake recorded (and the form's answer):
    // wherever the typed text shows, it is escaped and verbatim, so Slack does not auto-parse @here.
    await world.vigil.outbox.drain();
    const surfaces = recordedSurfaces(world.fake);
    const carrying = surfaces.flatMap((surface) =>
      mrkdwnTexts(surface)
        .filter((t) => t.text.includes('evil.example') || t.text.includes('urgent'))
        .map((t) => ({ where: surface.where, ...t })),
    );
    expect(carrying.length).toBeGreaterThanOrEqual(2); // the card's blocks and its fallback text
    for (const t of carrying) {
      for (const raw of ['<!channel>', '<!here>', '<https://evil.example', '& <@USIRO>'])
        expect(t.text, t.where).not.toContain(raw);
      // Top-level text has no verbatim flag; Slack only auto-links it with link_names, never sent.
      if (t.verbatim !== undefined) expect(t.verbatim, t.where).toBe(true);
    }
    expect(carrying.filter((t) => t.verbatim === true).length).toBeGreaterThan(0);
  });

  it('truncates very long text visibly instead of letting Slack reject the card', async () => {
    world = await createWorld();
    const long = `${'A'.repeat(2990)}<<<<<<<<<<`;
    await world.report(PEOPLE.staff, {
      description: long,
      location: 'L'.repeat(3000),
      dataInvolved: 'D'.repeat(3000),
      peopleInvolved: 'P'.repeat(3000),
    });
    const [card] = await world.fake.waitFor('chat.postMessage', 1, {
      ok: true,
      where: (c) => c.args.channel === SECURITY_CHANNEL,
    });
    expect(textOf(card?.args.blocks)).toContain('… (truncated)');
    expect(world.db.select().from(incidents).get()?.description).toBe(long);
  });

  it('takes a modal submitted twice only once', async () => {
    world = await createWorld();
    const view = await world.openReportForm(PEOPLE.staff);
    const first = await world.submitForm(PEOPLE.staff, view, MINIMAL_REPORT);
    const second = await world.submitForm(PEOPLE.staff, view, MINIMAL_REPORT);
    expect(textOf(first.body)).toContain('INC-2026-0001');
    expect(textOf(second.body)).toContain('INC-2026-0001');
    expect(world.db.select().from(incidents).all()).toHaveLength(1);
    await world.vigil.outbox.drain();
    // The card, the reporter's receipt, the SIRO asked to triage, and the head of department told
    // they are the IRM.
    expect(world.fake.callsTo('chat.postMessage', { ok: true }).map((c) => c.args.channel)).toEqual([
      SECURITY_CHANNEL,
      PEOPLE.staff,
      PEOPLE.siro,
      PEOPLE.hodFinance,
    ]);
  });

  it('gives 50 simultaneous reports 50 consecutive references and 50 cards, each posted once', async () => {
    world = await createWorld();
    const views = await Promise.all(Array.from({ length: 50 }, () => world.openReportForm(PEOPLE.staff)));
    const answers = await Promise.all(views.map((v) => world.submitForm(PEOPLE.staff, v, MINIMAL_REPORT)));
    expect(answers.every((a) => a.body?.response_action === 'update')).toBe(true);
    const refs = world.db
      .select({ reference: incidents.reference })
      .from(incidents)
      .all()
      .map((r) => r.reference)
      .sort();
    const expected = Array.from({ length: 50 }, (_, i) => `INC-2026-${String(i + 1).padStart(4, '0')}`);
    expect(refs).toEqual(expected);
    // Each form's answer named its own reference.
    const answered = answers.map((a) => /INC-2026-\d{4}/.exec(textOf(a.body?.view))?.[0]).sort();
    expect(answered).toEqual(expected);

    await world.vigil.outbox.drain();
    expect(world.vigil.outbox.pendingCount()).toBe(0);
    const cards = world.fake
      .callsTo('chat.postMessage', { ok: true })
      .filter((c) => c.args.channel === SECURITY_CHANNEL && c.args.thread_ts === undefined);
    const cardRefs = cards.map((c) => /^(INC-2026-\d{4}):/.exec(String(c.args.text))?.[1]).sort();
    expect(cardRefs).toEqual(expected);
    // The register points at exactly the message that carries each incident's card.
    const stored = world.db.select().from(incidents).all();
    const tsOf = new Map(
      cards.map((c) => [/^(INC-\S+):/.exec(String(c.args.text))?.[1], (c.response as { ts: string }).ts]),
    );
    for (const i of stored)
      expect({ ref: i.reference, ts: i.cardTs }).toEqual({ ref: i.reference, ts: tsOf.get(i.reference) });
    expect(world.fake.messages(SECURITY_CHANNEL).filter((m) => !m.thread_ts)).toHaveLength(50);
  });

  it('numbers by the organisation’s calendar year and starts again at 0001 each year', async () => {
    // Auckland is UTC+13 in December: 10:30Z is 23:30 on 31 December there, 11:30Z is New Year.
    const clock = testClock('2026-12-31T10:30:00Z');
    world = await createWorld({ clock, env: { ORG_TIME_ZONE: 'Pacific/Auckland' } });
    await world.report(PEOPLE.staff);
    await world.report(PEOPLE.staff);
    clock.set('2026-12-31T11:30:00Z');
    await world.report(PEOPLE.staff);
    const refs = world.db
      .select({ r: incidents.reference })
      .from(incidents)
      .all()
      .map((x) => x.r);
    expect(refs).toEqual(['INC-2026-0001', 'INC-2026-0002', 'INC-2027-0001']);
  });

  it('tells the person when Slack refuses to open the form', async () => {
    world = await createWorld();
    world.fake.fail('views.open', { kind: 'error', error: 'expired_trigger_id' }, 1);
    const responseUrl = world.fake.responseUrl('expired');
    const res = await world.slack.command(
      slashCommand({
        command: '/report-incident',
        userId: PEOPLE.staff,
        triggerId: world.fake.issueTrigger(PEOPLE.staff),
        responseUrl,
      }),
    );
    expect(res.status).toBe(200);
    await expect.poll(() => world.fake.responseUrlPosts.length).toBe(1);
    expect(world.fake.responseUrlPosts[0]?.body).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('Please run /report-incident again'),
    });
  });
});

describe('when Slack fails during reporting', () => {
  const cardCalls = (w: World) =>
    w.fake.callsTo('chat.postMessage', { ok: true }).filter((c) => c.args.channel === SECURITY_CHANNEL);
  const dmCalls = (w: World) =>
    w.fake.callsTo('chat.postMessage', { ok: true }).filter((c) => c.args.channel === PEOPLE.staff);

  it('keeps the report through an outage and delivers card and DM once Slack is back', async () => {
    world = await createWorld();
    world.fake.fail('chat.postMessage', { kind: 'http', status: 500 });
    const body = await world.report(PEOPLE.staff);
    // The reporter has the reference even though Slack could deliver nothing.
    expect(textOf(body)).toContain('INC-2026-0001');
    await expect
      .poll(() => world.fake.callsTo('chat.postMessage', { ok: false }).length)
      .toBeGreaterThanOrEqual(1);
    expect(world.db.select().from(incidents).all()).toHaveLength(1);
    expect(world.vigil.outbox.pendingCount()).toBe(4); // card, receipt, the SIRO's and the IRM's DMs

    world.fake.recover();
    world.clock.advance(30_000);
    await world.vigil.outbox.drain();
    expect(cardCalls(world)).toHaveLength(1);
    expect(dmCalls(world)).toHaveLength(1);
    expect(world.vigil.outbox.pendingCount()).toBe(0);

    // Nothing is sent twice afterwards.
    world.clock.advance(60_000);
    await world.vigil.outbox.drain();
    expect(cardCalls(world)).toHaveLength(1);
    expect(dmCalls(world)).toHaveLength(1);
    expect(world.logs.some((l) => l.level === 'warn' && l.message.includes('http'))).toBe(true);
  });

  it('waits as long as Slack asks when rate limited', async () => {
    world = await createWorld();
    world.fake.fail('chat.postMessage', { kind: 'ratelimited', retryAfter: 7 }, 2);
    await world.report(PEOPLE.staff);
    await expect.poll(() => world.fake.callsTo('chat.postMessage', { ok: false }).length).toBe(2);
    await world.vigil.outbox.drain();
    // The card and the receipt were refused; the DMs asking for steps do not wait for the card.
    const pending = world.db
      .select()
      .from(outbox)
      .where(eq(outbox.status, 'pending'))
      .orderBy(asc(outbox.id))
      .all();
    const tried = pending.filter((r) => r.lastError !== null);
    expect(tried.map((r) => r.lastError)).toEqual(['ratelimited', 'ratelimited']);
    for (const row of tried) expect(row.nextAttemptAt.getTime() - world.clock.now().getTime()).toBe(7000);
    // The rest are the card's thread lines, in order behind it.
    expect(pending.filter((r) => r.lastError === null).map((r) => r.lane)).toEqual(
      pending.filter((r) => r.lastError === null).map(() => 'card:1'),
    );

    world.clock.advance(6_000);
    await world.vigil.outbox.drain();
    expect(cardCalls(world)).toHaveLength(0);
    world.clock.advance(1_000);
    await world.vigil.outbox.drain();
    expect(cardCalls(world)).toHaveLength(1);
    expect(dmCalls(world)).toHaveLength(1);
  });

  it('survives a restart with deliveries pending', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const databasePath = join(mkdtempSync(join(tmpdir(), 'vigil-')), 'vigil.db');
    const clock = testClock();
    world = await createWorld({ databasePath, clock });
    world.fake.fail('chat.postMessage', { kind: 'reset' });
    await world.report(PEOPLE.staff);
    await expect.poll(() => world.fake.callsTo('chat.postMessage').length).toBeGreaterThanOrEqual(1);
    await world.stop();

    clock.advance(30_000);
    world = await createWorld({ databasePath, clock });
    await world.vigil.outbox.drain();
    expect(cardCalls(world)).toHaveLength(1);
    expect(dmCalls(world)).toHaveLength(1);
    await world.report(PEOPLE.staff);
    expect(
      world.db
        .select({ r: incidents.reference })
        .from(incidents)
        .all()
        .map((x) => x.r),
    ).toEqual(['INC-2026-0001', 'INC-2026-0002']);
  });
});
