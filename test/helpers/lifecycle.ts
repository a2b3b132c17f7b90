/**
 * One incident driven through everything Vigil does, over HTTP as people would: report (with the
 * post follow-ups), triage, the four outside notifications, a new IRM, an update, an action,
 * escalation, a reminder sweep and its owner snoozing it, the owner's "Won't do" proposed from
 * their DM, kept open by the IRM from the action's menu on the card, the action edited there,
 * proposed again and accepted, resolution, a causal analysis sent back and approved, the review
 * (it could recur: a preventive action added and done), the SIRO agreeing the action plan from
 * their DM, a closure sent back and approved, a reopening, the monthly report, and the `/incident`
 * commands (lookup, help, stats, export, evidence). Each free-text answer
 * comes from `texts`, so a test can fill them with secrets or with hostile strings and then look
 * at every log line or every surface. Every step is checked to have happened.
 */
import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { ACTION_MENU, CARD_ACTIONS, DUTY_ACTIONS } from '../../blocks/card-ids';
import { REMINDER_ACTIONS } from '../../blocks/reminder-digest';
import { LOSS_LOCATION_ACTION } from '../../blocks/report-modal';
import { actions, notifications } from '../../db/schema';
import type { Answer } from '../../src/local-slack/fill-view';
import { stateFromView } from '../../src/local-slack/fill-view';
import type { FakeView } from '../../src/local-slack/local-slack';
import { blockAction, eventCallback, slashCommand } from '../../src/local-slack/payloads';
import { answerSurfaces, type Surface } from './surfaces';
import { type CardCopy, MINIMAL_REPORT, PEOPLE, SECURITY_CHANNEL, type World } from './world';

/** Someone made IRM in the course of the flow: not a role holder, not the head of department. */
export const NEW_IRM = 'UIRMGR';
export const REFERENCE = 'INC-2026-0001';

/** The free-text answers, one per question that takes text. */
export interface LifecycleTexts {
  /** Report form text questions, by block id (title, description, location, …). */
  report: Record<string, string>;
  /** The post follow-ups that take text. */
  postHowSent: string;
  postSentFrom: string;
  rationale: string;
  regulatorRef: string;
  crimeNumber: string;
  certRef: string;
  customersReason: string;
  update: string;
  action: string;
  /** The action's text as the IRM rewrites it from its menu on the card. */
  actionEdit: string;
  notDoing: string;
  resolution: string;
  analysis: {
    rootCause: string;
    contributingFactors: string;
    technicalMeasures: string;
    administrativeMeasures: string;
    costAndResources: string;
  };
  analysisComment: string;
  learning: { reasoning: string; vulnerabilities: string; riskRegisterRef: string; noChangeReason: string };
  closure: string;
  peerComment: string;
  approvalComment: string;
  reopen: string;
  /** The SIRO's note when agreeing the action plan (seed 003 §4.3). */
  planNote: string;
}

/** Ordinary answers to every question, for tests that look at the flow rather than the text. */
export const PLAIN_TEXTS: LifecycleTexts = {
  report: {},
  postHowSent: 'Royal Mail',
  postSentFrom: 'Head office',
  rationale: 'Real',
  regulatorRef: 'ICO-1',
  crimeNumber: 'CR-1',
  certRef: 'CERT-1',
  customersReason: 'None affected',
  update: 'Contained',
  action: 'Encrypt the laptops',
  actionEdit: 'Encrypt every laptop',
  notDoing: 'Out of budget',
  resolution: 'Restored from backup',
  analysis: {
    rootCause: 'No encryption',
    contributingFactors: 'Busy',
    technicalMeasures: 'BitLocker',
    administrativeMeasures: 'Checklist',
    costAndResources: 'Two days',
  },
  analysisComment: 'Add the cost',
  learning: { reasoning: 'x', vulnerabilities: 'y', riskRegisterRef: 'RR-1', noChangeReason: 'z' },
  closure: 'Ready',
  peerComment: 'Add the police report',
  approvalComment: 'Good',
  reopen: 'It turned up again',
  planNote: 'Agreed',
};

export interface LifecycleOptions {
  /** Called with each form just before it is filled and submitted (to try bad answers on it first). */
  beforeSubmit?: (user: string, form: FakeView) => Promise<void>;
}

export interface LifecycleResult {
  /** Messages and views the app gave back in HTTP answers (slash commands, form answers). */
  answers: Surface[];
}

/** The id's end of the block holding `actionId` with `value` on a copy of the card (a Record button). */
function blockWithValue(copy: CardCopy, actionId: string, value: string): string | undefined {
  const found = copy.blocks.find((b) =>
    [...(b.elements ?? []), ...(b.accessory ? [b.accessory] : [])].some(
      (e) => e.action_id === actionId && e.value === value,
    ),
  );
  return found?.block_id?.split(':').at(-1);
}

