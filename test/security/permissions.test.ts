import { addDays } from 'date-fns';
import { count, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTION_MENU, type ActionMenuOp, CARD_ACTIONS, DUTY_ACTIONS } from '../../blocks/card-ids';
import { CARD_MODALS } from '../../blocks/card-modals';
import { INCIDENT_HELP } from '../../blocks/incident-lookup';
import { REMINDER_ACTIONS } from '../../blocks/reminder-digest';
import { actions, incidentEvents, incidents, notifications, outbox, reviews, snoozes } from '../../db/schema';
import { agreeActionPlan } from '../../src/domain/action-plan';
import { setActionStatus } from '../../src/domain/action-status';
import { addAction } from '../../src/domain/add-action';
import { assignIrm } from '../../src/domain/assign-irm';
import type { Target } from '../../src/domain/change';
import { approveClosure, peerReview, requestClosure } from '../../src/domain/closure';
import { editAction } from '../../src/domain/edit-action';
import {
  decideCausalAnalysis,
  markResolved,
  recordLearningReview,
  startResolution,
  submitCausalAnalysis,
} from '../../src/domain/follow-through';
import { type Capability, can, type NotificationKind } from '../../src/domain/permissions';
import { recordNotification } from '../../src/domain/record-notification';
import { actorFor } from '../../src/domain/roles';
import { triageIncident } from '../../src/domain/triage';
import type { Answer } from '../../src/local-slack/fill-view';
import type { FakeView } from '../../src/local-slack/local-slack';
import { blockAction, slashCommand } from '../../src/local-slack/payloads';
import { seedReport } from '../helpers/seed';
import { createWorld, PEOPLE, SECURITY_CHANNEL, type World } from '../helpers/world';

let world: World;
afterEach(async () => {
  await world?.stop();
});

/**
 * Everyone the matrix is about. The incident is reported from Finance, so its head of department
 * is the Finance head; the IRM is reassigned to someone else, so HOD and IRM are two people. The
 * ordinary member of staff owns the incident's action.
 */
const WHO = {
  reporter: PEOPLE.staff,
  staff: PEOPLE.staff2,
  security: PEOPLE.responder,
  siro: PEOPLE.siro,
  cio: PEOPLE.cio,
  md: PEOPLE.md,
  iao: PEOPLE.iao,
  hod: PEOPLE.hodFinance,
  irm: 'UIRMGR',
  outsider: 'UOUTSIDER',
} as const;
type Who = keyof typeof WHO;
const EVERYONE = Object.keys(WHO) as Who[];
/** The security channel's members in the fake: the SIRO and the responder. */
const SECURITY_MEMBERS = new Set<string>([PEOPLE.siro, PEOPLE.responder]);
/** Who may see and use the card: the team, the role holders, the incident's IRM and HOD. */
const TEAM: Who[] = ['security', 'siro', 'cio', 'md', 'iao', 'hod', 'irm'];
const REGISTER_HOLDERS: Who[] = ['siro', 'cio', 'md', 'iao'];
const OWNER_IRM_SIRO: Who[] = ['staff', 'siro', 'irm'];
const except = (list: Who[], ...out: Who[]) => list.filter((w) => !out.includes(w));

/** README "Who may do what", as PRODUCT.md and the seeds assign it. */
const EXPECTED: Record<Capability, Who[]> = {
  use_card: TEAM,
  triage: ['siro'],
  // Seed 000 Responsibilities: the Managing Director designates the IRM.
  assign_irm: ['security', 'siro', 'cio', 'md', 'irm'],
  escalate: TEAM,
  post_update: TEAM,
  add_action: TEAM,
  notify_regulator: ['siro', 'md'],
  notify_police: ['siro', 'iao'],
  notify_cert: ['cio'],
  notify_customers: ['siro', 'md', 'irm'],
  resolve: ['siro', 'irm'],
  causal_analysis: ['hod', 'irm'],
  approve_causal_analysis: ['siro', 'irm'],
  learning_review: ['security', 'siro'],
  request_closure: ['siro', 'irm'],
  peer_review: TEAM,
  approve_closure: ['cio'],
  reopen: ['siro', 'cio', 'irm'],
  update_action: ['siro', 'irm'],
  // Seed 003 §4.3: the SIRO agrees the resolution action plan.
  agree_action_plan: ['siro'],
  manage_access: ['siro'],
  // Seed 003 §3.6: the security team (its members, the SIRO, the IRM) corrects the facts.
  correct_facts: ['security', 'siro', 'irm'],
  // Seed 003 §4.1, 000 Rep.2: whoever works the incident asks the reporter and registers evidence.
  ask_reporter: TEAM,
  add_evidence: TEAM,
};

const actor = (who: Who) => actorFor(world.config, WHO[who], SECURITY_MEMBERS.has(WHO[who]));

// ---------------------------------------------------------------------------------------------
// Incidents at each stage of the procedure, built through the domain (quick), their cards posted.

const STAGES = [
  'reported',
  'triaged',
  'resolving',
  'resolved',
  'analysed',
  'ready',
  'in_review',
  'peer_approved',
  'closed',
] as const;
type Stage = (typeof STAGES)[number];

interface Fixture {
  id: number;
  reference: string;
  actionId: number;
}

const NOTIFICATION_BY: Record<NotificationKind, Who> = {
  regulator: 'siro',
  police: 'siro',
  cert: 'cio',
  customers: 'siro',
};

