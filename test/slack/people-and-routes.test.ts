/**
 * The people and routes the procedure names: the Managing Director designating the IRM (seed 000
 * Responsibilities), the deputy and supervisor route (000 Rep.1), the Information Asset Owner told
 * of a report (003 §3.7), the head of department keeping the Director informed (000 Rep.2), and
 * work allocated to a team (003 §5.5).
 */
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { CARD_ACTIONS, DUTY_ACTIONS } from '../../blocks/card-ids';
import { HOME_ACTIONS } from '../../blocks/home-view';
import { actions, incidentEvents, incidents } from '../../db/schema';
import type { Answer } from '../../src/local-slack/fill-view';
import { controlsOf } from '../../src/local-slack/people';
import { createWorld, PEOPLE, SECURITY_CHANNEL, type World } from '../helpers/world';

let world: World;
afterEach(async () => {
  await world?.stop();
});

const REF = 'INC-2026-0001';
const DEPUTY = 'UDEPFIN';
const WITH_DEPUTY = {
  DEPARTMENTS: `Finance=${PEOPLE.hodFinance}/${DEPUTY},Engineering=${PEOPLE.hodEngineering}`,
};
const incident = (reference = REF) => {
  const row = world.db.select().from(incidents).where(eq(incidents.reference, reference)).get();
  if (!row) throw new Error(`no ${reference}`);
  return row;
};
const controls = (blocks: unknown) => controlsOf((blocks ?? []) as unknown[]).map((c) => c.element.action_id);
const texts = (user: string) => world.dmsTo(user).map((c) => JSON.stringify(c.args));

async function reported(
  reporter: string,
  answers: Record<string, Answer> = {},
  env: Record<string, string> = {},
) {
  world = await createWorld({ env });
  await world.report(reporter, answers);
  await world.vigil.outbox.drain();
}

describe('the Managing Director designates the IRM (seed 000 Responsibilities)', () => {
  it('from the escalation DM, with a people picker, audited, and the new IRM is asked', async () => {
    await reported(PEOPLE.staff, { customersAffected: 'yes' });
    // Escalated at once: the MD's DM carries Assign IRM… beside the team's steps.
    const escalation = world.dmsTo(PEOPLE.md).find((c) => String(c.args.text).includes('escalated'));
    expect(controls(escalation?.args.blocks)).toContain(DUTY_ACTIONS.designateIrm);
    const res = await world.act(PEOPLE.md, REF, DUTY_ACTIONS.designateIrm, { irmId: 'UNEWIRM' });
    expect(res).toEqual({ refused: null, errors: null });
    expect(incident().irmId).toBe('UNEWIRM');
    const event = world.db
      .select()
      .from(incidentEvents)
      .all()
      .find((e) => e.type === 'irm_assigned');
    expect(event).toMatchObject({
      actorId: PEOPLE.md,
      before: { irmId: PEOPLE.hodFinance },
      after: { irmId: 'UNEWIRM' },
    });
    expect(world.dmsTo('UNEWIRM').map((c) => String(c.args.text))).toContain(
      `${REF}: Waiting on you: you are its Incident Response Manager`,
    );
    // The head of department it was taken from hears who took it.
    expect(texts(PEOPLE.hodFinance).some((t) => t.includes('You no longer follow it'))).toBe(true);
  });

  it('from App Home for any open incident, by its reference; nobody without the role', async () => {
    await reported(PEOPLE.staff);
    const home = await world.openHome(PEOPLE.md);
    expect(controls(home.blocks)).toContain(HOME_ACTIONS.designateIrm);
    const opened = await world.people
      .as(PEOPLE.md)
      .click({ viewId: String(home.id) }, HOME_ACTIONS.designateIrm);
    await world.settled();
    expect(opened.replies()).toEqual([]);
    const form = world.lastModal(PEOPLE.md);
    const unknown = await world.submitForm(PEOPLE.md, form, { reference: 'INC-2026-0099', irmId: 'UNEWIRM' });
    expect(unknown.body?.errors).toEqual({
      reference: 'There is no open incident INC-2026-0099 that you may designate an IRM for.',
    });
    // Someone without the role, forging the MD's form: the same answer, nothing changes.
    const forged = await world.forgeSubmit(PEOPLE.staff2, form, { reference: REF, irmId: PEOPLE.staff2 });
    expect(forged.body?.errors).toEqual({
      reference: `There is no open incident ${REF} that you may designate an IRM for.`,
    });
    expect(incident().irmId).toBe(PEOPLE.hodFinance);
    const done = await world.submitForm(PEOPLE.md, form, { reference: REF, irmId: 'UNEWIRM' });
    expect(done.body).toBeNull();
    expect(incident().irmId).toBe('UNEWIRM');
    // Staff see no such button, and a forged click on one is refused.
    const staffHome = await world.openHome(PEOPLE.staff2);
    expect(controls(staffHome.blocks)).not.toContain(HOME_ACTIONS.designateIrm);
    const refused = await world.people
      .as(PEOPLE.staff2)
      .click({ viewId: String(staffHome.id) }, HOME_ACTIONS.designateIrm, {
        asShown: [
          {
            type: 'actions',
            block_id: 'forged',
            elements: [{ type: 'button', action_id: HOME_ACTIONS.designateIrm }],
          },
        ],
      });
    await world.settled();
    // App Home clicks carry no response_url: the refusal opens nothing, and is logged.
    expect(refused.replies()).toEqual([]);
    expect(world.fake.openModals(PEOPLE.staff2)).toEqual([]);
    expect(world.logs.some((l) => l.message === `refused designate IRM from Home for ${PEOPLE.staff2}`)).toBe(
      true,
    );
  });
});

