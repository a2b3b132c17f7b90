/**
 * Permission before version (issue 12 item 5): a form or click from someone who may not take the
 * step is refused as such, and never learns the incident's latest change or a reference they have
 * not been told of.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CARD_ACTIONS, DUTY_ACTIONS } from '../../blocks/card-ids';
import { REMINDER_ACTIONS } from '../../blocks/reminder-digest';
import { actions, incidents } from '../../db/schema';
import { blockAction } from '../../src/local-slack/payloads';
import { createWorld, PEOPLE, storedIncident, type World } from '../helpers/world';

let world: World;
afterEach(async () => {
  await world?.stop();
});

const REF = 'INC-2026-0001';
const NOT_YOURS = 'You cannot act on that incident, or it does not exist.';
const SECRET = 'Suspect named by HR';
const incident = () => storedIncident(world, REF);

/** Reported from Finance (its head is the IRM), triaged by the SIRO. */
async function triaged() {
  world = await createWorld();
  await world.report(PEOPLE.staff);
  await world.vigil.outbox.drain();
  await world.act(PEOPLE.siro, REF, CARD_ACTIONS.triage, {
    severity: 'low',
    priority: 'P4',
    rationale: 'Lost',
  });
}

/** An update only the incident's people may read: the "latest change" a stale form would show. */
async function postSecretUpdate() {
  await world.click(PEOPLE.responder, world.card(REF), CARD_ACTIONS.postUpdate);
  await world.submitForm(PEOPLE.responder, world.lastModal(PEOPLE.responder), { text: SECRET });
  await world.vigil.outbox.drain();
}

describe('permission before version', () => {
  it('refuses a replaced IRM’s old Mark resolved form without telling them the latest change', async () => {
    await triaged();
    await world.clickWhereSeen(PEOPLE.hodFinance, REF, CARD_ACTIONS.resolve);
    const oldForm = world.lastModal(PEOPLE.hodFinance);
    await world.click(PEOPLE.siro, world.card(REF), CARD_ACTIONS.assignIrm, { user: 'UNEWIRM' });
    await world.vigil.outbox.drain();
    await postSecretUpdate();
    const before = incident();

    const res = await world.submitForm(PEOPLE.hodFinance, oldForm, { how: 'Wiped remotely' });
    expect(res.body?.response_action).toBe('errors');
    const said = JSON.stringify(res.body);
    expect(said).toMatch(/Only .* may mark .* on INC-2026-0001/);
    expect(said).not.toContain('Latest change');
    expect(said).not.toContain(SECRET);
    expect(said).not.toContain('changed while this form was open');
    expect(incident()).toMatchObject({ status: before.status, version: before.version, resolvedAt: null });
  });

  it('still gives the form back with the latest change to someone who may take the step', async () => {
    await triaged();
    await world.clickWhereSeen(PEOPLE.hodFinance, REF, CARD_ACTIONS.resolve);
    const form = world.lastModal(PEOPLE.hodFinance);
    await postSecretUpdate();
    const res = await world.submitForm(PEOPLE.hodFinance, form, { how: 'Wiped remotely' });
    expect(res.body?.response_action).toBe('update');
    expect(JSON.stringify(res.body)).toContain(SECRET);
  });

  it('tells a forged form walking incident ids nothing: no reference, no change, the same words as for none', async () => {
    await triaged();
    await world.report(PEOPLE.staff, { title: 'Second' });
    await world.vigil.outbox.drain();
    await postSecretUpdate();
    await world.click(PEOPLE.siro, world.card(REF), CARD_ACTIONS.severity, { option: 'high' });
    const form = world.lastModal(PEOPLE.siro);
    const answers = { reason: 'Walking ids' };
    const versions = world.db.select({ id: incidents.id, version: incidents.version }).from(incidents).all();
    const said: string[] = [];
    for (const id of [1, 2, 3, 99])
      for (const v of [1, versions.find((r) => r.id === id)?.version ?? 1]) {
        const forged = { ...form, view: { ...form.view, private_metadata: JSON.stringify({ i: id, v }) } };
        const res = await world.forgeSubmit(PEOPLE.staff2, forged, answers);
        said.push(JSON.stringify(res.body));
      }
    expect(new Set(said)).toEqual(
      new Set([JSON.stringify({ response_action: 'errors', errors: { reason: NOT_YOURS } })]),
    );
    expect(said.join(' ')).not.toMatch(/INC-|Latest change|Walking/);
    expect(
      world.db.select({ reference: incidents.reference, severity: incidents.severity }).from(incidents).all(),
    ).toEqual(
      expect.arrayContaining([
        { reference: REF, severity: 'low' },
        { reference: 'INC-2026-0002', severity: null },
      ]),
    );
  });

  it('names no reference to whoever clicks Done on another’s action (a forged DM or reminder click)', async () => {
    await triaged();
    await world.act(PEOPLE.siro, REF, CARD_ACTIONS.addAction, {
      kind: 'corrective',
      description: 'Ask the rail company',
      ownerId: PEOPLE.staff2,
    });
    await world.vigil.outbox.drain();
    const action = world.db.select().from(actions).get();
    if (!action) throw new Error('no action');
    const asked = world.dmsTo(PEOPLE.staff2).find((c) => JSON.stringify(c.args.blocks).includes('"duty:'));
    const ts = world.fake
      .messages(PEOPLE.staff2)
      .find((m) => JSON.stringify(m.blocks ?? []).includes(DUTY_ACTIONS.actionDone))?.ts;
    if (!asked || !ts) throw new Error('the owner was not asked');
    const blocks = (asked.args.blocks ?? []) as { block_id?: string; elements?: { action_id?: string }[] }[];
    const blockId = blocks.find((b) =>
      b.elements?.some((e) => e.action_id === DUTY_ACTIONS.actionDone),
    )?.block_id;
    const attacker = 'UOUTSIDER';
    const replies: string[] = [];
    const click = async (actionId: string, block: string, value: string, channel: string, at: string) => {
      const name = `forged-${replies.length}`;
      await world.slack.interaction(
        blockAction({
          userId: attacker,
          actionId,
          blockId: block,
          value,
          container: { type: 'message', channelId: channel, messageTs: at },
          triggerId: world.fake.issueTrigger(attacker),
          responseUrl: world.fake.responseUrl(name),
        }),
      );
      await world.settled();
      replies.push(String(world.fake.responseUrlPosts.find((p) => p.name === name)?.body.text));
    };
    // The owner's DM, clicked by someone else; then a reminder's Done naming the action.
    await click(
      DUTY_ACTIONS.actionDone,
      String(blockId),
      String(action.id),
      world.fake.dmOrChannelId(PEOPLE.staff2),
      ts,
    );
    await click(
      REMINDER_ACTIONS.done,
      'reminder',
      `action:${action.id}:overdue`,
      world.fake.dmOrChannelId(attacker),
      ts,
    );
    expect(replies).toEqual([
      'That control does not belong to the message it was clicked on; nothing was changed.',
      NOT_YOURS,
    ]);
    expect(world.db.select({ status: actions.status }).from(actions).all()).toEqual([{ status: 'open' }]);
  });
});