let fixtures = 0;
async function fixture(stage: Stage, opts: { proposedBy?: Who } = {}): Promise<Fixture> {
  const ctx = { db: world.db, clock: world.clock, config: world.config };
  const at = (s: Stage) => STAGES.indexOf(stage) >= STAGES.indexOf(s);
  fixtures += 1;
  // A network incident with personal data: the regulator and the national CERT must be told.
  const incident = seedReport(
    world.db,
    world.clock,
    { category: 'intrusion', personalData: 'yes', title: `Fixture ${fixtures}` },
    WHO.reporter,
  );
  const target = (): Target => ({
    incidentId: incident.id,
    version: world.db.select().from(incidents).where(eq(incidents.id, incident.id)).get()?.version ?? 0,
  });
  let actionId = 0;
  if (at('triaged')) {
    triageIncident(ctx, actor('siro'), target(), {
      outcome: 'incident',
      rationale: 'Real',
      duplicateOf: null,
      severity: 'medium',
      priority: 'P3',
      awareAt: world.clock.now(),
      facts: ['criminal', 'customers_affected'],
    });
    assignIrm(ctx, actor('siro'), target(), WHO.irm);
    addAction(ctx, actor('siro'), target(), {
      kind: 'corrective',
      description: 'Rotate the keys',
      ownerId: WHO.staff,
      dueAt: addDays(world.clock.now(), 1),
    });
    actionId = world.db.select().from(actions).where(eq(actions.incidentId, incident.id)).get()?.id ?? 0;
  }
  // The action's owner (or whoever `proposedBy` names, made its owner) proposes not doing it.
  if (opts.proposedBy) {
    if (opts.proposedBy !== 'staff')
      editAction(
        ctx,
        actor('siro'),
        { actionId },
        {
          kind: 'corrective',
          description: 'Rotate the keys',
          ownerId: WHO[opts.proposedBy],
          dueAt: addDays(world.clock.now(), 1),
        },
      );
    setActionStatus(ctx, actor(opts.proposedBy), { actionId }, 'not_doing', 'Out of budget');
  }
  if (at('resolving')) startResolution(ctx, actor('irm'), target());
  if (at('resolved'))
    markResolved(ctx, actor('irm'), target(), { restoredAt: world.clock.now(), how: 'Done' });
  if (at('analysed'))
    submitCausalAnalysis(ctx, actor('hod'), target(), {
      rootCause: 'Weak keys',
      contributingFactors: null,
      technicalMeasures: 'Longer keys',
      administrativeMeasures: null,
      costAndResources: 'A day',
    });
  if (at('ready')) {
    decideCausalAnalysis(ctx, actor('irm'), target(), { decision: 'approved', comment: null });
    recordLearningReview(ctx, actor('siro'), target(), {
      recurrenceRisk: 'no',
      reasoning: 'One-off',
      vulnerabilities: 'None left',
      riskRegisterRef: 'RR-1',
      noChangeReason: null,
    });
    for (const n of world.db
      .select()
      .from(notifications)
      .where(eq(notifications.incidentId, incident.id))
      .all())
      recordNotification(
        ctx,
        actor(NOTIFICATION_BY[n.kind]),
        { ...target(), notificationId: n.id },
        { outcome: 'not_required', doneAt: null, externalRef: null, reason: 'Not needed' },
      );
    setActionStatus(ctx, actor('staff'), { actionId }, 'done', null);
    agreeActionPlan(ctx, actor('siro'), target(), { note: null });
  }
  if (at('in_review'))
    requestClosure(ctx, actor('siro'), target(), { noAction: false, justification: null, reviewerId: null });
  if (at('peer_approved'))
    peerReview(ctx, actor('security'), target(), { decision: 'approved', comment: null });
  if (at('closed')) approveClosure(ctx, actor('cio'), target(), { decision: 'approved', comment: null });
  await world.vigil.outbox.drain();
  return { id: incident.id, reference: incident.reference, actionId };
}

// ---------------------------------------------------------------------------------------------
// Driving Slack, and telling an applied request from a refused one.

/** Everything a refusal must leave as it was; `shown` counts what Slack was asked to show anyone. */
function state() {
  const n = (table: typeof incidentEvents | typeof outbox | typeof reviews | typeof snoozes) =>
    world.db.select({ n: count() }).from(table).get()?.n ?? 0;
  return {
    versions: world.db.select({ id: incidents.id, v: incidents.version }).from(incidents).all(),
    events: n(incidentEvents),
    outbox: n(outbox),
    reviews: n(reviews),
    snoozes: n(snoozes),
    actions: world.db.select({ s: actions.status }).from(actions).all(),
    notifications: world.db.select({ s: notifications.status }).from(notifications).all(),
    shown: world.fake.calls.filter((c) => /^(chat|views|files)\./.test(c.method)).length,
  };
}
const refusalLines = (who: Who) =>
  world.logs.filter((l) => l.message.startsWith('refused ') && l.message.includes(WHO[who])).length;

const version = (f: Fixture) =>
  world.db.select().from(incidents).where(eq(incidents.id, f.id)).get()?.version ?? 0;
const actionRow = (f: Fixture) => world.db.select().from(actions).where(eq(actions.id, f.actionId)).get();

interface Outcome {
  /** The answer sent to the clicker's own response_url, if any. */
  reply?: { text: string; ephemeral: boolean };
  /** A form opened for the clicker. */
  opened?: FakeView;
  /** The incident's version moved. */
  changed: boolean;
}

let seq = 0;
async function interact(
  who: Who,
  f: Fixture,
  build: (triggerId: string, responseUrl: string) => Record<string, unknown>,
): Promise<Outcome> {
  seq += 1;
  const name = `m${seq}`;
  const triggerId = world.fake.issueTrigger(WHO[who]);
  const before = version(f);
  const res = await world.slack.interaction(build(triggerId, world.fake.responseUrl(name)));
  expect(res.status).toBe(200);
  const observe = (): Outcome => {
    const post = world.fake.responseUrlPosts.find((p) => p.name === name);
    const call = world.fake.calls.find((c) => c.method === 'views.open' && c.args.trigger_id === triggerId);
    const id = (call?.response as { view?: { id?: string } } | undefined)?.view?.id;
    return {
      ...(post
        ? { reply: { text: String(post.body.text), ephemeral: post.body.response_type === 'ephemeral' } }
        : {}),
      ...(id && world.fake.views.get(id) ? { opened: world.fake.views.get(id) } : {}),
      changed: version(f) !== before,
    };
  };
  // Listeners answer after the ack: wait until they are done, however loaded the machine is.
  await world.settled();
  const outcome = observe();
  expect(Boolean(outcome.reply || outcome.opened || outcome.changed), 'a visible outcome').toBe(true);
  await world.vigil.outbox.drain();
  return outcome;
}

/**
 * Clicks a control on the card as it is now: the one in the block showing `label`, or, for
 * `menu`, picks that operation in the menu beside the fixture's action.
 */
/** A control in the card's "More…" menu: a refused pick has the card drawn again, like any select. */
const inMore = (f: Fixture, actionId: string) =>
  world
    .card(f.reference)
    .blocks.some((b) =>
      (b.elements ?? []).some(
        (e) => e.action_id === CARD_ACTIONS.more && JSON.stringify(e).includes(`"value":"${actionId}"`),
      ),
    );