export async function driveLifecycle(
  world: World,
  t: LifecycleTexts,
  opts: LifecycleOptions = {},
): Promise<LifecycleResult> {
  const answers: Surface[] = [];
  const beforeSubmit = opts.beforeSubmit ?? (async () => {});
  const card = () => world.card(REFERENCE);

  async function openHome(user: string) {
    const before = world.fake.callsTo('views.publish', { ok: true }).length;
    const res = await world.slack.event(
      eventCallback({ type: 'app_home_opened', user, channel: `D${user}`, tab: 'home' }),
    );
    expect(res.status).toBe(200);
    await world.fake.waitFor('views.publish', before + 1, { ok: true });
  }

  /**
   * Clicks the control where `user` sees it (the card for the security team, their DM or App Home
   * for everyone else: Slack shows them nothing else), fills the form it opens, submits it and
   * expects it accepted. `value` picks one of several such controls (a notification, an action).
   */
  async function form(
    user: string,
    actionId: string,
    answers: Record<string, Answer>,
    copy = card(),
    choice: { option?: string; block?: string; value?: string } = {},
  ) {
    const opened = world.fake.callsTo('views.open', { ok: true }).length;
    const click = await press(user, actionId, copy, choice);
    expect(click.replies, `${actionId} by ${user}`).toEqual([]);
    await world.fake.waitFor('views.open', opened + 1, { ok: true });
    await beforeSubmit(user, world.lastModal(user));
    const res = await world.submitForm(user, world.lastModal(user), answers);
    expect(res.body, `${actionId} by ${user}`).toBeNull();
    await world.vigil.outbox.drain();
  }

  /** The security team clicks on the card; anyone else where Vigil asked them (a DM, App Home). */
  async function press(
    user: string,
    actionId: string,
    copy: CardCopy,
    choice: { option?: string; user?: string; block?: string; value?: string },
  ) {
    // Steps asked where the person is told (the SIRO's plan to agree) are not on the card.
    if (world.fake.canSee(user, SECURITY_CHANNEL) && JSON.stringify(copy.blocks).includes(`"${actionId}"`))
      return world.click(user, copy, actionId, {
        ...choice,
        ...(choice.value && !choice.block ? { block: blockWithValue(copy, actionId, choice.value) } : {}),
      });
    const { value, ...rest } = choice;
    return world.clickWhereSeen(user, REFERENCE, actionId, { ...rest, ...(value ? { value } : {}) });
  }

  /** Clicks a control that changes the incident at once, where `user` sees it. */
  async function change(
    user: string,
    actionId: string,
    choice: { option?: string; user?: string; block?: string; value?: string } = {},
  ) {
    const click = await press(user, actionId, card(), choice);
    expect(click.replies, `${actionId} by ${user}`).toEqual([]);
    await world.vigil.outbox.drain();
  }

  async function command(user: string, text: string) {
    const res = await world.slack.command(
      slashCommand({
        command: '/incident',
        text,
        userId: user,
        triggerId: world.fake.issueTrigger(user),
        responseUrl: world.fake.responseUrl(`incident-${text.split(' ')[0]}-${user}`),
      }),
    );
    expect(res.status).toBe(200);
    answers.push(...answerSurfaces(`/incident ${text} (${user})`, res.text ? res.json() : null));
  }

  for (const user of [PEOPLE.staff, PEOPLE.siro, PEOPLE.hodFinance, NEW_IRM, PEOPLE.cio, PEOPLE.md])
    await openHome(user);

  // The report, with the post follow-ups drawn in once the location is chosen.
  const view = await world.openReportForm(PEOPLE.staff);
  const report: Record<string, Answer> = {
    ...MINIMAL_REPORT,
    category: 'intrusion',
    customersAffected: 'yes',
    personalData: 'yes',
    personalDataCount: 12,
    lossLocation: 'post',
    ...t.report,
  };
  await world.slack.interaction(
    blockAction({
      userId: PEOPLE.staff,
      actionId: LOSS_LOCATION_ACTION,
      blockId: 'lossLocation',
      selectedOption: { value: 'post', text: 'In the post' },
      container: { type: 'view', viewId: view.id },
      view: {
        ...view.view,
        id: view.id,
        hash: view.hash,
        state: { values: stateFromView(view.view, report) },
      },
      triggerId: world.fake.issueTrigger(PEOPLE.staff),
    }),
  );
  await world.fake.waitFor('views.update', 1, { ok: true });
  const withFollowUps = world.fake.views.get(view.id);
  if (!withFollowUps) throw new Error('the form was not redrawn');
  await beforeSubmit(PEOPLE.staff, withFollowUps);
  const filed = await world.submitForm(PEOPLE.staff, withFollowUps, {
    ...report,
    'lossDetails.post_how_sent': t.postHowSent,
    'lossDetails.post_double_enveloped': 'no',
    'lossDetails.post_sent_from': t.postSentFrom,
  });
  expect(filed.body?.response_action, JSON.stringify(filed.body)).toBe('update');
  await world.vigil.outbox.drain();

  await form(PEOPLE.siro, CARD_ACTIONS.triage, {
    outcome: 'incident',
    severity: 'high',
    priority: 'P2',
    rationale: t.rationale,
    facts: 'personal_data,criminal,customers_affected',
  });
  // Each pending notification has its own Record button, for whoever may record it: on the card
  // for the SIRO, in the DM that asked them for the CIO (not in the security channel).
  const notificationId = (kind: string) =>
    String(
      world.db
        .select()
        .from(notifications)
        .all()
        .find((n) => n.kind === kind)?.id,
    );
  const record = (user: string, kind: string, answers: Record<string, Answer>) =>
    form(user, CARD_ACTIONS.recordNotification, answers, card(), { value: notificationId(kind) });
  await record(PEOPLE.siro, 'regulator', { outcome: 'done', externalRef: t.regulatorRef });
  await record(PEOPLE.cio, 'cert', { outcome: 'done', externalRef: t.certRef });
  // A crime number given in the report already counts as the police told.
  if (!t.report.crimeNumber)
    await record(PEOPLE.siro, 'police', { outcome: 'done', externalRef: t.crimeNumber });
  await record(PEOPLE.siro, 'customers', { outcome: 'not_required', reason: t.customersReason });
  expect(JSON.stringify(card().blocks)).not.toContain(CARD_ACTIONS.recordNotification);

  await change(PEOPLE.siro, CARD_ACTIONS.assignIrm, { user: NEW_IRM });
  await form(PEOPLE.responder, CARD_ACTIONS.postUpdate, { text: t.update });
  await form(PEOPLE.responder, CARD_ACTIONS.addAction, {
    kind: 'corrective',
    description: t.action,
    ownerId: PEOPLE.staff2,
    dueAt: '2026-03-11',
  });
  await change(PEOPLE.responder, CARD_ACTIONS.escalate);

  // A reminder sweep: the action is due tomorrow, so its owner gets a digest, and snoozes it.
  const digests = () =>
    world.fake
      .callsTo('chat.postMessage', { ok: true })
      .filter(
        (c) => c.args.channel === PEOPLE.staff2 && /items? needs? your attention/.test(String(c.args.text)),
      );
  await world.vigil.scheduler.tick();
  await world.vigil.outbox.drain();
  expect(digests()).toHaveLength(1);
  const digest = digests()[0];
  const snoozed = await world.people
    .as(PEOPLE.staff2)
    .click(
      { channel: PEOPLE.staff2, ts: (digest?.response as { ts?: string } | undefined)?.ts ?? '' },
      REMINDER_ACTIONS.snoozeDay,
    );
  await world.settled();
  expect(snoozed.replies()).toEqual([expect.stringMatching(/^:zzz: Snoozed until /)]);

  // The owner answers from the DM that gave them the action: they will not do it, and why. That
  // is a proposal: the IRM (outside the security channel) keeps it open from the DM that asks them
  // to decide, the SIRO rewrites it on the card, and the IRM accepts the second proposal.
  const [{ id: actionId }] = world.db.select({ id: actions.id }).from(actions).all() as [{ id: number }];
  const status = () => world.db.select().from(actions).where(eq(actions.id, actionId)).get()?.status;
  async function ownerWontDo() {
    await form(PEOPLE.staff2, DUTY_ACTIONS.actionNotDoing, { reason: t.notDoing }, card(), {
      value: String(actionId),
    });
    expect(status()).toBe('not_doing_proposed');
  }
  const keptOpen = () =>
    world.fake
      .callsTo('chat.postMessage', { ok: true })
      .filter(
        (c) => c.args.channel === PEOPLE.staff2 && JSON.stringify(c.args.blocks).includes('*not accepted*'),
      );
  await ownerWontDo();
  await change(NEW_IRM, DUTY_ACTIONS.actionKeepOpen, { value: String(actionId) });
  expect(status()).toBe('open');
  expect(keptOpen()).toHaveLength(1);
  await form(
    PEOPLE.siro,
    CARD_ACTIONS.actionMenu,
    { kind: 'corrective', description: t.actionEdit, ownerId: PEOPLE.staff2, dueAt: '2026-03-12' },
    card(),
    { block: `a${actionId}`, option: `${ACTION_MENU.edit}:${actionId}` },
  );
  await ownerWontDo();
  await change(NEW_IRM, DUTY_ACTIONS.actionAccept, { value: String(actionId) });
  expect(status()).toBe('not_doing');

  await change(NEW_IRM, CARD_ACTIONS.startResolution);
  await form(NEW_IRM, CARD_ACTIONS.resolve, { how: t.resolution });
  await form(PEOPLE.hodFinance, CARD_ACTIONS.analysis, t.analysis);
  await form(NEW_IRM, CARD_ACTIONS.analysisReview, { decision: 'returned', comment: t.analysisComment });
  await form(PEOPLE.hodFinance, CARD_ACTIONS.analysis, t.analysis);
  await form(NEW_IRM, CARD_ACTIONS.analysisReview, { decision: 'approved' });
  await form(PEOPLE.siro, CARD_ACTIONS.learning, { recurrenceRisk: 'yes', ...t.learning });
  // It could happen again: the IRM is asked for a preventive action, adds it and does it (seed 003
  // §5.10–5.11); the SIRO agrees the action plan from the DM that asks for it (§4.3).
  await form(NEW_IRM, CARD_ACTIONS.addAction, {
    kind: 'preventive',
    description: t.action,
    ownerId: NEW_IRM,
  });
  const preventive = world.db.select({ id: actions.id }).from(actions).all().at(-1)?.id;
  await change(NEW_IRM, DUTY_ACTIONS.actionDone, { value: String(preventive) });
  await form(PEOPLE.siro, DUTY_ACTIONS.agreePlan, { note: t.planNote });
  // The IRM puts it forward from the DM that says it is ready; no reviewer named, so the team is
  // asked in the card's thread, and a responder peer-reviews it from that post.
  await form(NEW_IRM, CARD_ACTIONS.closure, { justification: t.closure });
  const threadPost = () => {
    const post = world.fake
      .messages(SECURITY_CHANNEL)
      .filter(
        (m) =>
          m.thread_ts &&
          m.thread_ts !== m.ts &&
          JSON.stringify(m.blocks ?? []).includes(CARD_ACTIONS.peerReview),
      )
      .at(-1);
    if (!post) throw new Error('no peer review was asked for in the thread');
    return post;
  };
  const fromThread = await world.people
    .as(PEOPLE.responder)
    .click({ channel: SECURITY_CHANNEL, ts: threadPost().ts }, CARD_ACTIONS.peerReview);
  await world.settled();
  expect(fromThread.replies()).toEqual([]);
  await beforeSubmit(PEOPLE.responder, world.lastModal(PEOPLE.responder));
  const returned = await world.submitForm(PEOPLE.responder, world.lastModal(PEOPLE.responder), {
    decision: 'returned',
    comment: t.peerComment,
  });
  expect(returned.body).toBeNull();
  await world.vigil.outbox.drain();
  // Sent back, the IRM is asked again (with the comment); this time they name the Managing
  // Director, who is told by DM and reviews it there.
  await form(NEW_IRM, CARD_ACTIONS.closure, { justification: t.closure, reviewerId: PEOPLE.md });
  await form(PEOPLE.md, CARD_ACTIONS.peerReview, { decision: 'approved' });
  // The CIO decides from their DM: opened from "Send back…", they approve after all, with a comment.
  await form(PEOPLE.cio, CARD_ACTIONS.approval, { decision: 'approved', comment: t.approvalComment });
  expect(JSON.stringify(card().blocks)).toContain(':lock: *Closed* by');
  await form(PEOPLE.siro, CARD_ACTIONS.reopen, { reason: t.reopen });

  await command(PEOPLE.siro, REFERENCE);
  await command(PEOPLE.staff, REFERENCE);
  await command(NEW_IRM, REFERENCE);
  await command(PEOPLE.siro, 'help');
  await command(PEOPLE.siro, 'stats 2026-03');
  const uploads = world.fake.uploads.length;
  await command(PEOPLE.siro, 'export csv');
  await command(PEOPLE.iao, 'export json');
  await command(PEOPLE.md, `evidence ${REFERENCE}`);
  // The files are written and uploaded after each command's acknowledgement.
  await world.settled();
  expect(world.fake.uploads.filter((u) => u.completed).length - uploads).toBe(4);

  // The monthly report on the first sweep of April: statistics and the trend chart to the MD.
  world.clock.set('2026-04-01T08:05:00Z');
  await world.vigil.scheduler.tick();
  await world.vigil.outbox.drain();
  await expect
    .poll(() => world.fake.uploads.some((u) => u.filename === 'vigil-trend-2026-03.png' && u.completed))
    .toBe(true);
  for (const user of [PEOPLE.staff, PEOPLE.siro, PEOPLE.hodFinance, NEW_IRM]) await openHome(user);
  await world.vigil.outbox.drain();
  expect(world.fake.messages(SECURITY_CHANNEL).length).toBeGreaterThan(20);
  return { answers };
}