describe('deputies and the supervisor route (seed 000 Rep.1)', () => {
  it('makes the deputy the IRM when the head reports it, and the SIRO where there is no deputy', async () => {
    await reported(PEOPLE.hodFinance, {}, WITH_DEPUTY);
    expect(incident()).toMatchObject({ hodId: PEOPLE.hodFinance, irmId: DEPUTY, restricted: false });
    expect(String(world.dmsTo(DEPUTY).at(-1)?.args.text)).toContain('you are its Incident Response Manager');
    await world.stop();

    await reported(PEOPLE.hodEngineering, { department: 'Engineering' }, WITH_DEPUTY);
    expect(incident()).toMatchObject({ hodId: PEOPLE.hodEngineering, irmId: PEOPLE.siro });
  });

  it('goes past the head when the report concerns them: the deputy works it, the head is not told', async () => {
    await reported(PEOPLE.staff, { concerns: 'own_head' }, WITH_DEPUTY);
    expect(incident()).toMatchObject({
      hodId: DEPUTY,
      irmId: DEPUTY,
      restricted: true,
      accessIds: [DEPUTY],
      concerns: ['own_head'],
    });
    expect(world.dmsTo(PEOPLE.hodFinance)).toEqual([]);
    expect(String(world.dmsTo(DEPUTY).at(-1)?.args.text)).toContain('you are its Incident Response Manager');
    // Without a deputy, the SIRO.
    await world.stop();
    await reported(PEOPLE.staff, { concerns: 'own_head' });
    expect(incident()).toMatchObject({ hodId: null, irmId: PEOPLE.siro, restricted: true, accessIds: null });
    expect(world.dmsTo(PEOPLE.hodFinance)).toEqual([]);
  });
});

describe('the Information Asset Owner is told (seed 003 §3.7), and the Director kept informed (seed 000 Rep.2)', () => {
  it('DMs the asset owner the report names: reference and category, no details', async () => {
    await reported(PEOPLE.staff, {
      assetOwnerId: 'UASSET',
      description: 'Payroll spreadsheet on the laptop',
    });
    const [dm, ...more] = world.dmsTo('UASSET');
    expect(more).toEqual([]);
    expect(String(dm?.args.text)).toBe(`${REF}: a report names you as the Information Asset Owner`);
    const shown = JSON.stringify(dm?.args.blocks);
    expect(shown).toContain(`*${REF}* (Lost or stolen device, media or papers (Information leakage))`);
    expect(shown).not.toContain('Payroll');
    expect(shown).not.toContain('Laptop left on a train');
  });

  it('sends the head of department’s status updates to the Managing Director in the digest, once each', async () => {
    await reported(PEOPLE.staff);
    await world.act(PEOPLE.siro, REF, CARD_ACTIONS.triage, {
      severity: 'medium',
      priority: 'P3',
      rationale: 'Lost',
    });
    // The head of department (the IRM) posts from their DM; a responder posts on the card.
    await world.act(PEOPLE.hodFinance, REF, CARD_ACTIONS.postUpdate, { text: 'Laptop wiped; police told' });
    await world.act(PEOPLE.responder, REF, CARD_ACTIONS.postUpdate, { text: 'Checked the VPN logs' });
    world.clock.set('2026-03-10T10:00:00Z');
    await world.vigil.scheduler.tick();
    await world.vigil.outbox.drain();
    const digests = () =>
      world.dmsTo(PEOPLE.md).filter((c) => /needs? your attention/.test(String(c.args.text)));
    expect(digests()).toHaveLength(1);
    const shown = JSON.stringify(digests()[0]?.args.blocks);
    expect(shown).toContain(
      `update from the head of department <@${PEOPLE.hodFinance}>: Laptop wiped; police told`,
    );
    expect(shown).not.toContain('VPN logs');
    // News asks nothing: no buttons.
    expect(controls(digests()[0]?.args.blocks)).toEqual([]);
    world.clock.set('2026-03-11T10:00:00Z');
    await world.vigil.scheduler.tick();
    await world.vigil.outbox.drain();
    expect(digests()).toHaveLength(1);
  });
});

