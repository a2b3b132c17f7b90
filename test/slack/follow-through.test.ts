import { asc, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { CARD_ACTIONS } from '../../blocks/card-ids';
import { actions, incidentEvents, incidents, reviews } from '../../db/schema';
import { blockAction } from '../helpers/signed-requests';
import type { Answer } from '../helpers/slack-client';
import { createWorld, PEOPLE, SECURITY_CHANNEL, type World } from '../helpers/world';

let world: World;
afterEach(async () => {
  await world?.stop();
});

const REF = 'INC-2026-0001';
const incident = () => {
  const row = world.db.select().from(incidents).where(eq(incidents.reference, REF)).get();
  if (!row) throw new Error('no incident');
  return row;
};
const dmsTo = (user: string) =>
  world.fake.callsTo('chat.postMessage', { ok: true }).filter((c) => c.args.channel === user);

/** Clicks a card control as `user`; when it opens a form, fills and submits it. */
async function act(user: string, actionId: string, answers?: Record<string, Answer>) {
  const modalsBefore = world.fake.callsTo('views.open', { ok: true }).length;
  const click = await world.click(user, world.card(REF), actionId);
  if (click.replies.length > 0) return { refused: click.replies[0], errors: null };
  if (world.fake.callsTo('views.open', { ok: true }).length === modalsBefore)
    return { refused: null, errors: null };
  const res = await world.submitForm(user, world.lastModal(user), answers ?? {});
  await world.vigil.outbox.drain();
  const errors = (res.body?.errors as Record<string, string> | undefined) ?? null;
  return { refused: null, errors };
}

async function resolvedIncident(severity = 'medium') {
  world = await createWorld();
  await world.report(PEOPLE.staff);
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
    // The HOD is also the IRM: they may not approve their own analysis; the SIRO does.
    const selfApproval = await act(PEOPLE.hodFinance, CARD_ACTIONS.analysisReview, { decision: 'approved' });
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

    // The action is still open: closure is refused with what is missing.
    const early = await act(PEOPLE.hodFinance, CARD_ACTIONS.closure, {});
    expect(early.errors?.justification).toBe(`${REF} cannot close yet:\n• 1 action is still open.`);
    const [owned] = world.db.select().from(actions).all();
    const ownerDm = dmsTo(PEOPLE.staff2).at(-1);
    expect(JSON.stringify(ownerDm?.args)).toContain('Encrypt Finance laptops');
    await world.slack.interaction(
      blockAction({
        userId: PEOPLE.staff2,
        actionId: 'action_done',
        blockId: `act:${owned?.id}`,
        value: String(owned?.id),
        container: {
          type: 'message',
          channelId: 'DSTAFF2',
          messageTs: String(ownerDm?.response && (ownerDm.response as { ts: string }).ts),
        },
        triggerId: world.fake.issueTrigger(PEOPLE.staff2),
        responseUrl: world.fake.responseUrl('owner'),
      }),
    );
    await expect.poll(() => world.db.select().from(actions).get()?.status).toBe('done');

    expect((await act(PEOPLE.hodFinance, CARD_ACTIONS.closure, {})).errors).toBeNull();
    expect(incident().status).toBe('in_review');

    // Four eyes: whoever asked for closure cannot peer-review it.
    const ownReview = await act(PEOPLE.hodFinance, CARD_ACTIONS.peerReview, { decision: 'approved' });
    expect(ownReview.errors?.decision).toBe(
      'You put this forward for closure: the peer review must be done by someone else.',
    );
    const notCio = await act(PEOPLE.responder, CARD_ACTIONS.peerReview, { decision: 'approved' });
    expect(notCio.errors).toBeNull();
    const siroApproves = await act(PEOPLE.siro, CARD_ACTIONS.approval);
    expect(siroApproves.refused).toBe(`Only the CIO may do that on ${REF}.`);
    await act(PEOPLE.cio, CARD_ACTIONS.approval, { decision: 'approved' });
    expect(incident().status).toBe('closed');
    expect(incident().closedAt).not.toBeNull();

    const closedDm = dmsTo(PEOPLE.staff).at(-1);
    expect(JSON.stringify(closedDm?.args)).toContain(`Your report *${REF}* is now closed. Thank you`);
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
      'action_done',
      'closure_requested',
      'peer_review_approved',
      'closed',
    ]);
    const card = JSON.stringify(world.card(REF).blocks);
    expect(card).toContain(':lock: Closed');
    expect(card).toContain('card_reopen');
  });

  it('lists every gap when closure is asked for too early', async () => {
    await resolvedIncident();
    const res = await act(PEOPLE.siro, CARD_ACTIONS.closure, {});
    expect(res.errors?.justification).toBe(
      `${REF} cannot close yet:\n• The causal analysis and preventive plan have not been submitted.\n• The recurrence and risk-register review is missing.`,
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
    await act(PEOPLE.cio, CARD_ACTIONS.approval, { decision: 'approved' });
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
    await act(PEOPLE.cio, CARD_ACTIONS.approval, { decision: 'approved' });
    const refused = await act(PEOPLE.staff2, CARD_ACTIONS.reopen, { reason: 'x' });
    expect(refused.refused).toMatch(
      /^Only the SIRO, the CIO or the incident's Incident Response Manager may/,
    );
    await act(PEOPLE.siro, CARD_ACTIONS.reopen, { reason: 'The laptop turned up at a pawn shop' });
    expect(incident()).toMatchObject({ status: 'resolving', closedAt: null });
    expect(JSON.stringify(dmsTo(PEOPLE.staff).at(-1)?.args)).toContain('being resolved');
    expect(
      world.fake
        .messages(SECURITY_CHANNEL)
        .some((m) => m.text?.includes('reopened this: The laptop turned up')),
    ).toBe(true);
  });

  it('sends the closure back to resolved when the peer reviewer disagrees', async () => {
    await lowIncidentInReview();
    const noComment = await act(PEOPLE.responder, CARD_ACTIONS.peerReview, { decision: 'returned' });
    expect(noComment.errors).toEqual({ comment: 'Please say what needs to change.' });
    await act(PEOPLE.responder, CARD_ACTIONS.peerReview, {
      decision: 'returned',
      comment: 'Add the police report',
    });
    expect(incident().status).toBe('resolved');
  });
});
