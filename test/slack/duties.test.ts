import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { CARD_ACTIONS, DUTY_ACTIONS } from '../../blocks/card-ids';
import { actions, dutyMessages, incidentEvents, incidents, messageDuties } from '../../db/schema';
import type { Answer } from '../../src/local-slack/fill-view';
import type { FakeMessage } from '../../src/local-slack/local-slack';
import { controlsOf } from '../../src/local-slack/people';
import { SHORTCUTS } from '../../src/slack/listeners/shortcuts/report-shortcuts';
import { driveLifecycle, NEW_IRM, PLAIN_TEXTS, REFERENCE } from '../helpers/lifecycle';
import { createWorld, PEOPLE, SECURITY_CHANNEL, type World } from '../helpers/world';

let world: World;
afterEach(async () => {
  await world?.stop();
});

const REF = 'INC-2026-0001';
/** Nobody but the SIRO and a responder is in the security channel (test/helpers/world.ts). */
const OUTSIDE = [PEOPLE.hodFinance, PEOPLE.cio, PEOPLE.md, PEOPLE.staff2];

const status = () => world.db.select().from(incidents).where(eq(incidents.reference, REF)).get()?.status;

/**
 * Waits, without delivering anything by hand, for Vigil's next DM to `user` that asks for a step
 * (as Slack would show it: the outbox runs on its own), and says how long it took to arrive.
 */
async function nextAsk(
  user: string,
  after: number,
  about = '',
): Promise<{ message: FakeMessage; ms: number }> {
  const started = Date.now();
  const [call] = await world.fake.waitFor('chat.postMessage', 1, {
    ok: true,
    timeoutMs: 3000,
    where: (c) =>
      c.id > after &&
      c.args.channel === user &&
      String(c.args.text).includes('Waiting on you') &&
      String(c.args.text).includes(about),
  });
  const ts = (call?.response as { ts?: string } | undefined)?.ts ?? '';
  const message = world.fake.message(user, ts);
  if (!message) throw new Error('the DM is not in Slack');
  return { message, ms: Date.now() - started };
}

/** Takes the step from the DM that asked for it, as its recipient; fills the form it opens. */
async function fromDm(user: string, dm: FakeMessage, actionId: string, answers?: Record<string, Answer>) {
  const clicked = await world.people.as(user).click({ channel: user, ts: dm.ts }, actionId);
  await world.settled();
  expect(clicked.replies(), `${actionId} by ${user}`).toEqual([]);
  if (!answers) return;
  const res = await world.submitForm(user, world.lastModal(user), answers);
  expect(res.body, `${actionId} by ${user}`).toBeNull();
}

const lastCall = () => world.fake.calls.at(-1)?.id ?? 0;