function clickCard(
  who: Who,
  f: Fixture,
  wanted: string,
  opts: { label?: string; option?: string; user?: string; menu?: ActionMenuOp } = {},
): Promise<Outcome> {
  const card = world.card(f.reference);
  const controls = card.blocks.flatMap((b) =>
    [...(b.elements ?? []), ...(b.accessory ? [b.accessory] : [])].map((e) => ({ b, e })),
  );
  const direct = controls.find(
    ({ b, e }) =>
      e.action_id === wanted &&
      (!opts.label || JSON.stringify(b).includes(`*${opts.label}:*`)) &&
      (!opts.menu || Boolean(b.block_id?.endsWith(`:a${f.actionId}`))),
  );
  // A secondary control is an option of the card's "More…" menu: picked there.
  const inMore = direct
    ? undefined
    : controls.find(
        ({ e }) => e.action_id === CARD_ACTIONS.more && JSON.stringify(e).includes(`"${wanted}"`),
      );
  const found = direct ?? inMore;
  const actionId = inMore ? CARD_ACTIONS.more : wanted;
  const blockId = found?.b.block_id;
  if (!found || !blockId) throw new Error(`${f.reference}'s card has no ${actionId} ${opts.label ?? ''}`);
  const option = opts.menu ? `${opts.menu}:${f.actionId}` : inMore ? wanted : opts.option;
  if (opts.menu && !JSON.stringify(found.e).includes(`"${option}"`))
    throw new Error(`${f.reference}'s action menu does not offer ${option}`);
  return interact(who, f, (triggerId, responseUrl) =>
    blockAction({
      userId: WHO[who],
      actionId,
      blockId,
      actionType: found.e.type,
      ...(option ? { selectedOption: { value: option } } : {}),
      ...(opts.user ? { selectedUser: opts.user } : {}),
      ...(found.e.value !== undefined ? { value: found.e.value } : {}),
      container: { type: 'message', channelId: SECURITY_CHANNEL, messageTs: card.ts },
      triggerId,
      responseUrl,
    }),
  );
}

/** The ts of the message asking `channel` (a person, or the card's thread) for the fixture's action. */
function dutyMessage(channel: string, f: Fixture): string {
  const found = world.fake
    .messages(channel)
    .find((m) => JSON.stringify(m.blocks ?? []).includes(`"block_id":"duty:${f.id}:a${f.actionId}"`));
  if (!found) throw new Error(`${channel} was not asked for ${f.reference}'s action`);
  shownBlocks = found.blocks ?? [];
  return found.ts;
}
/** The last message dutyMessage found, as it then read (an old copy, once it has been edited). */
let shownBlocks: unknown[] = [];

/** Clicks a control on a message Vigil posted, as `who` (signed; forged when it is not theirs to see). */
function clickMessage(
  who: Who,
  f: Fixture,
  where: { channel: string; ts: string },
  actionId: string,
  asShown?: unknown[],
): Promise<Outcome> {
  const message = world.fake.message(where.channel, where.ts);
  const blocks = (asShown ?? message?.blocks ?? []) as {
    block_id?: string;
    elements?: { action_id?: string; value?: string }[];
  }[];
  const block = blocks.find((b) => b.elements?.some((e) => e.action_id === actionId));
  const element = block?.elements?.find((e) => e.action_id === actionId);
  if (!block?.block_id || !element) throw new Error(`no ${actionId} on that message`);
  return interact(who, f, (triggerId, responseUrl) =>
    blockAction({
      userId: WHO[who],
      actionId,
      blockId: String(block.block_id),
      ...(element.value !== undefined ? { value: element.value } : {}),
      container: { type: 'message', channelId: world.fake.dmOrChannelId(where.channel), messageTs: where.ts },
      message: {
        type: 'message',
        user: world.fake.botUserId,
        ts: where.ts,
        text: message?.text ?? '',
        blocks,
      },
      triggerId,
      responseUrl,
    }),
  );
}

function clickDm(who: Who, f: Fixture, actionId: string, blockId: string, value: string): Promise<Outcome> {
  return interact(who, f, (triggerId, responseUrl) =>
    blockAction({
      userId: WHO[who],
      actionId,
      blockId,
      value,
      container: { type: 'message', channelId: `D${WHO[who]}`, messageTs: '1760000000.000100' },
      triggerId,
      responseUrl,
    }),
  );
}

/**
 * A refusal: explained to the clicker alone, logged in its own line, and nothing changed. A
 * refused select or menu (`redraws`, naming the card) also has the card drawn again as it stands,
 * or the clicker's copy would keep showing the refused choice: one edit of that card, same content.
 */
async function expectRefused(
  who: Who,
  what: string,
  act: () => Promise<Outcome>,
  message: RegExp,
  redraws?: Fixture,
) {
  const before = state();
  const lines = refusalLines(who);
  const queued = world.db.select({ n: count() }).from(outbox).get()?.n ?? 0;
  const called = world.fake.calls.length;
  const card = redraws ? world.card(redraws.reference) : undefined;
  const outcome = await act();
  expect({ what, who, reply: outcome.reply?.text }).toEqual({
    what,
    who,
    reply: expect.stringMatching(message),
  });
  expect(outcome.reply?.ephemeral, `${what} ${who}`).toBe(true);
  expect({ what, who, opened: Boolean(outcome.opened), changed: outcome.changed }).toEqual({
    what,
    who,
    opened: false,
    changed: false,
  });
  if (redraws && card) {
    expect(
      world.db.select({ kind: outbox.kind, incidentId: outbox.incidentId }).from(outbox).all().slice(queued),
      `${what} ${who}`,
    ).toEqual([{ kind: 'update_card', incidentId: redraws.id }]);
    expect(
      world.fake.calls
        .slice(called)
        .filter((c) => /^(chat|views|files)\./.test(c.method))
        .map((c) => `${c.method} ${String(c.args.channel)} ${String(c.args.ts)}`),
      `${what} ${who}`,
    ).toEqual([`chat.update ${SECURITY_CHANNEL} ${card.ts}`]);
    expect(world.card(redraws.reference).blocks, `${what} ${who}`).toEqual(card.blocks);
    expect(state(), `${what} ${who}`).toEqual({
      ...before,
      outbox: before.outbox + 1,
      shown: before.shown + 1,
    });
  } else expect(state(), `${what} ${who}`).toEqual(before);
  expect(refusalLines(who) - lines, `${what} ${who}: one log line`).toBe(1);
}

/**
 * A form submitted by someone who may not (a forged submission of a form opened for someone
 * else): refused on the form, logged, nothing changed.
 */