describe('work allocated to a team (seed 003 §5.5)', () => {
  async function teamAction() {
    await reported(PEOPLE.staff);
    world.fake.addUserGroup({
      id: 'SITOPS',
      handle: 'it-ops',
      name: 'IT operations',
      users: [PEOPLE.staff2, 'UOPS2'],
    });
    world.fake.addUserGroup({ id: 'SEMPTY', handle: 'nobody', users: [] });
    await world.click(PEOPLE.responder, world.card(REF), CARD_ACTIONS.addAction);
    return world.lastModal(PEOPLE.responder);
  }

  it('gives an action to a user group: each member is told, and any of them settles it', async () => {
    const form = await teamAction();
    const empty = await world.submitForm(PEOPLE.responder, form, {
      kind: 'corrective',
      description: 'Reimage the laptop',
      ownerKind: 'team',
      ownerGroupId: 'SEMPTY',
    });
    expect(empty.body?.errors).toEqual({
      ownerGroupId: 'That team has no members to do it: choose a person, or another team.',
    });
    const res = await world.submitForm(PEOPLE.responder, form, {
      kind: 'corrective',
      description: 'Reimage the laptop',
      ownerKind: 'team',
      ownerGroupId: 'SITOPS',
    });
    expect(res.body).toBeNull();
    await world.vigil.outbox.drain();
    const action = world.db.select().from(actions).get();
    expect(action).toMatchObject({
      ownerId: 'SITOPS',
      ownerGroupName: 'it-ops',
      ownerMembers: [PEOPLE.staff2, 'UOPS2'],
    });
    // Each member is asked, with the buttons; the card and thread name the team without pinging it.
    for (const member of [PEOPLE.staff2, 'UOPS2']) {
      const dm = world.dmsTo(member).at(-1);
      expect(controls(dm?.args.blocks), member).toEqual([
        DUTY_ACTIONS.actionDone,
        DUTY_ACTIONS.actionNotDoing,
      ]);
      expect(JSON.stringify(dm?.args.blocks)).toContain('Any member of the team may settle it.');
    }
    expect(JSON.stringify(world.card(REF).blocks)).toContain('the team @it-ops');
    expect(world.fake.messages(SECURITY_CHANNEL).some((m) => (m.text ?? '').includes('subteam'))).toBe(false);
    const home = await world.openHome('UOPS2');
    expect(JSON.stringify(home.blocks)).toContain('Reimage the laptop');

    // One member does it: the action is done, and the other member's message says by whom.
    await world.clickWhereSeen('UOPS2', REF, DUTY_ACTIONS.actionDone, { value: String(action?.id) });
    expect(world.db.select().from(actions).get()?.status).toBe('done');
    const other = world.dmsTo(PEOPLE.staff2).find((c) => String(c.args.text).includes('an action'));
    const now = world.fake.message(
      PEOPLE.staff2,
      String((other?.response as { ts?: string } | undefined)?.ts),
    );
    expect(JSON.stringify(now?.blocks)).toContain('marked done by <@UOPS2>');
    expect(controls(now?.blocks)).toEqual([]);
  });

  it('lets only the team’s members (and the IRM and SIRO) settle the team’s action', async () => {
    const form = await teamAction();
    await world.submitForm(PEOPLE.responder, form, {
      kind: 'preventive',
      description: 'Encrypt the laptops',
      ownerKind: 'team',
      ownerGroupId: 'SITOPS',
    });
    await world.vigil.outbox.drain();
    const post = world.fake
      .messages(SECURITY_CHANNEL)
      .find(
        (m) =>
          m.thread_ts && m.thread_ts !== m.ts && controls(m.blocks).includes(DUTY_ACTIONS.actionNotDoing),
      );
    const byResponder = await world.people
      .as(PEOPLE.responder)
      .click({ channel: SECURITY_CHANNEL, ts: post?.ts ?? '' }, DUTY_ACTIONS.actionNotDoing);
    await world.settled();
    expect(byResponder.replies()).toEqual([
      `Only the action's owner, the IRM or the SIRO may update actions on ${REF}.`,
    ]);
    // A member's "won't do" is the team's proposal: the IRM decides, not another member.
    await world.clickWhereSeen(PEOPLE.staff2, REF, DUTY_ACTIONS.actionNotDoing);
    await world.submitForm(PEOPLE.staff2, world.lastModal(PEOPLE.staff2), { reason: 'No budget' });
    await world.vigil.outbox.drain();
    expect(world.db.select().from(actions).get()?.status).toBe('not_doing_proposed');
    expect(texts(PEOPLE.hodFinance).some((t) => t.includes('*not doing*'))).toBe(true);
  });
});