describe('every duty where its owner is told', () => {
  it('hands an incident from person to person outside the security channel, each asked by DM within seconds', async () => {
    world = await createWorld();
    for (const person of OUTSIDE) expect(world.fake.canSee(person, SECURITY_CHANNEL), person).toBe(false);
    let mark = lastCall();
    await world.report(PEOPLE.staff);
    const toTriage = await nextAsk(PEOPLE.siro, mark);
    // The SIRO's DM has the Triage button (and the SIRO, in the channel, a link to the card).
    expect(controlsOf(toTriage.message.blocks ?? []).map((c) => c.element.action_id)).toEqual([
      CARD_ACTIONS.triage,
    ]);
    expect(JSON.stringify(toTriage.message.blocks)).toContain('Open the incident card');
    await world.vigil.outbox.drain(); // the head of department's own message (they are the IRM)

    mark = lastCall();
    await fromDm(PEOPLE.siro, toTriage.message, CARD_ACTIONS.triage, {
      severity: 'medium',
      priority: 'P3',
      rationale: 'Laptop with payroll data',
    });
    // The head of department, the default IRM, is asked to resolve it: a DM with the steps.
    const toResolve = await nextAsk(PEOPLE.hodFinance, mark);
    expect(toResolve.ms).toBeLessThan(3000);
    expect(JSON.stringify(toResolve.message.blocks)).not.toContain('archives/'); // no card they cannot open
    expect(controlsOf(toResolve.message.blocks ?? []).map((c) => c.element.action_id)).toEqual([
      CARD_ACTIONS.startResolution,
      CARD_ACTIONS.resolve,
      CARD_ACTIONS.postUpdate,
      CARD_ACTIONS.addAction,
    ]);
    // The SIRO's DM now says it was triaged, by them, and its button is gone.
    await expect
      .poll(() => JSON.stringify(world.fake.message(PEOPLE.siro, toTriage.message.ts)?.blocks))
      .toContain('triaged by you');

    mark = lastCall();
    await fromDm(PEOPLE.hodFinance, toResolve.message, CARD_ACTIONS.resolve, { how: 'Wiped remotely' });
    expect(status()).toBe('resolved');
    const toAnalyse = await nextAsk(PEOPLE.hodFinance, mark);
    expect(toAnalyse.ms).toBeLessThan(3000);
    const toReview = await nextAsk(PEOPLE.siro, mark, 'learning review');
    // A Medium incident: the SIRO is asked to agree the action plan too (seed 003 §4.3).
    const toAgree = await nextAsk(PEOPLE.siro, mark, 'action plan');
    expect(controlsOf(toAgree.message.blocks ?? []).map((c) => c.element.action_id)).toEqual([
      DUTY_ACTIONS.agreePlan,
    ]);
    await fromDm(PEOPLE.siro, toAgree.message, DUTY_ACTIONS.agreePlan, {
      note: 'The restoration is the plan',
    });
    mark = lastCall();
    await fromDm(PEOPLE.hodFinance, toAnalyse.message, CARD_ACTIONS.analysis, {
      rootCause: 'No encryption policy',
      technicalMeasures: 'BitLocker',
      costAndResources: 'Two days',
    });
    // The HOD is the IRM too: someone else (the SIRO) approves their analysis.
    const toApprove = await nextAsk(PEOPLE.siro, mark, 'causal analysis');
    expect(JSON.stringify(toApprove.message.blocks)).toContain('submitted the causal analysis');
    mark = lastCall();
    await fromDm(PEOPLE.siro, toApprove.message, CARD_ACTIONS.analysisReview, { decision: 'approved' });
    // The head of department hears it was approved (news, with no step to take).
    await world.fake.waitFor('chat.postMessage', 1, {
      ok: true,
      timeoutMs: 3000,
      where: (c) =>
        c.id > mark && c.args.channel === PEOPLE.hodFinance && String(c.args.text).includes('approved'),
    });
    mark = lastCall();
    await fromDm(PEOPLE.siro, toReview.message, CARD_ACTIONS.learning, {
      recurrenceRisk: 'no',
      reasoning: 'One-off',
      vulnerabilities: 'None left',
      riskRegisterRef: 'RR-7',
    });
    // Ready: the IRM is asked to put it forward, and names the MD for the peer review.
    const toRequest = await nextAsk(PEOPLE.hodFinance, mark);
    mark = lastCall();
    await fromDm(PEOPLE.hodFinance, toRequest.message, CARD_ACTIONS.closure, {
      justification: 'All done',
      reviewerId: PEOPLE.md,
    });
    expect(status()).toBe('in_review');
    const toPeerReview = await nextAsk(PEOPLE.md, mark);
    expect(toPeerReview.ms).toBeLessThan(3000);
    mark = lastCall();
    await fromDm(PEOPLE.md, toPeerReview.message, CARD_ACTIONS.peerReview, { decision: 'approved' });
    // The CIO is asked to approve, and sees who did the peer review.
    const toApproveClosure = await nextAsk(PEOPLE.cio, mark);
    expect(toApproveClosure.ms).toBeLessThan(3000);
    expect(JSON.stringify(toApproveClosure.message.blocks)).toContain(`peer review by <@${PEOPLE.md}>`);
    const approve = controlsOf(toApproveClosure.message.blocks ?? []).find(
      (c) => c.element.action_id === DUTY_ACTIONS.approveClosure,
    );
    // The final closure is confirmed in a dialog before it is sent.
    expect(JSON.stringify(approve?.element)).toContain('"confirm"');
    mark = lastCall();
    await fromDm(PEOPLE.cio, toApproveClosure.message, DUTY_ACTIONS.approveClosure);
    expect(status()).toBe('closed');
    await world.fake.waitFor('chat.postMessage', 1, {
      ok: true,
      timeoutMs: 3000,
      where: (c) => c.id > mark && c.args.channel === PEOPLE.staff && String(c.args.text).includes('closed'),
    });
    await world.vigil.outbox.drain();

    // Everyone's messages now say who did their step and when; none offers a button any more.
    for (const user of [PEOPLE.siro, PEOPLE.hodFinance, PEOPLE.md, PEOPLE.cio])
      for (const m of world.fake.messages(user).filter((x) => String(x.text).includes(REF)))
        expect(controlsOf(m.blocks ?? []), `${user}: ${m.text}`).toEqual([]);
    const events = world.db.select().from(incidentEvents).all();
    expect(events.find((e) => e.type === 'closed')?.actorId).toBe(PEOPLE.cio);
  });

  it('asks for every step it names, with its control, and takes the buttons away once settled', async () => {
    world = await createWorld();
    await driveLifecycle(world, PLAIN_TEXTS);
    // Every message that asks for a step, as Slack shows it now: while any step it asks for stands,
    // it carries a control that takes it; once all are settled, it offers no button at all.
    const posted = world.db.select().from(dutyMessages).all();
    const dms = posted.filter((m) => m.kind === 'dm' && m.ts);
    expect(dms.length).toBeGreaterThan(20);
    let settled = 0;
    for (const m of posted.filter((x) => x.ts)) {
      const shown = world.fake.message(
        m.kind === 'thread' ? SECURITY_CHANNEL : String(m.userId),
        String(m.ts),
      );
      const open = world.db
        .select()
        .from(messageDuties)
        .where(eq(messageDuties.messageId, m.id))
        .all()
        .filter((d) => d.settledAt === null);
      const steps = controlsOf(shown?.blocks ?? []).filter(
        (c) => !String(c.element.action_id).startsWith('reminder_snooze'),
      );
      if (open.length > 0) expect(steps.length, String(shown?.text)).toBeGreaterThan(0);
      else {
        settled++;
        expect(controlsOf(shown?.blocks ?? []), String(shown?.text)).toEqual([]);
      }
    }
    expect(settled).toBeGreaterThan(20);
    // The IRM, the head of department, the CIO and the MD did their steps without the card.
    for (const person of [NEW_IRM, PEOPLE.hodFinance, PEOPLE.cio, PEOPLE.md])
      expect(world.fake.canSee(person, SECURITY_CHANNEL), person).toBe(false);
    const byPerson = (id: string) =>
      world.db
        .select({ type: incidentEvents.type })
        .from(incidentEvents)
        .where(eq(incidentEvents.actorId, id))
        .all()
        .map((e) => e.type);
    expect(byPerson(NEW_IRM)).toEqual(
      expect.arrayContaining([
        'resolution_started',
        'resolved',
        'causal_analysis_approved',
        'closure_requested',
      ]),
    );
    expect(byPerson(PEOPLE.hodFinance)).toContain('causal_analysis_submitted');
    expect(byPerson(PEOPLE.md)).toContain('peer_review_approved');
    expect(byPerson(PEOPLE.cio)).toEqual(expect.arrayContaining(['notification_done', 'closed']));
    expect(world.db.select().from(incidents).get()?.reference).toBe(REFERENCE);
  }, 90_000);

  it('lets a responder settle an action from its post in the card’s thread, and add a reply to the timeline', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff);
    await world.vigil.outbox.drain();
    await world.act(PEOPLE.responder, REF, CARD_ACTIONS.addAction, {
      kind: 'corrective',
      description: 'Change the shared mailbox password',
      ownerId: PEOPLE.staff2,
    });
    const post = () =>
      world.fake
        .messages(SECURITY_CHANNEL)
        .find(
          (m) => m.thread_ts && JSON.stringify(m.blocks ?? []).includes('Change the shared mailbox password'),
        );
    const before = post();
    if (!before?.thread_ts) throw new Error('the action was not posted in the card’s thread');
    expect(controlsOf(before.blocks ?? []).map((c) => c.element.action_id)).toEqual([
      DUTY_ACTIONS.actionDone,
      DUTY_ACTIONS.actionNotDoing,
    ]);
    // Someone else's action: the button asks to confirm, and says whose it is.
    expect(JSON.stringify(before.blocks)).toContain('"confirm"');
    const done = await world.people
      .as(PEOPLE.responder)
      .click({ channel: SECURITY_CHANNEL, ts: before.ts }, DUTY_ACTIONS.actionDone);
    await world.settled();
    await world.vigil.outbox.drain();
    // The security team may not settle actions: only the owner, the IRM or the SIRO.
    expect(done.replies()).toEqual([
      `Only the action's owner, the IRM or the SIRO may update actions on ${REF}.`,
    ]);
    const siro = await world.people
      .as(PEOPLE.siro)
      .click({ channel: SECURITY_CHANNEL, ts: before.ts }, DUTY_ACTIONS.actionDone);
    await world.settled();
    await world.vigil.outbox.drain();
    expect(siro.replies()).toEqual([]);
    expect(world.db.select().from(actions).get()?.status).toBe('done');
    // Edited in place: it says who settled it, and its buttons are gone; so is the owner's DM.
    expect(JSON.stringify(post()?.blocks)).toContain(`marked done by <@${PEOPLE.siro}>`);
    expect(controlsOf(post()?.blocks ?? [])).toEqual([]);
    const ownerDm = world.fake.messages(PEOPLE.staff2).at(-1);
    expect(JSON.stringify(ownerDm?.blocks)).toContain(`marked done by <@${PEOPLE.siro}>`);
    expect(controlsOf(ownerDm?.blocks ?? [])).toEqual([]);

    // A responder's reply in the thread joins the record.
    const reply = String(
      world.fake.postAs(
        PEOPLE.responder,
        SECURITY_CHANNEL,
        'Called the courier: the parcel was signed for by <@UTHIEF> at 14:02',
        before.thread_ts,
      )?.ts,
    );
    const added = await world.people
      .as(PEOPLE.siro)
      .messageShortcut({ channel: SECURITY_CHANNEL, ts: reply }, SHORTCUTS.addToTimeline);
    await world.settled();
    await world.vigil.outbox.drain();
    expect(added.replies()).toEqual([expect.stringContaining(`Added to ${REF}’s timeline`)]);
    const note = world.db.select().from(incidentEvents).where(eq(incidentEvents.type, 'timeline_note')).get();
    expect(note).toMatchObject({
      actorId: PEOPLE.siro,
      after: {
        messageTs: reply,
        authorId: PEOPLE.responder,
        text: 'Called the courier: the parcel was signed for by <@UTHIEF> at 14:02',
      },
    });
    // Chosen twice, it is added once.
    const again = await world.people
      .as(PEOPLE.siro)
      .messageShortcut({ channel: SECURITY_CHANNEL, ts: reply }, SHORTCUTS.addToTimeline);
    await world.settled();
    expect(again.replies()).toEqual([`That message is already on ${REF}’s timeline.`]);
    // In the audit trail's line in the thread (escaped), the export and the evidence pack.
    expect(world.threadLines().at(-1)).toContain('signed for by &lt;@UTHIEF&gt;');
    for (const text of ['export json', `evidence ${REF}`]) {
      const res = await world.people.as(PEOPLE.siro).command('/incident', text);
      expect(res.status).toBe(200);
    }
    await world.settled();
    const file = (re: RegExp) =>
      world.fake.uploads.find((u) => re.test(u.filename))?.bytes.toString('utf8') ?? '';
    const [row] = JSON.parse(file(/^vigil-register-.*\.json$/)) as { timeline_notes: unknown }[];
    expect(row?.timeline_notes).toEqual([
      {
        at: '2026-03-10T09:00:00.000Z',
        added_by: PEOPLE.siro,
        author: PEOPLE.responder,
        text: 'Called the courier: the parcel was signed for by <@UTHIEF> at 14:02',
      },
    ]);
    expect(file(/-evidence\.json$/)).toContain('signed for by <@UTHIEF>');
    // Outside a card's thread it says where to use it.
    const elsewhere = String(world.fake.postAs(PEOPLE.siro, SECURITY_CHANNEL, 'General chat')?.ts);
    const outside = await world.people
      .as(PEOPLE.siro)
      .messageShortcut({ channel: SECURITY_CHANNEL, ts: elsewhere }, SHORTCUTS.addToTimeline);
    await world.settled();
    expect(outside.replies()).toEqual([
      'Use *Add to incident timeline* on a reply in an incident card’s thread.',
    ]);
  });
});
