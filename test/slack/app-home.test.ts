import { afterEach, describe, expect, it } from 'vitest';
import { CARD_ACTIONS } from '../../blocks/card-ids';
import { seedReport } from '../helpers/seed';
import { blockAction, eventCallback } from '../helpers/signed-requests';
import { createWorld, PEOPLE, type World } from '../helpers/world';

let world: World;
afterEach(async () => {
  await world?.stop();
});

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

  it('shows the security team the open incidents by severity, what is overdue and what waits on them', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff);
    await world.vigil.outbox.drain();
    const team = await openHome(PEOPLE.siro);
    expect(team).toContain('*Open incidents: 1*');
    expect(team).toContain('Awaiting triage 1');
    expect(team).toMatch(/<https:\/\/vigil-test\.slack\.com\/archives\/GSECURITY\/p\d+\|INC-2026-0001>/);

    // Something the SIRO sees changes: their Home is refreshed.
    await world.click(PEOPLE.siro, world.card('INC-2026-0001'), CARD_ACTIONS.triage);
    await world.submitForm(PEOPLE.siro, world.lastModal(PEOPLE.siro), {
      severity: 'high',
      priority: 'P1',
      rationale: 'x',
    });
    await world.vigil.outbox.drain();
    expect(home(PEOPLE.siro)).toContain('High 1');
    world.clock.advance(4 * 24 * 3_600_000);
    const later = await openHome(PEOPLE.siro);
    expect(later).toContain('INC-2026-0001: past its target resolution time');

    const outsider = await openHome(PEOPLE.staff2);
    expect(outsider).not.toContain('INC-2026-0001');
  });

  it('stays within Block Kit limits with a large register', async () => {
    world = await createWorld();
    for (let n = 0; n < 300; n++)
      seedReport(world.db, world.clock, { title: `Report ${n} ${'x'.repeat(130)}` }, PEOPLE.staff);
    const team = await openHome(PEOPLE.siro);
    expect(team).toContain('*Open incidents: 300*');
    expect(team).toContain('…and 285 more');
    const mine = await openHome(PEOPLE.staff);
    expect(mine).toContain('…and 285 more');
    expect(world.fake.callsTo('views.publish', { ok: false })).toEqual([]);
  });
});