async function expectSubmitRefused(who: Who, what: string, form: FakeView, answers: Record<string, Answer>) {
  const before = state();
  const lines = refusalLines(who);
  const res =
    form.userId === WHO[who]
      ? await world.submitForm(WHO[who], form, answers)
      : await world.forgeSubmit(WHO[who], form, answers);
  expect({ what, who, action: res.body?.response_action }).toEqual({ what, who, action: 'errors' });
  expect(
    Object.values((res.body?.errors ?? {}) as Record<string, string>).join(' '),
    `${what} ${who}`,
  ).toMatch(new RegExp(`^(Only |You put this forward|You are the only CIO|${NOT_YOURS})`));
  expect(state(), `${what} ${who}`).toEqual(before);
  expect(refusalLines(who) - lines, `${what} ${who}: one log line`).toBe(1);
}

async function expectSubmitApplied(
  who: Who,
  what: string,
  f: Fixture,
  form: FakeView,
  answers: Record<string, Answer>,
) {
  const before = version(f);
  const res = await world.submitForm(WHO[who], form, answers);
  expect({ what, who, body: res.body }).toEqual({ what, who, body: null });
  expect(version(f), `${what} ${who}`).toBeGreaterThan(before);
  await world.vigil.outbox.drain();
}

/** Someone not told of the incident is not told its reference either (test/security/permission-before-version.test.ts). */
const NOT_YOURS = 'You cannot act on that incident, or it does not exist\\.';
const ONLY = new RegExp(`^(Only .+ may .+ on INC-2026-\\d{4}\\.|${NOT_YOURS})$`);

// ---------------------------------------------------------------------------------------------

