import { asc } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { CARD_ACTIONS, DUTY_ACTIONS } from '../../blocks/card-ids';
import { actions, incidentEvents } from '../../db/schema';
import type { Answer } from '../../src/local-slack/fill-view';
import { slashCommand } from '../../src/local-slack/payloads';
import { createWorld, PEOPLE, SECURITY_CHANNEL, storedIncident, type World } from '../helpers/world';

let world: World;
afterEach(async () => {
  await world?.stop();
});

const REF = 'INC-2026-0001';
const incident = () => storedIncident(world, REF);
const allActions = () => world.db.select().from(actions).orderBy(asc(actions.id)).all();
const action = (n = 0) => {
  const row = allActions()[n];
  if (!row) throw new Error(`no action ${n}`);
  return row;
};
const dmsTo = (user: string) => world.dmsTo(user);
const threadLines = () => world.threadLines();
const events = () => world.db.select().from(incidentEvents).orderBy(asc(incidentEvents.id)).all();
const act = (user: string, actionId: string, answers?: Record<string, Answer>) =>
  world.act(user, REF, actionId, answers);

/**
 * Picks `op` in the menu beside action `actionId` on the card as it is now. Only the security
 * channel sees the card: anyone else's pick is a forged request, as an attacker would send it.
 */
async function menu(user: string, actionId: number, op: string) {
  const card = world.card(REF);
  const modalsBefore = world.fake.callsTo('views.open', { ok: true }).length;
  const click = await (world.fake.canSee(user, SECURITY_CHANNEL) ? world.click : world.forgeClick)(
    user,
    card,
    CARD_ACTIONS.actionMenu,
    {
      block: `a${actionId}`,
      option: `${op}:${actionId}`,
    },
  );
  const opened = world.fake.callsTo('views.open', { ok: true }).length > modalsBefore;
  return { ...click, opened };
}

async function withAction(description = 'Encrypt Finance laptops', ownerId: string = PEOPLE.staff2) {
  world = await createWorld();
  await world.report(PEOPLE.staff);
  await world.vigil.outbox.drain();
  await act(PEOPLE.responder, CARD_ACTIONS.addAction, {
    kind: 'corrective',
    description,
    ownerId,
    dueAt: '2026-03-20',
  });
  return action();
}

/** The menu options the card offers beside an action (their values name the operation). */
function menuOptions(actionId: number): string[] {
  const block = world.card(REF).blocks.find((b) => b.block_id?.endsWith(`:a${actionId}`));
  const accessory = block?.accessory as { options?: { value: string }[] } | undefined;
  return (accessory?.options ?? []).map((o) => o.value.split(':')[0] ?? '');
}

