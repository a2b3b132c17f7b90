/**
 * The steps between an incident and its closure that the procedure names and Vigil did not yet
 * ask for: preventive measures implemented when the risk of recurrence is real (seed 000 Rep.4,
 * 003 §5.10–5.11), the SIRO's agreement of the action plan (003 §4.3), and a record closed at
 * triage brought back for a new decision (003 §5.3, §5.11).
 */
import { asc, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { CARD_ACTIONS, DUTY_ACTIONS } from '../../blocks/card-ids';
import { actions, incidentEvents, incidents, notifications, reviews } from '../../db/schema';
import { setActionStatus } from '../../src/domain/action-status';
import { reopenIncident } from '../../src/domain/closure';
import { transitionRefusal } from '../../src/domain/lifecycle';
import { retriageIncident } from '../../src/domain/retriage';
import { actorFor } from '../../src/domain/roles';
import type { Answer } from '../../src/local-slack/fill-view';
import { controlsOf } from '../../src/local-slack/people';
import {
  createWorld,
  PEOPLE,
  SECURITY_CHANNEL,
  storedIncident,
  testClock,
  type World,
} from '../helpers/world';

let world: World;
afterEach(async () => {
  await world?.stop();
});

const REF = 'INC-2026-0001';
const incident = () => storedIncident(world, REF);
const act = (user: string, actionId: string, answers?: Record<string, Answer>) =>
  world.act(user, REF, actionId, answers);
const events = () =>
  world.db
    .select()
    .from(incidentEvents)
    .where(eq(incidentEvents.incidentId, incident().id))
    .orderBy(asc(incidentEvents.id))
    .all();
const lastDm = (user: string) => world.dmsTo(user).at(-1);
const ctxOf = () => ({ db: world.db, clock: world.clock, config: world.config });
const controls = (blocks: unknown) => controlsOf((blocks ?? []) as unknown[]).map((c) => c.element.action_id);

const ANALYSIS = {
  rootCause: 'Laptops issued without disk encryption',
  technicalMeasures: 'BitLocker on every laptop',
  costAndResources: 'Two days of IT time',
};

/** Reported from Finance, triaged at `severity`, restored, its analysis approved by the SIRO. */
async function analysed(severity: string, report: Record<string, Answer> = {}) {
  world = await createWorld();
  await world.report(PEOPLE.staff, report);
  await world.vigil.outbox.drain();
  await act(PEOPLE.siro, CARD_ACTIONS.triage, { severity, priority: 'P3', rationale: 'Lost laptop' });
  await act(PEOPLE.hodFinance, CARD_ACTIONS.resolve, { how: 'Wiped remotely' });
  await act(PEOPLE.hodFinance, CARD_ACTIONS.analysis, ANALYSIS);
  await act(PEOPLE.siro, CARD_ACTIONS.analysisReview, { decision: 'approved' });
}

const learning = (recurrenceRisk: 'yes' | 'no') => ({
  recurrenceRisk,
  reasoning: recurrenceRisk === 'yes' ? 'Every Finance laptop is the same' : 'One-off',
  vulnerabilities: 'Unencrypted disks',
  riskRegisterRef: 'RR-9',
});

describe('preventive measures implemented, not only written (seed 000 Rep.4, 003 §5.10–5.11)', () => {
  it('refuses closure when the review finds a real risk of recurrence until a preventive action is done', async () => {
    await analysed('low');
    await act(PEOPLE.siro, CARD_ACTIONS.learning, learning('yes'));
    // No action at all: closure is refused with the reason, and the IRM is asked for a preventive action.
    const refused = await act(PEOPLE.siro, CARD_ACTIONS.closure, {});
    expect(refused.errors?.justification).toBe(
      `${REF} cannot close yet:\n• The review found a real risk of recurrence: at least one preventive action is needed, and done (seed 003 §5.10–5.11).`,
    );
    const asked = lastDm(PEOPLE.hodFinance);
    expect(String(asked?.args.text)).toBe(`${REF}: Waiting on you: a preventive action is needed`);
    expect(controls(asked?.args.blocks)).toEqual([CARD_ACTIONS.addAction]);
    expect(JSON.stringify(world.card(REF).blocks)).toContain('at least one preventive action is needed');

    // A corrective action does not answer it; a preventive one given to someone does, once done.
    await act(PEOPLE.hodFinance, CARD_ACTIONS.addAction, {
      kind: 'corrective',
      description: 'Recover the laptop',
      ownerId: PEOPLE.staff2,
    });
    expect(incident().status).toBe('resolved');
    await act(PEOPLE.hodFinance, CARD_ACTIONS.addAction, {
      kind: 'preventive',
      description: 'Encrypt every Finance laptop',
      ownerId: PEOPLE.staff2,
    });
    // Asked for and given: the IRM's message about it says it is settled, by whom.
    await expect
      .poll(() =>
        JSON.stringify(
          world.fake.message(PEOPLE.hodFinance, String((asked?.response as { ts?: string } | undefined)?.ts))
            ?.blocks,
        ),
      )
      .toContain('No longer waiting on you');
    const [corrective, preventive] = world.db.select().from(actions).orderBy(asc(actions.id)).all();
    await world.clickWhereSeen(PEOPLE.staff2, REF, DUTY_ACTIONS.actionDone, {
      value: String(corrective?.id),
    });
    const stillOpen = await act(PEOPLE.siro, CARD_ACTIONS.closure, {});
    expect(stillOpen.refused).toBe(
      `${REF} cannot be put forward for closure yet:\n• 1 action is still open.`,
    );
    await world.clickWhereSeen(PEOPLE.staff2, REF, DUTY_ACTIONS.actionDone, {
      value: String(preventive?.id),
    });
    expect((await act(PEOPLE.siro, CARD_ACTIONS.closure, {})).errors).toBeNull();
    expect(incident().status).toBe('in_review');
  });

  it('does not count a preventive action settled as "won’t do": one must be done', async () => {
    await analysed('low');
    await act(PEOPLE.siro, CARD_ACTIONS.learning, learning('yes'));
    await act(PEOPLE.hodFinance, CARD_ACTIONS.addAction, {
      kind: 'preventive',
      description: 'Replace every laptop',
      ownerId: PEOPLE.staff2,
    });
    const [a] = world.db.select().from(actions).all();
    // The SIRO says it will not be done: it counts at once.
    setActionStatus(
      ctxOf(),
      actorFor(world.config, PEOPLE.siro, true),
      { actionId: a?.id ?? 0 },
      'not_doing',
      'Too expensive',
    );
    await world.vigil.outbox.drain();
    expect(world.db.select().from(actions).get()?.status).toBe('not_doing');
    const refused = await act(PEOPLE.siro, CARD_ACTIONS.closure, {});
    expect(refused.errors?.justification).toBe(
      `${REF} cannot close yet:\n• The review found a real risk of recurrence, and no preventive action was done: at least one must be (seed 003 §5.10–5.11).`,
    );
  });

  it('asks for nothing more when the review finds no real risk of recurrence', async () => {
    await analysed('low');
    await act(PEOPLE.siro, CARD_ACTIONS.learning, learning('no'));
    expect((await act(PEOPLE.siro, CARD_ACTIONS.closure, {})).errors).toBeNull();
    expect(incident().status).toBe('in_review');
  });
});

describe('the SIRO agrees the resolution action plan (seed 003 §4.3)', () => {
  it('asks the SIRO by DM and in the thread once there is a plan, records the agreement and needs it for closure', async () => {
    world = await createWorld({ clock: testClock('2026-03-09T09:00:00Z') });
    await world.report(PEOPLE.staff);
    await world.vigil.outbox.drain();
    await act(PEOPLE.siro, CARD_ACTIONS.triage, {
      severity: 'medium',
      priority: 'P3',
      rationale: 'Lost laptop',
    });
    const card = () => JSON.stringify(world.card(REF).blocks);
    expect(card()).toContain('*Action plan:* not agreed by the SIRO yet');
    // No plan yet, nothing to agree: asked once the first action is added.
    const planAsks = () =>
      world
        .dmsTo(PEOPLE.siro)
        .filter((c) => String(c.args.text) === `${REF}: Waiting on you: the action plan to agree`);
    expect(planAsks()).toHaveLength(0);
    await act(PEOPLE.responder, CARD_ACTIONS.addAction, {
      kind: 'corrective',
      description: 'Revoke the laptop’s certificates',
      ownerId: PEOPLE.staff2,
    });
    expect(planAsks()).toHaveLength(1);
    expect(controls(planAsks()[0]?.args.blocks)).toEqual([DUTY_ACTIONS.agreePlan]);
    const threadPost = world.fake
      .messages(SECURITY_CHANNEL)
      .find(
        (m) => m.thread_ts && m.thread_ts !== m.ts && controls(m.blocks).includes(DUTY_ACTIONS.agreePlan),
      );
    expect(threadPost).toBeDefined();
    const home = await world.openHome(PEOPLE.siro);
    expect(JSON.stringify(home.blocks)).toContain('agree the action plan');

    // Only the SIRO may agree it: a responder pressing the thread's button is told so, nothing changes.
    const byResponder = await world.people
      .as(PEOPLE.responder)
      .click({ channel: SECURITY_CHANNEL, ts: threadPost?.ts ?? '' }, DUTY_ACTIONS.agreePlan);
    await world.settled();
    expect(byResponder.replies()).toEqual([`Only the SIRO may do that on ${REF}.`]);

    // Not agreed after two days (REMIND_PLAN_DAYS): the SIRO's reminder carries the button.
    world.clock.set('2026-03-11T10:00:00Z');
    await world.vigil.scheduler.tick();
    await world.vigil.outbox.drain();
    const digest = world
      .dmsTo(PEOPLE.siro)
      .filter((c) => /needs? your attention/.test(String(c.args.text)))
      .at(-1);
    expect(JSON.stringify(digest?.args.blocks)).toContain('the action plan waits for your agreement');
    expect(controls(digest?.args.blocks)).toContain(DUTY_ACTIONS.agreePlan);

    // The SIRO agrees from the DM: the form shows the plan; the agreement is audited with it.
    await world.clickWhereSeen(PEOPLE.siro, REF, DUTY_ACTIONS.agreePlan);
    expect(JSON.stringify(world.lastModal(PEOPLE.siro).view.blocks)).toContain(
      'Revoke the laptop’s certificates',
    );
    await world.submitForm(PEOPLE.siro, world.lastModal(PEOPLE.siro), { note: 'Certificates first' });
    await world.vigil.outbox.drain();
    const agreed = events().find((e) => e.type === 'action_plan_agreed');
    expect(agreed).toMatchObject({
      actorId: PEOPLE.siro,
      before: { actionPlan: 'not agreed' },
      after: { actionPlan: 'agreed', note: 'Certificates first' },
    });
    expect(agreed?.after?.actionIds).toHaveLength(1);
    expect(card()).toContain(':handshake: *Action plan agreed* by <@USIRO>');
    expect(
      JSON.stringify(
        world.fake.message(PEOPLE.siro, String((planAsks()[0]?.response as { ts?: string } | undefined)?.ts))
          ?.blocks,
      ),
    ).toContain('action plan agreed by you');
    expect(
      world.threadLines().some((l) => l.includes('agreed the action plan (1 action): Certificates first')),
    ).toBe(true);
    // Once is enough: a click on the thread's old copy says it is done, and by whom.
    const again = await world.people
      .as(PEOPLE.responder)
      .click({ channel: SECURITY_CHANNEL, ts: threadPost?.ts ?? '' }, DUTY_ACTIONS.agreePlan, {
        asShown: threadPost?.blocks ?? [],
      });
    await world.settled();
    expect(again.replies()).toEqual([
      expect.stringMatching(/^Nothing to do here any more: action plan agreed by <@USIRO>/),
    ]);
    expect(
      transitionRefusal(
        ctxOf(),
        actorFor(world.config, PEOPLE.siro, true),
        incident(),
        'agree_action_plan',
        null,
      ),
    ).toBe(`The action plan of ${REF} is already agreed.`);
  });

  it('leaves a Low incident’s plan to the team: no agreement asked or needed', async () => {
    await analysed('low');
    await act(PEOPLE.responder, CARD_ACTIONS.addAction, {
      kind: 'corrective',
      description: 'Recover the laptop',
      ownerId: PEOPLE.staff2,
    });
    expect(world.dmsTo(PEOPLE.siro).some((c) => String(c.args.text).includes('action plan'))).toBe(false);
    expect(JSON.stringify(world.card(REF).blocks)).not.toContain('Action plan:');
  });

  it('asks for the plan again after a reopening, as for the analysis and the review', async () => {
    const planDecisions = () =>
      world.db
        .select()
        .from(reviews)
        .where(eq(reviews.type, 'action_plan'))
        .all()
        .map((r) => r.decision);
    await analysed('high');
    await act(PEOPLE.siro, DUTY_ACTIONS.agreePlan, { note: null });
    expect(planDecisions()).toEqual(['approved']);
    reopenIncident(
      ctxOf(),
      actorFor(world.config, PEOPLE.siro, true),
      { incidentId: incident().id },
      'It happened again',
    );
    await world.vigil.outbox.drain();
    expect(planDecisions()).toEqual(['returned']);
    await act(PEOPLE.hodFinance, CARD_ACTIONS.resolve, { how: 'Wiped again' });
    expect(
      world.dmsTo(PEOPLE.siro).filter((c) => String(c.args.text).includes('the action plan to agree')),
    ).toHaveLength(2);
  });
});

describe('a record closed at triage can be triaged again (seed 003 §5.3, §5.11)', () => {
  it('brings a "not an incident" back with the reason, owes its obligations again, and asks the SIRO', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff, { personalData: 'yes' });
    await world.vigil.outbox.drain();
    await act(PEOPLE.siro, CARD_ACTIONS.triage, {
      outcome: 'not_incident',
      rationale: 'The laptop was in the office',
    });
    expect(incident()).toMatchObject({ status: 'not_incident', triageOutcome: 'not_incident' });
    const regulator = () => world.db.select().from(notifications).get();
    expect(regulator()?.status).toBe('not_required');

    // Only the SIRO: a responder's click on the card is refused, nothing changes.
    const byResponder = await world.click(PEOPLE.responder, world.card(REF), DUTY_ACTIONS.retriage);
    expect(byResponder.replies).toEqual([`Only the SIRO may do that on ${REF}.`]);
    expect(incident().status).toBe('not_incident');

    // The SIRO, with the new facts: it waits for triage again, and they are asked to triage it.
    const missing = await act(PEOPLE.siro, DUTY_ACTIONS.retriage, { reason: '  ' });
    expect(missing.errors).toEqual({ reason: 'Please say what new facts bring it back.' });
    const triageAsks = () =>
      world.dmsTo(PEOPLE.siro).filter((c) => String(c.args.text).includes('a new report to triage'));
    expect(triageAsks()).toHaveLength(1);
    const back = await act(PEOPLE.siro, DUTY_ACTIONS.retriage, {
      reason: 'A copy of the payroll file turned up online',
    });
    expect(back).toEqual({ refused: null, errors: null });
    expect(incident()).toMatchObject({
      status: 'reported',
      triageOutcome: null,
      closedAt: null,
      triagedAt: null,
    });
    const event = events().find((e) => e.type === 'retriage');
    expect(event).toMatchObject({
      actorId: PEOPLE.siro,
      before: { triageOutcome: 'not_incident', notifications: { regulator: { status: 'not_required' } } },
      after: {
        triageOutcome: null,
        reason: 'A copy of the payroll file turned up online',
        notifications: { regulator: { status: 'pending' } },
      },
    });
    // Obligations re-evaluated: the regulator deadline runs again, from awareness.
    expect(regulator()).toMatchObject({ status: 'pending', reason: null, doneBy: null });
    expect(triageAsks()).toHaveLength(2);
    expect(world.threadLines().some((l) => l.includes('brought this back for a new triage decision'))).toBe(
      true,
    );
    // The reporter hears the status, nothing more.
    expect(String(lastDm(PEOPLE.staff)?.args.text)).toBe(
      `Your report ${REF} (“Laptop left on a train”) is being looked at again. I will tell you here when it is closed.`,
    );

    // Triaged again, as an incident this time.
    await act(PEOPLE.siro, CARD_ACTIONS.triage, {
      outcome: 'incident',
      severity: 'high',
      priority: 'P2',
      rationale: 'Data is out',
    });
    expect(incident()).toMatchObject({ status: 'triaged', triageOutcome: 'incident' });
  });

  it('brings a duplicate back and forgets the record it was said to repeat', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff);
    await world.report(PEOPLE.staff2);
    await world.vigil.outbox.drain();
    const second = 'INC-2026-0002';
    await world.act(PEOPLE.siro, second, CARD_ACTIONS.triage, {
      outcome: 'duplicate',
      duplicateOf: REF,
      rationale: 'Same laptop',
    });
    const row = () => world.db.select().from(incidents).where(eq(incidents.reference, second)).get();
    expect(row()?.duplicateOfId).not.toBeNull();
    expect(
      await world.act(PEOPLE.siro, second, DUTY_ACTIONS.retriage, { reason: 'A second laptop' }),
    ).toEqual({
      refused: null,
      errors: null,
    });
    expect(row()).toMatchObject({ status: 'reported', duplicateOfId: null, triageOutcome: null });
  });

  it('offers "Triage again" only on a record closed at triage', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff);
    await world.vigil.outbox.drain();
    expect(controls(world.card(REF).blocks)).not.toContain(DUTY_ACTIONS.retriage);
    expect(() =>
      retriageIncident(
        ctxOf(),
        actorFor(world.config, PEOPLE.siro, true),
        { incidentId: incident().id },
        'x',
      ),
    ).toThrow(`${REF} is awaiting triage: only a record closed at triage can be triaged again.`);
  });
});
