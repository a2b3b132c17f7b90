import { afterEach, describe, expect, it } from 'vitest';
import { BRIEFING_RECOMMEND_ACTION } from '../../blocks/briefing-recommendations';
import { BRIEFING_ACK_ACTION } from '../../blocks/late-now';
import { incidents, periodicReports, reviews } from '../../db/schema';
import { type CardCopy, createWorld, PEOPLE, testClock, type World } from '../helpers/world';

let world: World;
afterEach(async () => {
  await world?.stop();
});

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('the monthly report', () => {
  it('DMs the Managing Director last month’s statistics and a trend chart, once', async () => {
    world = await createWorld({ clock: testClock('2026-03-10T09:00:00Z') });
    await world.report(PEOPLE.staff);
    await world.report(PEOPLE.staff2, { kind: 'near_miss' });
    await world.vigil.outbox.drain();

    world.clock.set('2026-04-01T00:05:00Z'); // 01:05 on 1 April in London (BST)
    await world.vigil.scheduler.tick();
    await world.vigil.scheduler.tick();
    await world.vigil.outbox.drain();

    const reports = world.fake
      .callsTo('chat.postMessage', { ok: true })
      .filter(
        (c) => c.args.channel === PEOPLE.md && String(c.args.text).startsWith('Monthly incident report'),
      );
    expect(reports).toHaveLength(1);
    const text = JSON.stringify(reports[0]?.args.blocks);
    expect(text).toContain('Incident statistics: March 2026');
    expect(text).toContain('*2 reports*');
    expect(text).toContain('Incidents 1 (+1) · Near misses 1 (+1) · Weaknesses 0 (±0)');
    expect(text).not.toContain('Leeds');
    // Seed 000 Rep.4.4: a briefing: what it cost, and what is late now of every kind.
    expect(text).toContain('*Estimated cost*');
    expect(text).toContain('*Late now, of every kind*');
    expect(text).toContain('Reports waiting for triage: 2');
    expect(text).toContain('Overdue actions: 0');
    const charts = world.fake.uploads.filter((u) => u.filename === 'vigil-trend-2026-03.png');
    expect(charts).toHaveLength(1);
    expect(charts[0]?.bytes.subarray(0, 8).equals(PNG)).toBe(true);
    expect(charts[0]?.completed).toBe(true);
    // The chart in words, for a screen reader.
    expect(charts[0]?.altText).toMatch(
      /^Reports per month to March 2026\. Apr 25: 0 incidents and weaknesses, 0 near misses; .*Mar 26: 1 incidents and weaknesses, 1 near misses\.$/,
    );
    expect(
      world.db
        .select()
        .from(periodicReports)
        .all()
        .map((r) => r.period),
    ).toContain('2026-03');

    // The Managing Director acknowledges it from the DM (seed 000 Rep.4.4); once, by whom and when.
    const dm = { channel: PEOPLE.md, ts: (reports[0]?.response as { ts: string } | undefined)?.ts ?? '' };
    world.clock.set('2026-04-02T09:00:00Z');
    const first = await world.people.as(PEOPLE.md).click(dm, BRIEFING_ACK_ACTION);
    await world.settled();
    expect(first.replies().join('\n')).toContain('You acknowledged the briefing for 2026-03');
    const row = () => world.db.select().from(periodicReports).get();
    expect([row()?.acknowledgedBy, row()?.acknowledgedAt?.toISOString()]).toEqual([
      PEOPLE.md,
      '2026-04-02T09:00:00.000Z',
    ]);
    const again = await world.people.as(PEOPLE.md).click(dm, BRIEFING_ACK_ACTION);
    await world.settled();
    expect(again.replies().join('\n')).toContain('Already acknowledged by <@UMD>');
    // Nobody else can acknowledge it, even with a forged click.
    const forged = await world.forgeClick(
      PEOPLE.siro,
      { ts: dm.ts, blocks: reports[0]?.args.blocks as CardCopy['blocks'] },
      BRIEFING_ACK_ACTION,
    );
    expect(forged.replies.join('\n')).toContain('Only the Managing Director acknowledges');
    expect(row()?.acknowledgedBy).toBe(PEOPLE.md);

    // Later sweeps in April send nothing more; May brings April's report.
    world.clock.set('2026-04-20T10:00:00Z');
    await world.vigil.scheduler.tick();
    await world.vigil.outbox.drain();
    expect(world.fake.uploads).toHaveLength(1);
  });

  it('records no month as sent when nobody was sent it: a register that began this month waits for the next', async () => {
    world = await createWorld({ clock: testClock('2026-04-02T09:00:00Z') });
    await world.report(PEOPLE.staff); // the register's first report, in April
    await world.vigil.outbox.drain();

    await world.vigil.scheduler.tick(); // March: no register yet, so no report
    await world.vigil.outbox.drain();
    expect(world.db.select().from(periodicReports).all()).toEqual([]);
    expect(world.fake.uploads).toHaveLength(0);

    world.clock.set('2026-05-01T08:00:00Z');
    await world.vigil.scheduler.tick();
    await world.vigil.outbox.drain();
    expect(
      world.db
        .select()
        .from(periodicReports)
        .all()
        .map((r) => r.period),
    ).toEqual(['2026-04']);
    const sent = world.fake
      .callsTo('chat.postMessage', { ok: true })
      .filter(
        (c) => c.args.channel === PEOPLE.md && String(c.args.text).startsWith('Monthly incident report'),
      );
    expect(sent).toHaveLength(1);
    expect(JSON.stringify(sent[0]?.args.blocks)).toContain('Incident statistics: April 2026');
    expect(world.fake.uploads.map((u) => u.filename)).toEqual(['vigil-trend-2026-04.png']);
  });
});

