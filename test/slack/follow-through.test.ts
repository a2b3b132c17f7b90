import { asc, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { CARD_ACTIONS, DUTY_ACTIONS } from '../../blocks/card-ids';
import { actions, incidentEvents, reviews } from '../../db/schema';
import { approveClosure, peerReview, reopenIncident } from '../../src/domain/closure';
import { actorFor } from '../../src/domain/roles';
import type { Answer } from '../../src/local-slack/fill-view';
import { createWorld, PEOPLE, SECURITY_CHANNEL, storedIncident, type World } from '../helpers/world';

let world: World;
afterEach(async () => {
  await world?.stop();
});

const REF = 'INC-2026-0001';
const incident = () => storedIncident(world, REF);
const dmsTo = (user: string) => world.dmsTo(user);
const act = (user: string, actionId: string, answers?: Record<string, Answer>) =>
  world.act(user, REF, actionId, answers);

async function resolvedIncident(severity = 'medium', report: Record<string, Answer> = {}) {
  world = await createWorld();
  await world.report(PEOPLE.staff, report);
  await world.vigil.outbox.drain();
  await act(PEOPLE.siro, CARD_ACTIONS.triage, { severity, priority: 'P3', rationale: 'Lost laptop' });
  await act(PEOPLE.hodFinance, CARD_ACTIONS.startResolution);
  expect(incident().status).toBe('resolving');
  await act(PEOPLE.hodFinance, CARD_ACTIONS.resolve, { how: 'Laptop wiped remotely; passwords reset' });
  expect(incident().status).toBe('resolved');
}

/** A Low incident, reviewed and put forward for closure with "no action" by the SIRO. */
async function lowIncidentInReview() {
  await resolvedIncident('low');
  await act(PEOPLE.siro, CARD_ACTIONS.learning, {
    recurrenceRisk: 'no',
    reasoning: 'x',
    vulnerabilities: 'y',
    noChangeReason: 'z',
  });
  await act(PEOPLE.siro, CARD_ACTIONS.closure, { noAction: 'yes', justification: 'Minor' });
}

const ANALYSIS = {
  rootCause: 'No disk encryption policy for Finance',
  technicalMeasures: 'BitLocker on all laptops',
  costAndResources: '2 days of IT time',
};
const LEARNING = { recurrenceRisk: 'no', reasoning: 'x', vulnerabilities: 'y', noChangeReason: 'z' };

/** Analysis approved, reviewed, put forward, peer-reviewed and approved by the CIO. */
async function closeWithAnalysis() {
  await act(PEOPLE.hodFinance, CARD_ACTIONS.analysis, ANALYSIS);
  await act(PEOPLE.siro, CARD_ACTIONS.analysisReview, { decision: 'approved' });
  await act(PEOPLE.siro, CARD_ACTIONS.learning, LEARNING);
  expect((await act(PEOPLE.hodFinance, CARD_ACTIONS.closure, {})).errors).toBeNull();
  await act(PEOPLE.responder, CARD_ACTIONS.peerReview, { decision: 'approved' });
  await act(PEOPLE.cio, DUTY_ACTIONS.approveClosure);
  expect(incident().status).toBe('closed');
}

/** What an attacker, or a person who cannot see the card, would have to forge: a click on it, then the form. */
async function forgedForm(user: string, actionId: string, answers: Record<string, Answer>) {
  const click = await world.forgeClick(user, world.card(REF), actionId);
  if (click.replies.length > 0) return { refused: click.replies[0], errors: null };
  const res = await world.submitForm(user, world.lastModal(user), answers);
  await world.vigil.outbox.drain();
  return { refused: null, errors: (res.body?.errors as Record<string, string> | undefined) ?? null };
}

const reporterDms = () => dmsTo(PEOPLE.staff).map((c) => String(c.args.text));

describe('from restored to closed', () => {
  it('drives an incident from report to closed in Slack, every seed step in the audit trail', async () => {
    await resolvedIncident();
    // The HOD (here also the IRM by default) is asked for the causal analysis.
    expect(JSON.stringify(dmsTo(PEOPLE.hodFinance).map((c) => c.args))).toContain('causal analysis');

    const action = await act(PEOPLE.responder, CARD_ACTIONS.addAction, {
      kind: 'preventive',
      description: 'Encrypt Finance laptops',
      ownerId: PEOPLE.staff2,
      dueAt: '2026-03-20',
    });
    expect(action.refused).toBeNull();

    const analysis = await act(PEOPLE.hodFinance, CARD_ACTIONS.analysis, {
      rootCause: 'No disk encryption policy for Finance',
      technicalMeasures: 'BitLocker on all laptops',
      costAndResources: '2 days of IT time',
    });
    expect(analysis.errors).toBeNull();
    // The HOD is also the IRM: they may not approve their own analysis; the SIRO does. Nothing
    // offers it to them (the SIRO is asked); forged, it is refused.
    expect(await world.findControl(PEOPLE.hodFinance, REF, CARD_ACTIONS.analysisReview)).toBeUndefined();
    const selfApproval = await forgedForm(PEOPLE.hodFinance, CARD_ACTIONS.analysisReview, {
      decision: 'approved',
    });
    expect(selfApproval.errors).toEqual({
      decision: 'You submitted this analysis: the SIRO, or another IRM, must review it.',
    });
    await act(PEOPLE.siro, CARD_ACTIONS.analysisReview, {
      decision: 'returned',
      comment: 'Add the cost of licences',
    });
    expect(JSON.stringify(dmsTo(PEOPLE.hodFinance).at(-1)?.args)).toContain('sent back');
    await act(PEOPLE.hodFinance, CARD_ACTIONS.analysis, {
      rootCause: 'No disk encryption policy for Finance',
      technicalMeasures: 'BitLocker on all laptops',
      administrativeMeasures: 'Encryption added to the laptop issue checklist',
      costAndResources: '2 days of IT time and 40 licences',
    });
    await act(PEOPLE.siro, CARD_ACTIONS.analysisReview, { decision: 'approved' });
    const rounds = world.db.select().from(reviews).where(eq(reviews.type, 'causal_analysis')).all();
    expect(rounds.map((r) => [r.round, r.decision])).toEqual([
      [1, 'returned'],
      [2, 'approved'],
    ]);

    await act(PEOPLE.siro, CARD_ACTIONS.learning, {
      recurrenceRisk: 'yes',
      reasoning: 'Other departments have the same laptops',
      vulnerabilities: 'Unencrypted disks across the estate',
      riskRegisterRef: 'RR-42',
    });

    // The action is still open and the plan not agreed: closure is refused with what is missing.
    const early = await forgedForm(PEOPLE.hodFinance, CARD_ACTIONS.closure, {});
    expect(early.refused).toBe(
      `${REF} cannot be put forward for closure yet:\n• The SIRO has not agreed the action plan (seed 003 §4.3).\n• 1 action is still open.`,
    );
    // The SIRO agrees it from the DM that asks for it (seed 003 §4.3).
    expect((await act(PEOPLE.siro, DUTY_ACTIONS.agreePlan, { note: 'Encryption first' })).refused).toBeNull();
    const ownerDm = dmsTo(PEOPLE.staff2).at(-1);
    expect(JSON.stringify(ownerDm?.args)).toContain('Encrypt Finance laptops');
    expect((await act(PEOPLE.staff2, DUTY_ACTIONS.actionDone)).refused).toBeNull();
    expect(world.db.select().from(actions).get()?.status).toBe('done');

    expect((await act(PEOPLE.hodFinance, CARD_ACTIONS.closure, {})).errors).toBeNull();
    expect(incident().status).toBe('in_review');

    // Four eyes: whoever asked for closure cannot peer-review it (nothing offers it to them).
    const ownReview = await forgedForm(PEOPLE.hodFinance, CARD_ACTIONS.peerReview, { decision: 'approved' });
    expect(ownReview.errors?.decision).toBe(
      'You put this forward for closure: the peer review must be done by someone else.',
    );
    const notCio = await act(PEOPLE.responder, CARD_ACTIONS.peerReview, { decision: 'approved' });
    expect(notCio.errors).toBeNull();
    const siroApproves = await act(PEOPLE.siro, DUTY_ACTIONS.approveClosure);
    expect(siroApproves.refused).toBe(`Only the CIO may approve closure on ${REF}.`);
    await act(PEOPLE.cio, DUTY_ACTIONS.approveClosure);
    expect(incident().status).toBe('closed');
    expect(incident().closedAt).not.toBeNull();

    const closedDm = dmsTo(PEOPLE.staff).at(-1);
    expect(JSON.stringify(closedDm?.args)).toContain(
      `Your report *${REF}* (“Laptop left on a train”) is closed`,
    );
    expect(JSON.stringify(closedDm?.args)).toContain('Thank you for reporting it');
    // Three things only: received, being handled, closed (issue 13 item 5), never going backwards.
    expect(dmsTo(PEOPLE.staff).map((c) => String(c.args.text))).toEqual([
      `Thank you: your report ${REF} is with the security team.`,
      `Your report ${REF} (“Laptop left on a train”) is being handled: the security team is working on it. I will tell you here when it is closed.`,
      `Your report ${REF} (“Laptop left on a train”) is closed: the team has dealt with it. Thank you for reporting it: reports like yours are how we keep information safe.`,
    ]);
    expect(JSON.stringify(closedDm?.args)).not.toContain('laptop');

    const types = world.db
      .select({ t: incidentEvents.type })
      .from(incidentEvents)
      .orderBy(asc(incidentEvents.id))
      .all()
      .map((e) => e.t);
    expect(types).toEqual([
      'reported',
      'triaged',
      'resolution_started',
      'resolved',
      'action_added',
      'causal_analysis_submitted',
      'causal_analysis_returned',
      'causal_analysis_submitted',
      'causal_analysis_approved',
      'learning_review',
      'action_plan_agreed',
      'action_done',
      'closure_requested',
      'peer_review_approved',
      'closed',
    ]);
    const card = JSON.stringify(world.card(REF).blocks);
    expect(card).toContain(':lock: *Closed* by');
    expect(card).toContain('card_reopen');
  });

  it('stops counting down once operations are restored: a resolved incident is not "past its target"', async () => {
    await resolvedIncident('critical'); // 24 hours
    world.clock.advance(48 * 3_600_000);
    await act(PEOPLE.responder, CARD_ACTIONS.postUpdate, { text: 'Waiting for the analysis' });
    const card = JSON.stringify(world.card(REF).blocks);
    expect(card).toContain('*Target resolution:*');
    expect(card).not.toContain('Past its target resolution time');
    expect(card).not.toContain('*overdue*');
  });

  it('lists every gap when closure is asked for too early', async () => {
    await resolvedIncident();
    const res = await act(PEOPLE.siro, CARD_ACTIONS.closure, {});
    expect(res.refused).toBe(
      `${REF} cannot be put forward for closure yet:\n• The causal analysis and preventive plan have not been submitted.\n• The recurrence and risk-register review is missing.\n• The SIRO has not agreed the action plan (seed 003 §4.3).`,
    );
    expect(incident().status).toBe('resolved');
  });

  it('lets a Low incident close with "no action" and a recorded justification', async () => {
    await resolvedIncident('low');
    await act(PEOPLE.siro, CARD_ACTIONS.learning, {
      recurrenceRisk: 'no',
      reasoning: 'One-off',
      vulnerabilities: 'None found',
      noChangeReason: 'Risk already accepted',
    });
    const missing = await act(PEOPLE.siro, CARD_ACTIONS.closure, { noAction: 'yes' });
    expect(missing.errors?.justification).toBe(
      'Closing with "no action" needs a recorded justification (seed 003 §5.5).',
    );
    await act(PEOPLE.siro, CARD_ACTIONS.closure, {
      noAction: 'yes',
      justification: 'Cost outweighs the impact',
    });
    await act(PEOPLE.responder, CARD_ACTIONS.peerReview, { decision: 'approved' });
    await act(PEOPLE.cio, DUTY_ACTIONS.approveClosure);
    expect(incident()).toMatchObject({ status: 'closed', closureJustification: 'Cost outweighs the impact' });
  });

  it('refuses "no action" for anything but Low severity', async () => {
    await resolvedIncident('high');
    await act(PEOPLE.siro, CARD_ACTIONS.learning, {
      recurrenceRisk: 'no',
      reasoning: 'x',
      vulnerabilities: 'y',
      noChangeReason: 'z',
    });
    // The High form offers no "no action" choice at all.
    await world.click(PEOPLE.siro, world.card(REF), CARD_ACTIONS.closure);
    expect(JSON.stringify(world.lastModal(PEOPLE.siro).view.blocks)).not.toContain('noAction');
  });

  it('reopens a closed incident with a reason, and the reporter hears of it', async () => {
    await lowIncidentInReview();
    await act(PEOPLE.responder, CARD_ACTIONS.peerReview, { decision: 'approved' });
    await act(PEOPLE.cio, DUTY_ACTIONS.approveClosure);
    const refused = await forgedForm(PEOPLE.staff2, CARD_ACTIONS.reopen, { reason: 'x' });
    expect(refused.refused).toMatch(
      /^Only the SIRO, the CIO or the incident's Incident Response Manager may/,
    );
    await act(PEOPLE.siro, CARD_ACTIONS.reopen, { reason: 'The laptop turned up at a pawn shop' });
    expect(incident()).toMatchObject({ status: 'resolving', closedAt: null });
    expect(JSON.stringify(dmsTo(PEOPLE.staff).at(-1)?.args)).toContain(
      'has been reopened and is being handled again',
    );
    expect(
      world.fake
        .messages(SECURITY_CHANNEL)
        .some((m) => m.text?.includes('reopened this: The laptop turned up')),
    ).toBe(true);
  });

  it('refuses a causal analysis without a permanent preventive measure (seed 000 §4.1)', async () => {
    await resolvedIncident();
    const res = await act(PEOPLE.hodFinance, CARD_ACTIONS.analysis, {
      rootCause: 'No disk encryption policy',
      costAndResources: 'None',
    });
    expect(res.errors).toEqual({
      technicalMeasures:
        'Please give at least one permanent preventive measure, technical or administrative.',
    });
    expect(world.db.select().from(reviews).all()).toEqual([]);
  });

  it('refuses closure while the analysis waits for approval and a notification is unrecorded', async () => {
    await resolvedIncident('medium', { personalData: 'yes' });
    await act(PEOPLE.hodFinance, CARD_ACTIONS.analysis, ANALYSIS);
    await act(PEOPLE.siro, CARD_ACTIONS.learning, LEARNING);
    const res = await act(PEOPLE.siro, CARD_ACTIONS.closure, {});
    expect(res.refused).toBe(
      `${REF} cannot be put forward for closure yet:\n• The causal analysis is waiting for the IRM’s approval.\n• The SIRO has not agreed the action plan (seed 003 §4.3).\n• The regulator notification is not recorded.`,
    );
    expect(incident().status).toBe('resolved');
    expect(JSON.stringify(world.card(REF).blocks)).toContain('The regulator notification is not recorded.');
  });

  it('refuses "no action" above Low on the server, even from a form opened while it was Low', async () => {
    await resolvedIncident('low');
    await act(PEOPLE.siro, CARD_ACTIONS.learning, LEARNING);
    await world.click(PEOPLE.siro, world.card(REF), CARD_ACTIONS.closure);
    const form = world.lastModal(PEOPLE.siro);
    expect(JSON.stringify(form.view.blocks)).toContain('noAction');
    await world.click(PEOPLE.siro, world.card(REF), CARD_ACTIONS.severity);
    await world.submitForm(PEOPLE.siro, world.lastModal(PEOPLE.siro), {
      severity: 'high',
      reason: 'Customer data found on it',
    });
    expect(incident().severity).toBe('high');
    const res = await world.submitForm(PEOPLE.siro, form, { noAction: 'yes', justification: 'Minor' });
    expect(res.body?.errors).toEqual({
      justification: `${REF} cannot close yet:\n• Only a Low-severity incident may close with "no action".`,
    });
    expect(incident()).toMatchObject({ status: 'resolved', closureJustification: null });
  });

  it('four eyes that cannot deadlock (seed 003 §5.11): the only CIO is not the peer reviewer', async () => {
    await resolvedIncident('low');
    await act(PEOPLE.siro, CARD_ACTIONS.learning, LEARNING);
    // Naming the only CIO for the peer review is refused on the question: nobody could approve after.
    const named = await act(PEOPLE.siro, CARD_ACTIONS.closure, {
      noAction: 'yes',
      justification: 'Minor',
      reviewerId: PEOPLE.cio,
    });
    expect(named.errors).toEqual({
      reviewerId:
        'They are the only CIO, and closure needs a CIO who did not do the peer review: choose someone else; they approve closure after it.',
    });
    expect(incident().status).toBe('resolved');
    // Asked of the team instead, the CIO may not pass the peer review either: told why, nothing changes.
    await act(PEOPLE.siro, CARD_ACTIONS.closure, { noAction: 'yes', justification: 'Minor' });
    expect(incident().status).toBe('in_review');
    const own = await forgedForm(PEOPLE.cio, CARD_ACTIONS.peerReview, { decision: 'approved' });
    expect(own.errors?.decision).toBe(
      'You are the only CIO, and closure needs a CIO who did not do the peer review: if you did it, nobody could approve the closure. Leave the peer review to someone else; you approve closure after it.',
    );
    expect(world.db.select().from(reviews).where(eq(reviews.type, 'closure_approval')).all()).toEqual([]);
    // Someone else reviews it; the CIO approves.
    await act(PEOPLE.responder, CARD_ACTIONS.peerReview, { decision: 'approved' });
    await act(PEOPLE.cio, DUTY_ACTIONS.approveClosure);
    expect(incident().status).toBe('closed');
  });

  it('with two CIOs, the one who did the peer review may not approve and the other is asked (seed 003 §5.11)', async () => {
    world = await createWorld({ env: { CIO_USER_IDS: `${PEOPLE.cio},UCIO2` } });
    await world.report(PEOPLE.staff);
    await world.vigil.outbox.drain();
    await act(PEOPLE.siro, CARD_ACTIONS.triage, { severity: 'low', priority: 'P4', rationale: 'Minor' });
    await act(PEOPLE.hodFinance, CARD_ACTIONS.resolve, { how: 'Found it' });
    await act(PEOPLE.siro, CARD_ACTIONS.learning, LEARNING);
    await act(PEOPLE.siro, CARD_ACTIONS.closure, {
      noAction: 'yes',
      justification: 'Minor',
      reviewerId: PEOPLE.cio,
    });
    expect((await act(PEOPLE.cio, CARD_ACTIONS.peerReview, { decision: 'approved' })).errors).toBeNull();
    expect(await world.findControl(PEOPLE.cio, REF, DUTY_ACTIONS.approveClosure)).toBeUndefined();
    const own = await world.forgeClick(PEOPLE.cio, world.card(REF), DUTY_ACTIONS.approveClosure);
    expect(own.replies).toEqual(['You did the peer review: closure must be approved by another CIO.']);
    expect(incident().status).toBe('in_review');
    expect((await act('UCIO2', DUTY_ACTIONS.approveClosure)).refused).toBeNull();
    expect(incident().status).toBe('closed');
  });

  it('never leaves a closure that the only CIO peer-reviewed (before this was refused) at a dead end', async () => {
    await resolvedIncident('low');
    await act(PEOPLE.siro, CARD_ACTIONS.learning, LEARNING);
    await act(PEOPLE.siro, CARD_ACTIONS.closure, { noAction: 'yes', justification: 'Minor' });
    // Kept from a register where the only CIO did the peer review: made here with a second CIO.
    const twoCios = { ...world.config, roles: { ...world.config.roles, cio: [PEOPLE.cio, 'UCIO2'] } };
    peerReview(
      { db: world.db, clock: world.clock, config: twoCios },
      actorFor(world.config, PEOPLE.cio, false),
      { incidentId: incident().id },
      { decision: 'approved', comment: null },
    );
    await act(PEOPLE.siro, CARD_ACTIONS.postUpdate, { text: 'Waiting for the CIO' });
    // The CIO is asked, and offered what they can do: send it back, for someone else's review.
    const dm = dmsTo(PEOPLE.cio).at(-1);
    expect(JSON.stringify(dm?.args)).toContain('you are the only CIO: please send it back');
    const refused = await world.forgeClick(PEOPLE.cio, world.card(REF), DUTY_ACTIONS.approveClosure);
    expect(refused.replies).toEqual([
      'You did the peer review and you are the only CIO, so you cannot also approve: send it back, and it can be put forward again for a peer review by someone else.',
    ]);
    const back = await act(PEOPLE.cio, CARD_ACTIONS.approval, {
      decision: 'returned',
      comment: 'Needs another reviewer',
    });
    expect(back.errors).toBeNull();
    expect(incident().status).toBe('resolved');
  });

  it('refuses to reopen without a reason', async () => {
    await lowIncidentInReview();
    await act(PEOPLE.responder, CARD_ACTIONS.peerReview, { decision: 'approved' });
    await act(PEOPLE.cio, DUTY_ACTIONS.approveClosure);
    const res = await act(PEOPLE.siro, CARD_ACTIONS.reopen, { reason: '   ' });
    expect(res.errors).toEqual({ reason: 'Please give the reason.' });
    expect(incident().status).toBe('closed');
  });

  it('reopening resets the target time and asks for a new analysis round and review before closing again', async () => {
    await resolvedIncident('low');
    await closeWithAnalysis();
    world.clock.set('2026-03-12T15:00:00Z');
    await act(PEOPLE.siro, CARD_ACTIONS.reopen, { reason: 'The same laptop model failed again' });
    // Low: 720 hours, now counted from the reopening.
    expect(incident()).toMatchObject({ status: 'resolving', closedAt: null, resolvedAt: null });
    expect(incident().targetResolutionAt?.toISOString()).toBe('2026-04-11T15:00:00.000Z');
    const reopened = world.db.select().from(incidentEvents).where(eq(incidentEvents.type, 'reopened')).get();
    expect(reopened?.before?.reviews).toEqual([
      expect.objectContaining({
        review: 'causal_analysis',
        round: 1,
        decision: 'approved',
        decidedBy: PEOPLE.siro,
      }),
      expect.objectContaining({ review: 'learning', decision: 'approved' }),
    ]);
    expect(reopened?.after?.reviews).toEqual([
      expect.objectContaining({
        review: 'causal_analysis',
        round: 1,
        decision: 'returned',
        decidedBy: PEOPLE.siro,
      }),
      expect.objectContaining({ review: 'learning', decision: 'returned' }),
    ]);

    // The IRM (the head of department) is asked to resolve it again, told why.
    expect(JSON.stringify(dmsTo(PEOPLE.hodFinance).at(-1)?.args)).toContain(
      'The same laptop model failed again',
    );
    await act(PEOPLE.hodFinance, CARD_ACTIONS.resolve, { how: 'Replaced the laptop' });
    const early = await act(PEOPLE.siro, CARD_ACTIONS.closure, {});
    expect(early.refused).toBe(
      `${REF} cannot be put forward for closure yet:\n• The causal analysis (round 1) was sent back: a revised round is needed.\n• The recurrence and risk-register review must be done again since the reopening.`,
    );
    const card = JSON.stringify(world.card(REF).blocks);
    expect(card).toContain(CARD_ACTIONS.analysis);
    expect(card).toContain(CARD_ACTIONS.learning);

    await closeWithAnalysis();
    const rounds = world.db.select().from(reviews).where(eq(reviews.type, 'causal_analysis')).all();
    expect(rounds.map((r) => [r.round, r.decision])).toEqual([
      [1, 'returned'],
      [2, 'approved'],
    ]);
  });

  it('tells the reporter of the closure and the reopening even when Slack delivers them late', async () => {
    await lowIncidentInReview();
    await act(PEOPLE.responder, CARD_ACTIONS.peerReview, { decision: 'approved' });
    const before = reporterDms().length;
    // Closed and reopened before the outbox delivers anything (no await between the two).
    const ctx = { db: world.db, clock: world.clock, config: world.config };
    const target = { incidentId: incident().id };
    approveClosure(ctx, actorFor(world.config, PEOPLE.cio, false), target, {
      decision: 'approved',
      comment: null,
    });
    reopenIncident(
      ctx,
      actorFor(world.config, PEOPLE.siro, true),
      target,
      'The laptop turned up at a pawn shop',
    );
    expect(incident().status).toBe('resolving');
    await world.vigil.outbox.drain();
    expect(reporterDms().slice(before)).toEqual([
      `Your report ${REF} (“Laptop left on a train”) is closed: the team has dealt with it. Thank you for reporting it: reports like yours are how we keep information safe.`,
      `Your report ${REF} (“Laptop left on a train”) has been reopened and is being handled again. I will tell you here when it is closed.`,
    ]);
  });

  it('lets an action owner decline an action from their DM, with the reason', async () => {
    await resolvedIncident();
    await act(PEOPLE.responder, CARD_ACTIONS.addAction, {
      kind: 'corrective',
      description: 'Recall the laptop from the leasing company',
      ownerId: PEOPLE.staff2,
    });
    const ownerDm = dmsTo(PEOPLE.staff2).at(-1);
    const dm = { channel: PEOPLE.staff2, ts: String((ownerDm?.response as { ts: string } | undefined)?.ts) };
    // The DM as the owner first saw it: its buttons are pressed again after it was answered.
    const asShown = world.fake.message(dm.channel, dm.ts)?.blocks ?? [];
    const press = async () => {
      const sent = await world.people.as(PEOPLE.staff2).click(dm, DUTY_ACTIONS.actionNotDoing, { asShown });
      await world.settled();
      return sent.replies();
    };
    await press();
    expect([...world.fake.views.values()].filter((v) => v.userId === PEOPLE.staff2)).toHaveLength(1);
    const form = world.lastModal(PEOPLE.staff2);
    const empty = await world.submitForm(PEOPLE.staff2, form, { reason: '' });
    expect(empty.body?.errors).toEqual({ reason: 'Please give the reason.' });
    await world.submitForm(PEOPLE.staff2, form, { reason: 'The lease ended last year; nothing to recall' });
    await world.vigil.outbox.drain();
    // The owner alone cannot drop it: a proposal the IRM or SIRO accepts or keeps open.
    expect(world.db.select().from(actions).get()).toMatchObject({
      status: 'not_doing_proposed',
      statusReason: 'The lease ended last year; nothing to recall',
    });
    expect(
      world.fake
        .messages(SECURITY_CHANNEL)
        .some((m) => m.text?.includes(`<@${PEOPLE.staff2}> proposes not doing the action`)),
    ).toBe(true);
    // Their DM now says so, its buttons gone; pressed on the copy they had, it answers what happened.
    expect(JSON.stringify(world.fake.message(dm.channel, dm.ts)?.blocks)).toContain(
      'proposed as not being done by you: the IRM or SIRO decides',
    );
    expect(JSON.stringify(world.fake.message(dm.channel, dm.ts)?.blocks)).not.toContain('"type":"actions"');
    expect(await press()).toEqual([
      expect.stringContaining('Nothing to do here any more: proposed as not being done by you'),
    ]);
  });

  it('sends the closure back to resolved when the peer reviewer disagrees', async () => {
    await lowIncidentInReview();
    const noComment = await act(PEOPLE.responder, CARD_ACTIONS.peerReview, { decision: 'returned' });
    expect(noComment.errors).toEqual({ comment: 'Please say what needs to change.' });
    expect(incident().closureJustification).toBe('Minor');
    await act(PEOPLE.responder, CARD_ACTIONS.peerReview, {
      decision: 'returned',
      comment: 'Add the police report',
    });
    // The request is withdrawn with its "no action" justification; a new one is judged afresh.
    expect(incident()).toMatchObject({ status: 'resolved', closureJustification: null });
    const card = JSON.stringify(world.card(REF).blocks);
    expect(card).toContain(CARD_ACTIONS.closure);
  });
});
