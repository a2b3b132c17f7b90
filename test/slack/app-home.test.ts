import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { CARD_ACTIONS } from '../../blocks/card-ids';
import { actions, homeViews, incidents, notifications, outbox } from '../../db/schema';
import { addAction as addActionInDomain } from '../../src/domain/add-action';
import { actorFor } from '../../src/domain/roles';
import { blockAction, eventCallback } from '../../src/local-slack/payloads';
import { backfillDuties } from '../../src/services/duty-backfill';
import { seedReport } from '../helpers/seed';
import { createWorld, PEOPLE, SECURITY_CHANNEL, type World } from '../helpers/world';

let world: World;
afterEach(async () => {
  await world?.stop();
});

const H = 3_600_000;

async function openHome(user: string): Promise<string> {
  const before = world.fake.callsTo('views.publish', { ok: true }).length;
  const res = await world.slack.event(
    eventCallback({ type: 'app_home_opened', user, channel: 'DHOME', tab: 'home' }),
  );
  expect(res.status).toBe(200);
  await world.fake.waitFor('views.publish', before + 1, { ok: true });
  return home(user);
}

const home = (user: string) => JSON.stringify(world.fake.published.get(user)?.blocks ?? []);

/** The text of each section of a person's Home, as they read it. */
const sections = (user: string) =>
  ((world.fake.published.get(user)?.blocks ?? []) as { text?: { text: string } }[]).map(
    (b) => b.text?.text ?? '',
  );

const cardLink = (reference: string) =>
  new RegExp(`<https://vigil-test\\.slack\\.com/archives/${SECURITY_CHANNEL}/p\\d+\\|${reference}[^>]*>`);

/** An action added as the SIRO would add it (asked of its owner like any other). */
function addAction(incidentId: number, ownerId: string, dueAt: Date, description = 'Wipe the laptop') {
  addActionInDomain(
    { db: world.db, clock: world.clock, config: world.config },
    actorFor(world.config, PEOPLE.siro, true),
    { incidentId },
    { kind: 'corrective', description, ownerId, dueAt },
  );
}

/** The lines of a person's Home that list the steps they owe (each followed by its buttons). */
const owedLines = (user: string) => {
  const blocks = (world.fake.published.get(user)?.blocks ?? []) as {
    type: string;
    text?: { text: string };
    block_id?: string;
  }[];
  const start = blocks.findIndex((b) => b.type === 'header' && /Waiting on you/.test(JSON.stringify(b)));
  return blocks
    .slice(start + 1)
    .filter((b, n, all) => b.type === 'section' && all[n + 1]?.block_id?.startsWith('duty:'))
    .map((b) => b.text?.text ?? '');
};