describe('the briefing’s recommendations (seed 000 Rep.4.4)', () => {
  const dmsTo = (userId: string, start: string) =>
    world.fake
      .callsTo('chat.postMessage', { ok: true })
      .filter((c) => c.args.channel === userId && String(c.args.text).startsWith(start));
  const briefings = () => dmsTo(PEOPLE.md, 'Monthly incident report');
  const row = () => world.db.select().from(periodicReports).get();
  async function monthDue(env: Record<string, string>) {
    world = await createWorld({ clock: testClock('2026-03-10T09:00:00Z'), env });
    await world.report(PEOPLE.staff);
    await world.vigil.outbox.drain();
    world.clock.set('2026-04-01T00:05:00Z'); // Wednesday
    await world.vigil.scheduler.tick();
    await world.vigil.outbox.drain();
  }

  it('asks the Management Representative, who writes them; only then does the MD get the briefing, with them', async () => {
    await monthDue({ MANAGEMENT_REP_USER_IDS: PEOPLE.responder, BRIEFING_WAIT_WORKING_DAYS: '2' });
    expect(briefings()).toHaveLength(0);
    const asks = dmsTo(PEOPLE.responder, 'Please write recommendations for the March 2026 briefing');
    expect(asks).toHaveLength(1);
    expect(dmsTo(PEOPLE.siro, 'Please write recommendations')).toHaveLength(0);
    const ask = asks[0];
    const dm = { channel: PEOPLE.responder, ts: (ask?.response as { ts: string } | undefined)?.ts ?? '' };

    // Nobody else can write them: a forged click, and a forged submission of the rep's own form.
    const forgedClick = await world.forgeClick(
      PEOPLE.siro,
      { ts: dm.ts, blocks: ask?.args.blocks as CardCopy['blocks'] },
      BRIEFING_RECOMMEND_ACTION,
    );
    expect(forgedClick.replies.join('\n')).toContain(
      'Only the Management Representative writes the briefing’s recommendations.',
    );
    expect(world.fake.openModals(PEOPLE.siro)).toEqual([]);

    world.clock.set('2026-04-02T10:00:00Z');
    await world.people.as(PEOPLE.responder).click(dm, BRIEFING_RECOMMEND_ACTION);
    await world.settled();
    const form = world.lastModal(PEOPLE.responder);
    const forged = await world.forgeSubmit(PEOPLE.siro, form, { recommendations: 'Made up' });
    expect(forged.body).toEqual({
      response_action: 'errors',
      errors: {
        recommendations: 'Only the Management Representative writes the briefing’s recommendations.',
      },
    });
    expect(row()?.recommendations).toBeNull();
    await world.vigil.outbox.drain();
    expect(briefings()).toHaveLength(0);

    const res = await world.submitForm(PEOPLE.responder, form, {
      recommendations: 'Phishing training for <Finance> & Sales',
    });
    expect(JSON.stringify(res.body)).toContain(
      'Sent. The Managing Director has the March 2026 briefing with your recommendations.',
    );
    await world.vigil.outbox.drain();
    expect([row()?.recommendations, row()?.recommendedBy, row()?.recommendedAt?.toISOString()]).toEqual([
      'Phishing training for <Finance> & Sales',
      PEOPLE.responder,
      '2026-04-02T10:00:00.000Z',
    ]);
    expect(briefings()).toHaveLength(1);
    const text = JSON.stringify(briefings()[0]?.args.blocks);
    expect(text).toContain('*Recommendations* (<@URESPOND>');
    expect(text).toContain('Phishing training for &lt;Finance&gt; &amp; Sales');
    expect(text).not.toContain('None were written');

    // Written once: the button now says the briefing has gone; later sweeps send nothing more.
    const late = await world.people.as(PEOPLE.responder).click(dm, BRIEFING_RECOMMEND_ACTION);
    await world.settled();
    expect(late.replies().join('\n')).toContain('That briefing has already gone to the Managing Director.');
    world.clock.set('2026-04-06T10:00:00Z');
    await world.vigil.scheduler.tick();
    await world.vigil.outbox.drain();
    expect(briefings()).toHaveLength(1);
  });

  it('without them, the briefing goes after the wait (2 working days), saying plainly none were written', async () => {
    await monthDue({ BRIEFING_WAIT_WORKING_DAYS: '2' });
    // Unset, the SIRO is asked.
    const asks = dmsTo(PEOPLE.siro, 'Please write recommendations for the March 2026 briefing');
    expect(asks).toHaveLength(1);

    world.clock.set('2026-04-02T23:59:00Z'); // Friday 00:59 in London: not yet two working days
    await world.vigil.scheduler.tick();
    await world.vigil.outbox.drain();
    expect(briefings()).toHaveLength(0);

    world.clock.set('2026-04-03T00:05:00Z');
    await world.vigil.scheduler.tick();
    await world.vigil.outbox.drain();
    expect(briefings()).toHaveLength(1);
    const text = JSON.stringify(briefings()[0]?.args.blocks);
    expect(text).toContain('*Recommendations*\\nNone were written. The SIRO was asked');
    expect(text).toContain('none came within 2 working days');
    expect(row()?.recommendations).toBeNull();

    // Too late to write them now.
    const dm = { channel: PEOPLE.siro, ts: (asks[0]?.response as { ts: string } | undefined)?.ts ?? '' };
    const late = await world.people.as(PEOPLE.siro).click(dm, BRIEFING_RECOMMEND_ACTION);
    await world.settled();
    expect(late.replies().join('\n')).toContain('That briefing has already gone to the Managing Director.');
    expect(world.fake.openModals(PEOPLE.siro)).toEqual([]);
  });

  it('lists the root causes found more than once in the month (repeated causes)', async () => {
    world = await createWorld({ clock: testClock('2026-03-10T09:00:00Z') });
    for (const who of [PEOPLE.staff, PEOPLE.staff2, PEOPLE.staff]) await world.report(who);
    await world.vigil.outbox.drain();
    // Causal analyses as the head of department submits them (seed 000 §4.1): the same cause, typed twice.
    const ids = world.db.select({ id: incidents.id }).from(incidents).all();
    ['Weak passwords.', 'weak  passwords', 'A lost laptop'].forEach((rootCause, n) => {
      world.db
        .insert(reviews)
        .values({
          incidentId: ids[n]?.id ?? 0,
          type: 'causal_analysis',
          submittedBy: PEOPLE.hodFinance,
          submittedAt: new Date('2026-03-20T10:00:00Z'),
          content: { rootCause, costAndResources: 'none' },
        })
        .run();
    });
    world.clock.set('2026-04-01T00:05:00Z');
    await world.vigil.scheduler.tick();
    await world.vigil.outbox.drain();
    const text = JSON.stringify(briefings()[0]?.args.blocks);
    expect(text).toContain(
      "*Repeated root causes* (from this month's causal analyses)\\n• Weak passwords. (2 incidents)",
    );
    expect(text).not.toContain('A lost laptop');
  });
});