describe('the permissions matrix', () => {
  beforeEach(async () => {
    world = await createWorld();
    fixtures = 0;
  });

  it('allows each capability to exactly the roles the procedure names', async () => {
    const f = await fixture('triaged');
    const incident = world.db.select().from(incidents).where(eq(incidents.id, f.id)).get();
    if (!incident) throw new Error('no incident');
    expect([incident.hodId, incident.irmId]).toEqual([WHO.hod, WHO.irm]);
    for (const [capability, allowed] of Object.entries(EXPECTED) as [Capability, Who[]][]) {
      const actual = EVERYONE.filter((who) => can(world.config, actor(who), capability, incident));
      expect(actual, capability).toEqual(allowed);
    }
  });

  /** Card buttons that open a form, then the form's submission, for every role. */
  const FORMS: {
    name: string;
    actionId: string;
    stage: Stage;
    label?: string;
    click: Who[];
    submit?: Who[];
    answers: Record<string, Answer>;
    /** Additive work any number of allowed people can do to one incident. */
    repeatable?: boolean;
    /** An operation in the menu beside the fixture's action (a refusal redraws the card). */
    menu?: ActionMenuOp;
    /** A select that opens the form: a refusal draws the card again, as it stands. */
    select?: string;
    /** What the applied form must have done, beyond moving the incident's version. */
    check?: (who: Who, f: Fixture) => void;
  }[] = [
    {
      name: 'triage',
      actionId: CARD_ACTIONS.triage,
      stage: 'reported',
      click: EXPECTED.triage,
      answers: { outcome: 'incident', severity: 'high', priority: 'P2', rationale: 'Real' },
    },
    {
      name: 'severity',
      actionId: CARD_ACTIONS.severity,
      stage: 'triaged',
      click: EXPECTED.triage,
      answers: { severity: 'critical', reason: 'Customer data found' },
      check: (who, f) =>
        expect(world.db.select().from(incidents).where(eq(incidents.id, f.id)).get()?.severity, who).toBe(
          'critical',
        ),
    },
    {
      name: 'post update',
      actionId: CARD_ACTIONS.postUpdate,
      stage: 'triaged',
      click: EXPECTED.post_update,
      answers: { text: 'Progress' },
      repeatable: true,
    },
    {
      name: 'add action',
      actionId: CARD_ACTIONS.addAction,
      stage: 'triaged',
      click: EXPECTED.add_action,
      answers: { kind: 'preventive', description: 'Patch', ownerId: WHO.staff },
      repeatable: true,
    },
    {
      name: 'record regulator',
      actionId: CARD_ACTIONS.recordNotification,
      label: 'Data-protection regulator',
      stage: 'triaged',
      click: EXPECTED.notify_regulator,
      answers: { outcome: 'not_required', reason: 'Encrypted' },
    },
    {
      name: 'record police',
      actionId: CARD_ACTIONS.recordNotification,
      label: 'Police',
      stage: 'triaged',
      click: EXPECTED.notify_police,
      answers: { outcome: 'done', externalRef: 'CR-1' },
    },
    {
      name: 'record CERT',
      actionId: CARD_ACTIONS.recordNotification,
      label: 'National CERT',
      stage: 'triaged',
      click: EXPECTED.notify_cert,
      answers: { outcome: 'done', externalRef: 'CERT-1' },
    },
    {
      name: 'record customers',
      actionId: CARD_ACTIONS.recordNotification,
      label: 'Affected customers',
      stage: 'triaged',
      click: EXPECTED.notify_customers,
      answers: { outcome: 'not_required', reason: 'None affected' },
    },
    {
      name: 'mark resolved',
      actionId: CARD_ACTIONS.resolve,
      stage: 'resolving',
      click: EXPECTED.resolve,
      answers: { how: 'Restored' },
    },
    {
      name: 'causal analysis',
      actionId: CARD_ACTIONS.analysis,
      stage: 'resolved',
      click: EXPECTED.causal_analysis,
      answers: { rootCause: 'Weak keys', technicalMeasures: 'Longer keys', costAndResources: 'A day' },
    },
    {
      name: 'review analysis',
      actionId: CARD_ACTIONS.analysisReview,
      stage: 'analysed',
      click: EXPECTED.approve_causal_analysis,
      answers: { decision: 'approved' },
    },
    {
      name: 'review and learning',
      actionId: CARD_ACTIONS.learning,
      stage: 'resolved',
      click: EXPECTED.learning_review,
      answers: { recurrenceRisk: 'no', reasoning: 'x', vulnerabilities: 'y', riskRegisterRef: 'RR-2' },
    },
    {
      name: 'request closure',
      actionId: CARD_ACTIONS.closure,
      stage: 'ready',
      click: EXPECTED.request_closure,
      answers: {},
    },
    {
      // The SIRO asked for closure: they may open the form but not review their own request. Nor
      // may the only CIO pass it: nobody could then approve it (four eyes that cannot deadlock).
      name: 'peer review',
      actionId: CARD_ACTIONS.peerReview,
      stage: 'in_review',
      click: EXPECTED.peer_review,
      submit: except(EXPECTED.peer_review, 'siro', 'cio'),
      answers: { decision: 'approved' },
    },
    {
      name: 'approve closure',
      actionId: CARD_ACTIONS.approval,
      stage: 'peer_approved',
      click: EXPECTED.approve_closure,
      answers: { decision: 'approved' },
    },
    {
      name: 'reopen',
      actionId: CARD_ACTIONS.reopen,
      stage: 'closed',
      click: EXPECTED.reopen,
      answers: { reason: 'New evidence' },
    },
    {
      name: 'edit action',
      actionId: CARD_ACTIONS.actionMenu,
      menu: ACTION_MENU.edit,
      stage: 'triaged',
      click: OWNER_IRM_SIRO,
      answers: { description: 'Rotate every key' },
      check: (who, f) => expect(actionRow(f)?.description, who).toBe('Rotate every key'),
    },
    {
      name: "won't do on the card",
      actionId: CARD_ACTIONS.actionMenu,
      menu: ACTION_MENU.notDoing,
      stage: 'triaged',
      click: OWNER_IRM_SIRO,
      answers: { reason: 'Not needed' },
      // The owner's is a proposal the IRM or SIRO decides on; theirs counts at once.
      check: (who, f) =>
        expect(actionRow(f)?.status, who).toBe(who === 'staff' ? 'not_doing_proposed' : 'not_doing'),
    },
  ];

  /** Card controls that change the incident at once. */
  const CHANGES: {
    name: string;
    actionId: string;
    allowed: Who[];
    choice?: { option?: string; user?: string; menu?: ActionMenuOp };
    repeatable?: boolean;
    /** A select or menu: a refusal draws the card again. */
    redraws?: boolean;
    /** The fixture's action is proposed as not to be done by its owner. */
    proposed?: boolean;
    /** Where the incident must be for the control to show (default: triaged). */
    stage?: Stage;
    check?: (who: Who, f: Fixture) => void;
  }[] = [
    {
      name: 'approve closure (confirmed on the card)',
      actionId: DUTY_ACTIONS.approveClosure,
      allowed: EXPECTED.approve_closure,
      stage: 'peer_approved',
      check: (who, f) =>
        expect(world.db.select().from(incidents).where(eq(incidents.id, f.id)).get()?.status, who).toBe(
          'closed',
        ),
    },
    {
      name: 'reassign IRM',
      actionId: CARD_ACTIONS.assignIrm,
      allowed: EXPECTED.assign_irm,
      choice: { user: 'UNEWIRM' },
      redraws: true,
    },
    { name: 'escalate', actionId: CARD_ACTIONS.escalate, allowed: EXPECTED.escalate, repeatable: true },
    { name: 'start resolution', actionId: CARD_ACTIONS.startResolution, allowed: EXPECTED.resolve },
    {
      name: 'mark done',
      actionId: CARD_ACTIONS.actionMenu,
      allowed: OWNER_IRM_SIRO,
      choice: { menu: ACTION_MENU.done },
      redraws: true,
      check: (who, f) => expect(actionRow(f)?.status, who).toBe('done'),
    },
    {
      name: "mark done after a proposed won't do",
      actionId: CARD_ACTIONS.actionMenu,
      allowed: OWNER_IRM_SIRO,
      choice: { menu: ACTION_MENU.done },
      redraws: true,
      proposed: true,
      check: (who, f) => expect(actionRow(f)?.status, who).toBe('done'),
    },
    {
      name: "accept a proposed won't do",
      actionId: CARD_ACTIONS.actionMenu,
      allowed: EXPECTED.update_action,
      choice: { menu: ACTION_MENU.accept },
      redraws: true,
      proposed: true,
      check: (who, f) => expect(actionRow(f)?.status, who).toBe('not_doing'),
    },
    {
      name: 'keep a proposed action open',
      actionId: CARD_ACTIONS.actionMenu,
      allowed: EXPECTED.update_action,
      choice: { menu: ACTION_MENU.keepOpen },
      redraws: true,
      proposed: true,
      check: (who, f) => {
        expect(actionRow(f)?.status, who).toBe('open');
        // The owner hears that their proposal was not accepted.
        expect(
          world.fake
            .callsTo('chat.postMessage', { ok: true })
            .filter((c) => c.args.channel === WHO.staff && String(c.args.text).startsWith(`${f.reference}:`))
            .map((c) => JSON.stringify(c.args.blocks))
            .filter((text) => text.includes('not accepted')),
          who,
        ).toEqual([expect.stringContaining('was *not accepted*')]);
      },
    },
  ];

  it('gives every card form to exactly those allowed, over HTTP, and takes it back only from them', async () => {
    // Every control on the card, and every choice in an action's menu, is in one of the two
    // tables, so a new one cannot be left out.
    expect(new Set([...FORMS, ...CHANGES].map((op) => op.actionId))).toEqual(
      // The "More…" menu only hands a pick to one of these (test/slack/card-layout.test.ts).
      new Set([
        ...Object.values(CARD_ACTIONS).filter((a) => a !== CARD_ACTIONS.more),
        DUTY_ACTIONS.approveClosure,
      ]),
    );
    expect(
      new Set([...FORMS.map((op) => op.menu), ...CHANGES.map((op) => op.choice?.menu)].filter(Boolean)),
    ).toEqual(new Set(Object.values(ACTION_MENU)));
    const callbacks = new Set<string>();
    for (const op of FORMS) {
      const submit = op.submit ?? op.click;
      const f = await fixture(op.stage);
      const click = (who: Who, on = f) =>
        clickCard(who, on, op.actionId, {
          ...(op.label ? { label: op.label } : {}),
          ...(op.menu ? { menu: op.menu } : {}),
          ...(op.select ? { option: op.select } : {}),
        });
      for (const who of except(EVERYONE, ...op.click))
        await expectRefused(
          who,
          op.name,
          () => click(who),
          ONLY,
          op.menu || op.select || inMore(f, op.actionId) ? f : undefined,
        );
      // A form as the first allowed person got it, submitted by each who may not (a forged submission).
      const shown = await click(op.click[0] as Who);
      if (!shown.opened) throw new Error(`${op.name} did not open for ${op.click[0]}: ${shown.reply?.text}`);
      callbacks.add(String(shown.opened.view.callback_id));
      for (const who of except(EVERYONE, ...submit))
        await expectSubmitRefused(who, op.name, shown.opened, op.answers);
      // Each allowed person, on an incident of their own unless the work is additive.
      for (const who of op.click) {
        const own = op.repeatable || who === op.click[0] ? f : await fixture(op.stage);
        const opened = await click(who, own);
        expect({ op: op.name, who, opened: Boolean(opened.opened), reply: opened.reply }).toEqual({
          op: op.name,
          who,
          opened: true,
          reply: undefined,
        });
        if (!opened.opened || !submit.includes(who)) continue;
        await expectSubmitApplied(who, op.name, own, opened.opened, op.answers);
        op.check?.(who, own);
      }
    }
    // Every form a card control opens; the confirmation of a dismissal is pushed on the triage form.
    expect([...callbacks].sort()).toEqual(
      Object.values(CARD_MODALS)
        .filter((c) => c !== CARD_MODALS.confirmDismissal && c !== CARD_MODALS.confirmActionDone)
        .sort(),
    );
  }, 240_000);

  it('applies the card’s direct controls for exactly those allowed', async () => {
    for (const op of CHANGES) {
      const make = () => fixture(op.stage ?? 'triaged', op.proposed ? { proposedBy: 'staff' } : {});
      const f = await make();
      for (const who of except(EVERYONE, ...op.allowed))
        await expectRefused(
          who,
          op.name,
          () => clickCard(who, f, op.actionId, op.choice),
          ONLY,
          op.redraws || inMore(f, op.actionId) ? f : undefined,
        );
      for (const who of op.allowed) {
        const own = op.repeatable || who === op.allowed[0] ? f : await make();
        let outcome = await clickCard(who, own, op.actionId, op.choice);
        // Marking someone else's action done is confirmed in a dialog first.
        if (outcome.opened?.view.callback_id === CARD_MODALS.confirmActionDone) {
          expect(who).not.toBe('staff');
          const before = version(own);
          const res = await world.submitForm(WHO[who], outcome.opened, {});
          expect(res.body).toBeNull();
          await world.vigil.outbox.drain();
          outcome = { changed: version(own) !== before };
        }
        expect({ op: op.name, who, changed: outcome.changed, reply: outcome.reply }).toEqual({
          op: op.name,
          who,
          changed: true,
          reply: undefined,
        });
        op.check?.(who, own);
      }
    }

    // An IRM or SIRO who owns an action proposes like any owner, and never decides on it themselves.
    for (const [owner, decider] of [
      ['irm', 'siro'],
      ['siro', 'irm'],
    ] as const) {
      for (const menu of [ACTION_MENU.accept, ACTION_MENU.keepOpen]) {
        const f = await fixture('triaged', { proposedBy: owner });
        expect(actionRow(f)?.status).toBe('not_doing_proposed');
        await expectRefused(
          owner,
          `${menu} their own proposal`,
          () => clickCard(owner, f, CARD_ACTIONS.actionMenu, { menu }),
          /^You proposed not doing this action: someone else \(the IRM or the SIRO\) decides\.$/,
          f,
        );
        const outcome = await clickCard(decider, f, CARD_ACTIONS.actionMenu, { menu });
        expect({ owner, decider, menu, changed: outcome.changed, reply: outcome.reply }).toEqual({
          owner,
          decider,
          menu,
          changed: true,
          reply: undefined,
        });
        expect(actionRow(f)?.status).toBe(menu === ACTION_MENU.accept ? 'not_doing' : 'open');
      }
    }
  }, 180_000);

  it('lets only the action’s owner, the IRM and the SIRO close an action where it is asked for', async () => {
    const status = (f: Fixture) =>
      world.db.select().from(actions).where(eq(actions.id, f.actionId)).get()?.status;
    const refusal = new RegExp(
      `^(Only the action's owner, the IRM or the SIRO may update actions on INC-2026-\\d{4}\\.|${NOT_YOURS})$`,
    );
    const elsewhere =
      /^That control does not belong to the message it was clicked on; nothing was changed\.$/;
    // Slack shows the owner's DM to the owner alone: anyone else's click on it is forged, and is
    // refused for that. The card's thread is the security team's: its post carries the same
    // buttons, and there the server's permission check answers whoever clicks.
    const BUTTONS: {
      name: string;
      where: (f: Fixture) => { channel: string; ts: string };
      refused: (who: Who) => RegExp | null;
    }[] = [
      {
        name: 'Done in the owner’s DM',
        where: (f) => ({ channel: WHO.staff, ts: dutyMessage(WHO.staff, f) }),
        refused: (who) => (who === 'staff' ? null : elsewhere),
      },
      {
        name: 'Done in the card’s thread',
        where: (f) => ({ channel: SECURITY_CHANNEL, ts: dutyMessage(SECURITY_CHANNEL, f) }),
        refused: (who) => (OWNER_IRM_SIRO.includes(who) ? null : refusal),
      },
    ];
    for (const button of BUTTONS) {
      const f = await fixture('triaged');
      for (const who of EVERYONE.filter((w) => button.refused(w)))
        await expectRefused(
          who,
          button.name,
          () => clickMessage(who, f, button.where(f), DUTY_ACTIONS.actionDone),
          button.refused(who) ?? ONLY,
        );
      for (const who of EVERYONE.filter((w) => !button.refused(w))) {
        const own = status(f) === 'open' ? f : await fixture('triaged');
        const outcome = await clickMessage(who, own, button.where(own), DUTY_ACTIONS.actionDone);
        expect({ who, changed: outcome.changed, reply: outcome.reply }).toEqual({
          who,
          changed: true,
          reply: undefined,
        });
        expect(status(own)).toBe('done');
      }
    }

    // "Won't do" opens a form (its heading names the incident), so it is checked before it opens.
    const f = await fixture('triaged');
    const wontDo = (who: Who, on: Fixture) =>
      clickMessage(
        who,
        on,
        { channel: SECURITY_CHANNEL, ts: dutyMessage(SECURITY_CHANNEL, on) },
        DUTY_ACTIONS.actionNotDoing,
      );
    for (const who of except(EVERYONE, ...OWNER_IRM_SIRO))
      await expectRefused(who, "won't do", () => wontDo(who, f), refusal);
    const ownerDm = { channel: WHO.staff, ts: dutyMessage(WHO.staff, f) };
    const asFirstShown = shownBlocks;
    const shown = await clickMessage('staff', f, ownerDm, DUTY_ACTIONS.actionNotDoing);
    if (!shown.opened) throw new Error("won't do did not open for the owner");
    for (const who of except(EVERYONE, ...OWNER_IRM_SIRO))
      await expectSubmitRefused(who, "won't do", shown.opened, { reason: 'Not needed' });
    const irmAsked = (on: Fixture) =>
      world.fake
        .callsTo('chat.postMessage', { ok: true })
        .filter((c) => c.args.channel === WHO.irm && JSON.stringify(c.args.blocks).includes('*not doing*'))
        .filter((c) => String(c.args.text).startsWith(`${on.reference}:`)).length;
    for (const who of OWNER_IRM_SIRO) {
      const own = who === 'staff' ? f : await fixture('triaged');
      const opened = who === 'staff' ? shown : await wontDo(who, own);
      if (!opened.opened) throw new Error(`won't do did not open for ${who}`);
      await expectSubmitApplied(who, "won't do", own, opened.opened, { reason: 'Not needed' });
      // The owner's "won't do" is a proposal, and the IRM is asked to decide; the IRM's or SIRO's counts at once.
      expect({ who, status: status(own), irmAsked: irmAsked(own) }).toEqual(
        who === 'staff'
          ? { who, status: 'not_doing_proposed', irmAsked: 1 }
          : { who, status: 'not_doing', irmAsked: 0 },
      );
    }
    // Proposed once, the thread's post asks the IRM or SIRO to decide: "won't do" is not offered
    // any more, and a click on the owner's old copy of their DM is answered with what happened.
    const old = await clickMessage('staff', f, ownerDm, DUTY_ACTIONS.actionNotDoing, asFirstShown);
    expect(old.reply?.text).toMatch(/^Nothing to do here any more: proposed as not being done by you/);
  }, 120_000);

  it('lets anyone snooze only their own reminders, and Done checks only what the clicker owes', async () => {
    const f = await fixture('triaged');
    // A report left untriaged past REMIND_UNTRIAGED_HOURS: its triage is owed by the SIRO alone.
    const waiting = await fixture('reported');
    world.clock.advance((world.config.reminders.untriagedHours + 1) * 3_600_000);
    const key = `action:${f.actionId}:soon`;
    const snoozesOf = (value: string) =>
      world.db.select().from(snoozes).where(eq(snoozes.itemKey, value)).all();
    for (const actionId of [REMINDER_ACTIONS.snoozeDay, REMINDER_ACTIONS.snoozeWeek]) {
      for (const who of EVERYONE) {
        const before = { ...state(), snoozes: undefined, shown: undefined };
        const outcome = await clickDm(who, f, actionId, 'rem:0', key);
        expect(outcome.reply?.text, `${actionId} ${who}`).toMatch(/^:zzz: Snoozed until /);
        expect(outcome.reply?.ephemeral, `${actionId} ${who}`).toBe(true);
        expect({ ...state(), snoozes: undefined, shown: undefined }).toEqual(before);
        expect(snoozesOf(key).map((s) => s.userId)).toContain(WHO[who]);
      }
    }
    // Each snooze row is the clicker's own: nobody quieted anyone else's reminders.
    expect(
      snoozesOf(key)
        .map((s) => s.userId)
        .sort(),
    ).toEqual(EVERYONE.map((w) => WHO[w]).sort());

    // Done on a reminder that is not an action looks in the register for what the clicker owes:
    // anyone else is thanked and nothing changes; the SIRO is told it is still owed, asked again
    // tomorrow (their own reminder snoozed a day), and the triage itself is not touched.
    const triage = `triage:${waiting.id}`;
    for (const who of EVERYONE) {
      const before = state();
      const outcome = await clickDm(who, waiting, REMINDER_ACTIONS.done, 'rem:0', triage);
      expect(outcome.reply?.ephemeral, `done ${who}`).toBe(true);
      if (who === 'siro') {
        expect(outcome.reply?.text).toMatch(
          new RegExp(
            `^:hourglass_flowing_sand: \\*${waiting.reference} \\(Hacking, intrusion or falsification\\)\\* still shows this as owed: waiting for triage for ${world.config.reminders.untriagedHours + 1} hours[^.]*\\. .*I will remind you again tomorrow\\.$`,
          ),
        );
        expect(state()).toEqual({ ...before, snoozes: before.snoozes + 1 });
      } else {
        expect(outcome.reply?.text, `done ${who}`).toBe(
          ':white_check_mark: Thank you: the register shows nothing more owed from you on this.',
        );
        expect(state(), `done ${who}`).toEqual(before);
      }
    }
    // A possible breach is chased in rounds (seed 003 §5.7): the round the SIRO was reminded of is snoozed.
    const triageSnoozes = world.db
      .select()
      .from(snoozes)
      .all()
      .filter((s) => s.itemKey === triage || s.itemKey.startsWith(`${triage}:`));
    expect(triageSnoozes.map((s) => [s.userId, s.until])).toEqual([
      [WHO.siro, addDays(world.clock.now(), 1)],
    ]);
    expect(world.db.select().from(incidents).where(eq(incidents.id, waiting.id)).get()?.status).toBe(
      'reported',
    );
  });

  it('gives the steps asked where people are (plan, triage again, IRM, access) to exactly those allowed', async () => {
    const ctx = { db: world.db, clock: world.clock, config: world.config };
    const currentVersion = (id: number) =>
      world.db.select().from(incidents).where(eq(incidents.id, id)).get()?.version ?? 0;
    /** Everyone else is refused the click; the first allowed opens the form; forged submissions are refused; each allowed applies it. */
    async function step(
      name: string,
      allowed: Who[],
      make: () => Promise<Fixture>,
      click: (who: Who, f: Fixture) => Promise<Outcome>,
      answers: Record<string, Answer>,
      /** Who may submit the form (forged, when it is someone else's): by default those who may click. */
      opts: { submit?: Who[]; refusal?: RegExp } = {},
    ) {
      const f = await make();
      for (const who of except(EVERYONE, ...allowed))
        await expectRefused(who, name, () => click(who, f), opts.refusal ?? ONLY);
      const shown = await click(allowed[0] as Who, f);
      if (!shown.opened) throw new Error(`${name} did not open for ${allowed[0]}: ${shown.reply?.text}`);
      for (const who of except(EVERYONE, ...(opts.submit ?? allowed)))
        await expectSubmitRefused(who, name, shown.opened, answers);
      await expectSubmitApplied(allowed[0] as Who, name, f, shown.opened, answers);
      for (const who of allowed.slice(1)) {
        const own = await make();
        const opened = await click(who, own);
        if (!opened.opened) throw new Error(`${name} did not open for ${who}: ${opened.reply?.text}`);
        await expectSubmitApplied(who, name, own, opened.opened, answers);
      }
    }
    const inThread = (f: Fixture, actionId: string) => {
      const post = world.fake
        .messages(SECURITY_CHANNEL)
        .find(
          (m) =>
            m.thread_ts &&
            JSON.stringify(m.blocks ?? []).includes(`"${actionId}"`) &&
            JSON.stringify(m.blocks ?? []).includes(`duty:${f.id}:`),
        );
      if (!post) throw new Error(`no ${actionId} in ${f.reference}'s thread`);
      return { channel: SECURITY_CHANNEL, ts: post.ts };
    };
    const dmOf = (user: string, f: Fixture, actionId: string) => {
      const dm = world.fake
        .messages(user)
        .find(
          (m) =>
            JSON.stringify(m.blocks ?? []).includes(`"${actionId}"`) &&
            JSON.stringify(m.blocks ?? []).includes(`duty:${f.id}:`),
        );
      if (!dm) throw new Error(`${user} has no ${actionId} about ${f.reference}`);
      return { channel: user, ts: dm.ts };
    };

    // The SIRO agrees the plan (seed 003 §4.3): its post in the card's thread answers anyone.
    await step(
      'agree the action plan',
      EXPECTED.agree_action_plan,
      () => fixture('triaged'),
      (who, f) => clickMessage(who, f, inThread(f, DUTY_ACTIONS.agreePlan), DUTY_ACTIONS.agreePlan),
      { note: 'Agreed' },
    );

    /** A report filed now (with `report`'s answers), `then` applied to it, its card posted. */
    const filed = async (
      report: Record<string, unknown>,
      then: (i: { id: number }) => void = () => {},
    ): Promise<Fixture> => {
      fixtures += 1;
      const i = seedReport(world.db, world.clock, { title: `Fixture ${fixtures}`, ...report }, WHO.reporter);
      then(i);
      await world.vigil.outbox.drain();
      return { id: i.id, reference: i.reference, actionId: 0 };
    };
    // A record closed at triage, triaged again by those who may triage (seed 003 §5.3).
    const dismissed = () =>
      filed({}, (i) =>
        triageIncident(
          ctx,
          actor('siro'),
          { incidentId: i.id, version: currentVersion(i.id) },
          {
            outcome: 'not_incident',
            rationale: 'Nothing lost',
            duplicateOf: null,
            severity: null,
            priority: null,
            awareAt: world.clock.now(),
            facts: [],
          },
        ),
      );
    await step(
      'triage again',
      EXPECTED.triage,
      dismissed,
      (who, f) => clickCard(who, f, DUTY_ACTIONS.retriage),
      { reason: 'New facts' },
    );

    // The IRM designated from the escalation DM (seed 000 Responsibilities: the MD). Slack shows that
    // DM to its recipient alone, so the form is the MD's, and every forged submission is checked.
    await step(
      'designate the IRM',
      ['md'],
      () => fixture('triaged'),
      (who, f) => clickMessage(who, f, dmOf(WHO.md, f, DUTY_ACTIONS.designateIrm), DUTY_ACTIONS.designateIrm),
      { irmId: 'UDESIGNATED' },
      {
        submit: EXPECTED.assign_irm,
        refusal: /^That control does not belong to the message it was clicked on; nothing was changed\.$/,
      },
    );

    // Who may see a restricted record: the SIRO alone chooses.
    const restricted = () => filed({ concerns: ['security_team'] });
    await step(
      'manage access',
      EXPECTED.manage_access,
      restricted,
      (who, f) => clickCard(who, f, DUTY_ACTIONS.manageAccess),
      { accessIds: WHO.cio },
    );
  }, 180_000);

  it('answers /incident by role: details, status, or the same "not yours" for anyone else', async () => {
    const f = await fixture('triaged');
    const command = async (who: Who, text: string) => {
      seq += 1;
      const name = `c${seq}`;
      const before = state();
      const lines = refusalLines(who);
      const res = await world.slack.command(
        slashCommand({
          command: '/incident',
          text,
          userId: WHO[who],
          triggerId: world.fake.issueTrigger(WHO[who]),
          responseUrl: world.fake.responseUrl(name),
        }),
      );
      expect(res.status).toBe(200);
      const ack = res.text ? (res.json() as Record<string, unknown>) : null;
      return { ack, name, before, lines };
    };
    // The answer after the acknowledgement ("Working on it…"), through the command's response_url.
    const reply = async (name: string) => {
      const post = () => world.fake.responseUrlPosts.find((p) => p.name === name);
      await world.settled();
      expect(post(), name).toBeDefined();
      return post()?.body;
    };

    for (const who of EVERYONE) {
      const shown = await command(who, f.reference);
      expect(shown.ack?.response_type, who).toBe('ephemeral');
      const text = JSON.stringify(shown.ack);
      if (TEAM.includes(who)) expect(text, who).toContain('*What happened*');
      else if (who === 'reporter') {
        expect(text).toContain('Status: *Triaged*');
        expect(text).not.toContain('*What happened*');
      } else {
        expect(shown.ack?.text, who).toBe(`You have no report ${f.reference}, or it is not yours to see.`);
        expect(state()).toEqual(shown.before);
        expect(refusalLines(who) - shown.lines, `lookup ${who}: one log line`).toBe(1);
      }
      const help = await command(who, 'help');
      expect(help.ack?.text, who).toBe(INCIDENT_HELP);
    }

    for (const sub of ['stats 2026-03', 'export csv', `evidence ${f.reference}`]) {
      for (const who of EVERYONE) {
        const asked = await command(who, sub);
        const body = await reply(asked.name);
        expect(body?.response_type, `${sub} ${who}`).toBe('ephemeral');
        if (REGISTER_HOLDERS.includes(who)) {
          expect(String(body?.text ?? JSON.stringify(body?.blocks)), `${sub} ${who}`).not.toMatch(/^Only /);
          continue;
        }
        expect(body?.text, `${sub} ${who}`).toBe(
          'Only the SIRO, the CIO, the Managing Director and the Information Asset Officer may do that.',
        );
        expect(state(), `${sub} ${who}`).toEqual(asked.before);
        expect(refusalLines(who) - asked.lines, `${sub} ${who}: one log line`).toBe(1);
      }
    }
    // Only the register holders got files: two exports and two evidence packs each.
    const receivers = new Set(world.fake.uploads.map((u) => u.channel));
    expect(receivers.size).toBe(REGISTER_HOLDERS.length);
  }, 60_000);
});