describe('App Home', () => {
  it('gives everyone a report button, how it works, the roles, and their own reports', async () => {
    world = await createWorld();
    const empty = await openHome(PEOPLE.staff);
    expect(empty).toContain('"action_id":"home_report"');
    expect(empty).toContain(`SIRO: <@${PEOPLE.siro}>`);
    expect(empty).toContain('You have not reported anything yet.');
    expect(empty).not.toContain('Open incidents');

    await world.report(PEOPLE.staff);
    await world.vigil.outbox.drain();
    const mine = home(PEOPLE.staff);
    expect(mine).toContain('*INC-2026-0001* Laptop left on a train · _Reported, awaiting triage_');
    expect(mine).not.toContain('archives/'); // no link to the security channel's card

    const press = await world.slack.interaction(
      blockAction({
        userId: PEOPLE.staff,
        actionId: 'home_report',
        blockId: 'home',
        container: { type: 'view', viewId: 'VHOME' },
        triggerId: world.fake.issueTrigger(PEOPLE.staff),
      }),
    );
    expect(press.status).toBe(200);
    await world.fake.waitFor('views.open', 2, { ok: true });
  });

  it('shows the security team open incidents by severity and state, what is overdue and what waits on them, with card links', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff);
    await world.vigil.outbox.drain();
    const team = await openHome(PEOPLE.siro);
    expect(team).toContain('*Open incidents: 1*');
    expect(team).toContain('Awaiting triage 1');
    expect(team).toContain('*By state*\\nReported, awaiting triage 1');
    expect(team).toMatch(cardLink('INC-2026-0001'));

    // Something the SIRO sees changes: their Home is refreshed.
    await world.click(PEOPLE.siro, world.card('INC-2026-0001'), CARD_ACTIONS.triage);
    await world.submitForm(PEOPLE.siro, world.lastModal(PEOPLE.siro), {
      severity: 'high',
      priority: 'P1',
      rationale: 'x',
    });
    await world.vigil.outbox.drain();
    expect(home(PEOPLE.siro)).toContain('High 1');
    expect(home(PEOPLE.siro)).toContain('*By state*\\nTriaged 1');
    world.clock.advance(4 * 24 * H);
    await openHome(PEOPLE.siro);
    const overdue = sections(PEOPLE.siro).find((t) => t.startsWith('*:warning: Overdue*')) ?? '';
    expect(overdue).toMatch(
      new RegExp(`${cardLink('INC-2026-0001').source}: past its target resolution time`),
    );

    const outsider = await openHome(PEOPLE.staff2);
    expect(outsider).not.toContain('INC-2026-0001');
  });

  it('lists what waits on a person, linked to the card for the team and unlinked for staff', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff);
    await world.vigil.outbox.drain();
    const incident = world.db.select().from(incidents).get();
    if (!incident) throw new Error('no incident');
    addAction(incident.id, PEOPLE.staff2, new Date(world.clock.now().getTime() + 24 * H));
    world.clock.advance(5 * H); // past the 4 hours a report may wait for triage

    await openHome(PEOPLE.siro);
    expect(home(PEOPLE.siro)).toContain('Waiting on you (1)');
    const siroWaiting = owedLines(PEOPLE.siro);
    expect(siroWaiting).toEqual([
      expect.stringMatching(new RegExp(`${cardLink('INC-2026-0001').source} .*\ntriage this report`)),
    ]);
    // The step's button is there, in Home, as in the DM that asked for it.
    expect(home(PEOPLE.siro)).toContain(`"block_id":"duty:${incident.id}:h0"`);
    expect(home(PEOPLE.siro)).toContain('"action_id":"card_triage"');

    await openHome(PEOPLE.staff2);
    expect(home(PEOPLE.staff2)).toContain('Waiting on you (1)');
    expect(owedLines(PEOPLE.staff2)).toEqual([
      '*INC-2026-0001* Laptop left on a train\nyour action: Wipe the laptop',
    ]);
    expect(home(PEOPLE.staff2)).toContain('"action_id":"action_done"');
    expect(home(PEOPLE.staff2)).toContain('*Your actions*');
    // Staff are not in the security channel: no link to a card they cannot open, no register.
    expect(home(PEOPLE.staff2)).not.toContain('archives/');
    expect(home(PEOPLE.staff2)).not.toContain('Open incidents');
  });

  it('shows the Managing Director and the IAO the role holders’ Home though they are not in the security channel', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff);
    await world.vigil.outbox.drain();
    for (const holder of [PEOPLE.md, PEOPLE.iao]) {
      const view = await openHome(holder);
      expect(view, holder).toContain('*Open incidents: 1*');
      expect(view, holder).toMatch(cardLink('INC-2026-0001'));
    }
    // A head of department is not a role holder for the register.
    expect(await openHome(PEOPLE.hodFinance)).not.toContain('Open incidents');
  });

  it('stops showing the open incidents to someone who left the security channel', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff, { title: 'Payroll export emailed out' });
    await world.vigil.outbox.drain();
    await openHome(PEOPLE.siro);
    expect(await openHome(PEOPLE.responder)).toContain('Payroll export emailed out');

    world.fake.addChannel({
      id: SECURITY_CHANNEL,
      name: 'security-incidents',
      isPrivate: true,
      botIsMember: true,
      members: [PEOPLE.siro, 'UBOT'],
    });
    const left = await world.slack.event(
      eventCallback({
        type: 'member_left_channel',
        user: PEOPLE.responder,
        channel: SECURITY_CHANNEL,
        channel_type: 'G',
      }),
    );
    expect(left.status).toBe(200);
    await expect.poll(() => home(PEOPLE.responder)).not.toContain('Payroll export emailed out');
    expect(home(PEOPLE.responder)).not.toContain('Open incidents');
    expect(world.db.select().from(homeViews).where(eq(homeViews.userId, PEOPLE.responder)).get()?.team).toBe(
      false,
    );

    // Later refreshes, as the register changes, keep to the staff view.
    await world.report(PEOPLE.staff2, { title: 'Second report' });
    await world.vigil.outbox.drain();
    expect(home(PEOPLE.siro)).toContain('Second report');
    expect(home(PEOPLE.responder)).not.toContain('Second report');

    // Back in the channel: the team's view at once, and a burst of joins is one refresh.
    world.fake.addChannel({
      id: SECURITY_CHANNEL,
      name: 'security-incidents',
      isPrivate: true,
      botIsMember: true,
      members: [PEOPLE.siro, PEOPLE.responder, 'UBOT'],
    });
    world.fake.fail('views.publish', { kind: 'http', status: 503 });
    for (const eventId of ['EvJOIN1', 'EvJOIN2'])
      await world.slack.event(
        eventCallback(
          {
            type: 'member_joined_channel',
            user: PEOPLE.responder,
            channel: SECURITY_CHANNEL,
            channel_type: 'G',
          },
          { eventId },
        ),
      );
    await world.settled();
    await world.vigil.outbox.drain(); // each try fails: what is left waiting is what counts
    expect(
      world.db
        .select()
        .from(outbox)
        .where(and(eq(outbox.kind, 'home'), eq(outbox.status, 'pending')))
        .all()
        .filter((r) => r.payload.userId === PEOPLE.responder),
    ).toHaveLength(1);
    world.fake.recover();
    world.clock.advance(60_000);
    await world.vigil.outbox.drain();
    expect(home(PEOPLE.responder)).toContain('Second report');
  });

  it('counts only incidents being worked on as past their target, as reminders do', async () => {
    world = await createWorld();
    const working = seedReport(world.db, world.clock, { title: 'Being resolved' });
    const resolved = seedReport(world.db, world.clock, { title: 'Resolved already' });
    const inReview = seedReport(world.db, world.clock, { title: 'In review' });
    const past = new Date(world.clock.now().getTime() - H);
    world.db
      .update(incidents)
      .set({ status: 'resolving', severity: 'low', targetResolutionAt: past })
      .where(eq(incidents.id, working.id))
      .run();
    world.db
      .update(incidents)
      .set({ status: 'resolved', severity: 'low', targetResolutionAt: past })
      .where(eq(incidents.id, resolved.id))
      .run();
    world.db
      .update(incidents)
      .set({ status: 'in_review', severity: 'low', targetResolutionAt: past })
      .where(eq(incidents.id, inReview.id))
      .run();
    await openHome(PEOPLE.siro);
    const overdue = sections(PEOPLE.siro).find((t) => t.startsWith('*:warning: Overdue*')) ?? '';
    expect(overdue).toContain(`${working.reference}*: past its target resolution time`);
    expect(overdue).not.toContain(resolved.reference);
    expect(overdue).not.toContain(inReview.reference);
  });

  it('stays within Block Kit limits with a large register, keeping whole lines and the count of the rest', async () => {
    world = await createWorld();
    for (let n = 0; n < 300; n++)
      seedReport(world.db, world.clock, { title: `Report ${n} ${'x'.repeat(130)}` }, PEOPLE.staff);
    const ids = world.db.select({ id: incidents.id }).from(incidents).all();
    const past = new Date(world.clock.now().getTime() - H);
    for (const { id } of ids) {
      world.db
        .update(incidents)
        .set({
          status: 'triaged',
          severity: 'low',
          targetResolutionAt: past,
          cardChannelId: SECURITY_CHANNEL,
          cardTs: `1760000000.${String(id).padStart(6, '0')}`,
        })
        .where(eq(incidents.id, id))
        .run();
      world.db.update(notifications).set({ dueAt: past }).where(eq(notifications.incidentId, id)).run();
      world.db
        .insert(actions)
        .values({
          incidentId: id,
          kind: 'corrective',
          description: `Follow up ${'&<>'.repeat(5)}`,
          ownerId: PEOPLE.siro,
          dueAt: past,
          createdBy: PEOPLE.siro,
          createdAt: world.clock.now(),
        })
        .run();
    }
    // Written behind the app's back: what is owed is caught up as at a start on an old register.
    backfillDuties(world.db, world.config, { all: true });
    const team = await openHome(PEOPLE.siro);
    expect(team).toContain('*Open incidents: 300*');
    expect(team).toContain('…and 285 more');
    for (const text of sections(PEOPLE.siro).filter((t) => /^\*:warning: Overdue/.test(t))) {
      expect(text.length).toBeLessThanOrEqual(3000);
      const lines = text.split('\n').slice(1);
      // Every line shown is whole (a link is never cut), and the last says how many more there are.
      expect(lines.at(-1)).toMatch(/^…and \d+ more$/);
      for (const l of lines.slice(0, -1)) expect(l).toMatch(/^(:rotating_light: )?<https:[^>]+>: .*\S$/);
      expect(text).not.toContain('(truncated)');
    }
    // The steps the SIRO owes (300 actions of their own, none to triage any more): the first with
    // their buttons, then how many more.
    expect(team).toContain('Waiting on you (300)');
    expect(owedLines(PEOPLE.siro)).toHaveLength(12);
    expect(team).toContain('…and 288 more: each is in its direct message from me too.');
    const mine = await openHome(PEOPLE.staff);
    expect(mine).toContain('…and 285 more');
    expect(world.fake.callsTo('views.publish', { ok: false })).toEqual([]);
  });
});