describe('the action plan on the card', () => {
  it('edits an action from its menu: form filled in, audited, in the thread, and the new owner told', async () => {
    const a = await withAction();
    expect(menuOptions(a.id)).toEqual(['edit', 'done', 'not_doing']);
    const opened = await menu(PEOPLE.siro, a.id, 'edit');
    expect(opened).toMatchObject({ opened: true, replies: [] });
    const form = world.lastModal(PEOPLE.siro);
    const drawn = JSON.stringify(form.view.blocks);
    expect(drawn).toContain('"initial_value":"Encrypt Finance laptops"');
    expect(drawn).toContain(`"initial_user":"${PEOPLE.staff2}"`);
    expect(drawn).toContain('"initial_date":"2026-03-20"');

    const dmsBefore = dmsTo('UNEWOWNER').length;
    const res = await world.submitForm(PEOPLE.siro, form, {
      description: 'Encrypt every Finance laptop <now>',
      ownerId: 'UNEWOWNER',
      dueAt: '2026-03-27',
    });
    expect(res.body).toBeNull();
    await world.vigil.outbox.drain();
    expect(action()).toMatchObject({
      description: 'Encrypt every Finance laptop <now>',
      ownerId: 'UNEWOWNER',
      status: 'open',
    });
    expect(action().dueAt?.toISOString()).toBe('2026-03-28T00:00:00.000Z'); // end of 27 March, London
    const edited = events().at(-1);
    expect(edited).toMatchObject({ type: 'action_edited', actorId: PEOPLE.siro });
    expect(edited?.before).toMatchObject({ ownerId: PEOPLE.staff2, dueAt: '2026-03-21T00:00:00.000Z' });
    expect(edited?.after).toMatchObject({ ownerId: 'UNEWOWNER', dueAt: '2026-03-28T00:00:00.000Z' });
    expect(threadLines().at(-1)).toBe(
      `<@${PEOPLE.siro}> edited the action "Encrypt Finance laptops": owner <@${PEOPLE.staff2}> → <@UNEWOWNER>; due 20 Mar 2026 → 27 Mar 2026; now reads: Encrypt every Finance laptop &lt;now&gt;.`,
    );
    expect(JSON.stringify(world.card(REF).blocks)).toContain('Encrypt every Finance laptop &lt;now&gt;');
    const dm = dmsTo('UNEWOWNER');
    expect(dm.length).toBe(dmsBefore + 1);
    expect(JSON.stringify(dm.at(-1)?.args)).toContain('You own a *corrective* action');
    // The old owner's DM says the action went to someone else, its buttons gone.
    const oldOwner = world.fake.messages(PEOPLE.staff2).at(-1);
    expect(JSON.stringify(oldOwner?.blocks)).toContain('given to <@UNEWOWNER>');
    expect(JSON.stringify(oldOwner?.blocks)).not.toContain('"type":"actions"');
  });

  it('refuses the menu to anyone but the owner, the IRM or the SIRO, and changes nothing', async () => {
    const a = await withAction();
    const version = incident().version;
    for (const user of [PEOPLE.responder, PEOPLE.md, PEOPLE.staff]) {
      for (const op of ['edit', 'done', 'not_doing']) {
        const res = await menu(user, a.id, op);
        expect({ user, op, opened: res.opened, replies: res.replies }).toEqual({
          user,
          op,
          opened: false,
          replies: [`Only the action's owner, the IRM or the SIRO may update actions on ${REF}.`],
        });
      }
    }
    expect(action().status).toBe('open');
    expect(incident().version).toBe(version);
    expect(events().map((e) => e.type)).toEqual(['reported', 'action_added']);
  });

  it('marks an action done from the menu once, and refuses to edit a settled one', async () => {
    const a = await withAction();
    const before = world.card(REF);
    // The owner, outside the security channel, marks it done from the DM that gave it to them.
    const done = await act(PEOPLE.staff2, DUTY_ACTIONS.actionDone);
    expect(done.refused).toBeNull();
    expect(action()).toMatchObject({ status: 'done' });
    expect(threadLines().at(-1)).toBe(`<@${PEOPLE.staff2}> completed the action: Encrypt Finance laptops`);
    expect(menuOptions(a.id)).toEqual([]); // settled: no menu any more

    // An old copy of the card still offers the menu: the server answers from the database.
    const updates = world.fake.callsTo('chat.update').length;
    for (const op of ['edit', 'done']) {
      const stale = await world.click(PEOPLE.siro, before, CARD_ACTIONS.actionMenu, {
        block: `a${a.id}`,
        option: `${op}:${a.id}`,
      });
      expect(stale.replies[0]).toMatch(/^(That action is no longer open|This action is already closed)/);
    }
    expect(world.fake.callsTo('chat.update').length).toBeGreaterThan(updates);
    expect(events().filter((e) => e.type === 'action_done')).toHaveLength(1);
  });

  it('treats the owner’s "won’t do" as a proposal that the IRM or SIRO accepts before closure', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff);
    await world.vigil.outbox.drain();
    await act(PEOPLE.siro, CARD_ACTIONS.triage, { severity: 'medium', priority: 'P3', rationale: 'Laptop' });
    await act(PEOPLE.hodFinance, CARD_ACTIONS.resolve, { how: 'Wiped remotely' });
    await act(PEOPLE.responder, CARD_ACTIONS.addAction, {
      kind: 'preventive',
      description: 'Buy cable locks',
      ownerId: PEOPLE.staff2,
    });
    const a = action();

    const irmDms = dmsTo(PEOPLE.hodFinance).length;
    await act(PEOPLE.staff2, DUTY_ACTIONS.actionNotDoing, { reason: 'Laptops stay docked' });
    expect(action()).toMatchObject({ status: 'not_doing_proposed', statusReason: 'Laptops stay docked' });
    expect(threadLines().at(-1)).toContain(
      'proposes not doing the action "Buy cable locks": Laptops stay docked',
    );
    // The IRM is asked to decide, with the action and the owner's reason.
    expect(dmsTo(PEOPLE.hodFinance).length).toBe(irmDms + 1);
    expect(JSON.stringify(dmsTo(PEOPLE.hodFinance).at(-1)?.args)).toContain('Laptops stay docked');
    let card = JSON.stringify(world.card(REF).blocks);
    expect(card).toContain('Owner proposes not doing it: Laptops stay docked');
    expect(card).toContain(
      '1 action marked \\"won\'t do\\" by its owner waits for the IRM or SIRO to accept.',
    );
    expect(menuOptions(a.id)).toEqual(['accept', 'keep_open', 'done']);

    // The owner cannot accept their own proposal; the security team may not decide it either.
    expect((await menu(PEOPLE.staff2, a.id, 'accept')).replies).toEqual([
      `Only the IRM or the SIRO may accept that an action will not be done on ${REF}.`,
    ]);
    expect((await menu(PEOPLE.responder, a.id, 'accept')).replies[0]).toMatch(/^Only the IRM or the SIRO/);
    expect(action().status).toBe('not_doing_proposed');

    const accepted = await act(PEOPLE.hodFinance, DUTY_ACTIONS.actionAccept);
    expect(accepted.refused).toBeNull();
    expect(action()).toMatchObject({ status: 'not_doing', statusReason: 'Laptops stay docked' });
    expect(events().at(-1)).toMatchObject({ type: 'action_not_doing_accepted', actorId: PEOPLE.hodFinance });
    card = JSON.stringify(world.card(REF).blocks);
    expect(card).toContain('Not doing: Laptops stay docked');
    expect(card).not.toContain('waits for the IRM or SIRO');
  });

  it('keeps an action open when the IRM or SIRO does not accept "won’t do", and tells the owner', async () => {
    const a = await withAction('Buy cable locks');
    await act(PEOPLE.staff2, DUTY_ACTIONS.actionNotDoing, { reason: 'Too costly' });
    const ownerDms = dmsTo(PEOPLE.staff2).length;
    const kept = await menu(PEOPLE.siro, a.id, 'keep_open');
    expect(kept.replies).toEqual([]);
    expect(action()).toMatchObject({ status: 'open', statusReason: null });
    expect(threadLines().at(-1)).toBe(
      `<@${PEOPLE.siro}> kept the action "Buy cable locks" open: <@${PEOPLE.staff2}> still owns it.`,
    );
    expect(dmsTo(PEOPLE.staff2).length).toBe(ownerDms + 1);
    expect(JSON.stringify(dmsTo(PEOPLE.staff2).at(-1)?.args)).toContain(
      `Your proposal not to do it was *not accepted* by <@${PEOPLE.siro}>`,
    );
  });

  it('counts "won’t do" at once when the IRM or SIRO says it of someone else’s action', async () => {
    const a = await withAction();
    await menu(PEOPLE.siro, a.id, 'not_doing');
    await world.submitForm(PEOPLE.siro, world.lastModal(PEOPLE.siro), { reason: 'Superseded by MDM' });
    await world.vigil.outbox.drain();
    expect(action()).toMatchObject({ status: 'not_doing', statusReason: 'Superseded by MDM' });
    expect(threadLines().at(-1)).toBe(
      `<@${PEOPLE.siro}> will not do the action "Encrypt Finance laptops": Superseded by MDM`,
    );
  });

  it('lists eight actions on the card and every action with /incident REF', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff);
    await world.vigil.outbox.drain();
    for (let n = 1; n <= 11; n++)
      await act(PEOPLE.responder, CARD_ACTIONS.addAction, {
        kind: 'corrective',
        description: `Action number ${n}`,
        ownerId: PEOPLE.staff2,
      });
    const card = world.card(REF);
    const listed = card.blocks.filter((b) => /:a\d+$/.test(b.block_id ?? ''));
    expect(listed).toHaveLength(8);
    const shown = JSON.stringify(card.blocks);
    expect(shown).toContain('*Action plan* (0 of 11 done or accepted)');
    expect(shown).toContain(`…and 3 more: \`/incident ${REF}\` lists every action.`);

    const res = await world.slack.command(
      slashCommand({
        command: '/incident',
        text: REF,
        userId: PEOPLE.responder,
        triggerId: world.fake.issueTrigger(PEOPLE.responder),
        responseUrl: world.fake.responseUrl(),
      }),
    );
    const lookup = JSON.stringify((res.json() as { blocks: unknown }).blocks);
    for (let n = 1; n <= 11; n++) expect(lookup).toContain(`Action number ${n} (`);
    expect(lookup).not.toContain('card_action_menu');
  });
});
