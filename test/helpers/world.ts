import { eq } from 'drizzle-orm';
import { closeDatabase, type Db, openDatabase } from '../../db/client';
import { incidents } from '../../db/schema';
import { createVigil, type Vigil } from '../../src/app';
import type { Clock } from '../../src/clock';
import { type Config, loadConfig } from '../../src/config';
import { type Answer, stateFromView } from '../../src/local-slack/fill-view';
import {
  type FakeView,
  LocalSlack,
  type RecordedCall,
  TEST_BOT_TOKEN,
} from '../../src/local-slack/local-slack';
import { blockAction, SlackSender, slashCommand, viewSubmission } from '../../src/local-slack/payloads';
import {
  controlsOf,
  type Delivered,
  findShownControl,
  NotDelivered,
  SlackPeople,
  type Surface,
} from '../../src/local-slack/people';
import { createLogger, type LogRecord } from '../../src/logger';
import { answerSurfaces, surfaceProblems } from './surfaces';

export interface TestClock extends Clock {
  set(at: Date | string): void;
  advance(ms: number): void;
}

export function testClock(start: Date | string = '2026-03-10T09:00:00Z'): TestClock {
  let now = new Date(start).getTime();
  return {
    now: () => new Date(now),
    set: (at) => {
      now = new Date(at).getTime();
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

export const SIGNING_SECRET = 'test-signing-secret';
export const SECURITY_CHANNEL = 'GSECURITY';
export const PEOPLE = {
  siro: 'USIRO',
  cio: 'UCIO',
  md: 'UMD',
  iao: 'UIAO',
  hodFinance: 'UHODFIN',
  hodEngineering: 'UHODENG',
  responder: 'URESPOND',
  staff: 'USTAFF1',
  staff2: 'USTAFF2',
} as const;

export const TEST_ENV: Record<string, string> = {
  SLACK_BOT_TOKEN: TEST_BOT_TOKEN,
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  SECURITY_CHANNEL_ID: SECURITY_CHANNEL,
  SIRO_USER_IDS: PEOPLE.siro,
  CIO_USER_IDS: PEOPLE.cio,
  MD_USER_IDS: PEOPLE.md,
  IAO_USER_IDS: PEOPLE.iao,
  DEPARTMENTS: `Finance=${PEOPLE.hodFinance},Engineering=${PEOPLE.hodEngineering},R&D <Labs>=${PEOPLE.hodEngineering}`,
  ORG_TIME_ZONE: 'Europe/London',
  PORT: '0',
  // The monthly briefing goes at once unless a test waits for recommendations (test/services/monthly-report.test.ts).
  BRIEFING_WAIT_WORKING_DAYS: '0',
};

export interface World {
  fake: LocalSlack;
  db: Db;
  clock: TestClock;
  config: Config;
  vigil: Vigil;
  slack: SlackSender;
  /** What people's Slack clients send: only what Slack would deliver (see src/local-slack/people.ts). */
  people: SlackPeople;
  logs: LogRecord[];
  /**
   * Submits `view` as `userId` though it was opened for someone else: what an attacker would send
   * (Slack never does). Returns Slack's HTTP answer.
   */
  forgeSubmit(
    userId: string,
    view: FakeView,
    answers: Record<string, Answer>,
  ): Promise<{ status: number; body: Record<string, unknown> | null }>;
  /** Runs /report-incident as `userId` and returns the modal Slack was asked to open. */
  openReportForm(userId: string, text?: string): Promise<FakeView>;
  /** Fills `view` like a person would and submits it; returns Slack's HTTP answer. */
  submitForm(
    userId: string,
    view: FakeView,
    answers: Record<string, Answer>,
  ): Promise<{ status: number; body: Record<string, unknown> | null }>;
  /** The security channel's current copy of an incident's card (after edits). */
  card(reference: string): CardCopy;
  /**
   * Clicks a control on the card as `userId` sees it now (or on an older copy, to act stale).
   * Returns the HTTP status and where Slack would show the answer (ephemeral via response_url).
   * `block` picks the control in the block whose id ends with that slot (e.g. one action's menu).
   */
  click(
    userId: string,
    card: CardCopy,
    actionId: string,
    choice?: { option?: string; user?: string; value?: string; block?: string },
  ): Promise<ClickResult>;
  /**
   * The same click as an attacker would send it: signed, but about a card `userId` may not see
   * (Slack never delivers that). For tests that show the server refuses it anyway.
   */
  forgeClick(
    userId: string,
    card: CardCopy,
    actionId: string,
    choice?: { option?: string; user?: string; value?: string; block?: string },
  ): Promise<ClickResult>;
  /**
   * Where `userId` sees a control `actionId` about `reference`: the card if they are in the
   * security channel (and it has one), else their newest DM from Vigil that has one, else their
   * App Home. Undefined when it is nowhere they can see.
   */
  findControl(
    userId: string,
    reference: string,
    actionId: string,
    value?: string,
  ): Promise<Surface | undefined>;
  /** Clicks a control where `userId` sees it (findControl); fails the test if they see it nowhere. */
  clickWhereSeen(
    userId: string,
    reference: string,
    actionId: string,
    choice?: { option?: string; user?: string; value?: string },
  ): Promise<ClickResult & { surface: Surface }>;
  /** Opens App Home as `userId` and returns the view Slack published for them. */
  openHome(userId: string): Promise<Record<string, unknown>>;
  /**
   * Clicks a control about `reference` where `userId` sees it (the card for the security team, a
   * DM or App Home for everyone else); when it opens a form, fills it with `answers`, submits it
   * (confirming in the dialog a closing step pushes on top) and drains the outbox. `refused`: the
   * ephemeral answer to the click.
   */
  act(
    userId: string,
    reference: string,
    actionId: string,
    answers?: Record<string, Answer>,
  ): Promise<{ refused: string | null; errors: Record<string, string> | null }>;
  /** The DMs Slack took for `userId`, oldest first. */
  dmsTo(userId: string): RecordedCall[];
  /** The lines in the security channel's card threads, oldest first. */
  threadLines(): string[];
  /** Resolves once every listener that Slack's requests started has finished (replied, opened, changed). */
  settled(): Promise<void>;
  /** The modal most recently opened for `userId`. */
  lastModal(userId: string): FakeView;
  /** Errors this test expects to be logged; any other error logged fails the test at stop(). */
  expectErrors(pattern: RegExp): void;
  /** Opens, fills with a minimal valid report plus `answers`, and submits. */
  report(userId: string, answers?: Record<string, Answer>): Promise<Record<string, unknown> | null>;
  stop(): Promise<void>;
}

export interface CardCopy {
  ts: string;
  text?: string;
  blocks: { type: string; block_id?: string; accessory?: Element; elements?: Element[] }[];
}
interface Element {
  type: string;
  action_id?: string;
  value?: string;
}
export interface ClickResult {
  status: number;
  /** Ephemeral answers posted to the click's response_url. */
  replies: string[];
}

export const MINIMAL_REPORT: Record<string, Answer> = {
  category: 'device_loss',
  title: 'Laptop left on a train',
  description: 'Left my work laptop on the 08:12 to Leeds.',
  department: 'Finance',
};

export async function createWorld(
  opts: { env?: Record<string, string>; clock?: TestClock; databasePath?: string } = {},
): Promise<World> {
  const clock = opts.clock ?? testClock();
  const fake = await LocalSlack.start({
    channels: [
      {
        id: SECURITY_CHANNEL,
        name: 'security-incidents',
        isPrivate: true,
        botIsMember: true,
        members: [PEOPLE.siro, PEOPLE.responder, 'UBOT'],
      },
    ],
  });
  const config = loadConfig({ ...TEST_ENV, SLACK_API_URL: fake.url, ...opts.env });
  const db = openDatabase(opts.databasePath ?? ':memory:');
  const logs: LogRecord[] = [];
  // Tests log everything unless they ask for a level, to catch report text at any level.
  const logger = createLogger(opts.env?.LOG_LEVEL ? config.logLevel : 'debug', (r) => logs.push(r));
  const vigil = createVigil({
    config,
    db,
    clock,
    logger,
    botUserId: fake.botUserId,
    botId: fake.botId,
    workspaceUrl: `https://${fake.teamDomain}.slack.com/`,
  });
  // Listeners keep working after they ack (a reply, a form, a change): count them, so a test can
  // wait until they are done instead of guessing how long that takes under load.
  let listenersRunning = 0;
  vigil.app.use(async ({ next }) => {
    listenersRunning++;
    try {
      await next();
    } finally {
      listenersRunning--;
    }
  });
  const { port } = await vigil.start(0);
  const slack = new SlackSender(`http://127.0.0.1:${port}/slack/events`, SIGNING_SECRET);
  const people = new SlackPeople(fake, slack);
  const incidentId = (reference: string) =>
    db.select({ id: incidents.id }).from(incidents).where(eq(incidents.reference, reference)).get()?.id;
  const afterClick = async (delivered: Delivered): Promise<ClickResult> => {
    await world.settled();
    await vigil.outbox.drain();
    return { status: delivered.status, replies: delivered.replies() };
  };

  const allowedErrors: RegExp[] = [];
  const world: World = {
    fake,
    db,
    clock,
    config,
    vigil,
    slack,
    people,
    logs,
    async openReportForm(userId, text = '') {
      const triggerId = fake.issueTrigger(userId);
      const res = await slack.command(
        slashCommand({
          command: '/report-incident',
          text,
          userId,
          triggerId,
          responseUrl: fake.responseUrl(),
        }),
      );
      if (res.status !== 200) throw new Error(`/report-incident answered ${res.status}`);
      const [call] = await fake.waitFor('views.open', 1, {
        ok: true,
        where: (c) => c.args.trigger_id === triggerId,
      });
      const id = (call?.response as { view?: { id?: string } } | undefined)?.view?.id;
      const view = id ? fake.views.get(id) : undefined;
      if (!view) throw new Error('no report form was opened');
      return view;
    },
    async submitForm(userId, view, answers) {
      const res = await people.as(userId).submit(view, answers);
      await world.settled();
      checkFormAnswer(view, res.body);
      return { status: res.status, body: res.body };
    },
    card(reference) {
      const copy = fake
        .messages(SECURITY_CHANNEL)
        .filter((m) => !m.thread_ts || m.thread_ts === m.ts)
        .find((m) => JSON.stringify(m.blocks ?? []).includes(`${reference} ·`));
      if (!copy) throw new Error(`no card for ${reference} in the security channel`);
      return {
        ts: copy.ts,
        text: copy.text,
        blocks: structuredClone(copy.blocks ?? []) as CardCopy['blocks'],
      };
    },
    async click(userId, card, actionId, choice = {}) {
      const delivered = await people
        .as(userId)
        .click({ channel: SECURITY_CHANNEL, ts: card.ts }, actionId, { ...choice, asShown: card.blocks });
      return afterClick(delivered);
    },
    async findControl(userId, reference, actionId, value) {
      const id = incidentId(reference);
      if (id === undefined) return undefined;
      const has = (blocks: unknown[] | undefined, anywhere = false) =>
        controlsOf(blocks ?? []).some(
          ({ block, element }) =>
            (element.action_id === actionId ||
              (value === undefined && (element.options ?? []).some((o) => o.value === actionId))) &&
            (value === undefined || element.value === value) &&
            (anywhere || block.block_id?.startsWith(`duty:${id}:`) === true),
        );
      if (fake.canSee(userId, SECURITY_CHANNEL)) {
        const card = world.card(reference);
        if (has(card.blocks, true)) return { channel: SECURITY_CHANNEL, ts: card.ts };
      }
      const dm = fake
        .messages(userId)
        .reverse()
        .find((m) => has(m.blocks));
      if (dm) return { channel: userId, ts: dm.ts };
      const home = await world.openHome(userId);
      if (has(home.blocks as unknown[])) return { viewId: String(home.id) };
      return undefined;
    },
    async clickWhereSeen(userId, reference, actionId, choice = {}) {
      const surface = await world.findControl(userId, reference, actionId, choice.value);
      if (!surface) throw new NotDelivered(`${userId} sees no ${actionId} control about ${reference}`);
      return { ...(await afterClick(await people.as(userId).click(surface, actionId, choice))), surface };
    },
    async openHome(userId) {
      const before = fake.callsTo('views.publish', { ok: true }).length;
      const res = await people.as(userId).openHome();
      if (res.status !== 200) throw new Error(`app_home_opened answered ${res.status}`);
      await fake.waitFor('views.publish', before + 1, { ok: true });
      await world.settled();
      const view = fake.published.get(userId);
      if (!view) throw new Error(`no Home was published for ${userId}`);
      return view;
    },
    async forgeSubmit(userId, view, answers) {
      const res = await slack.interaction(
        viewSubmission({
          userId,
          view: {
            id: view.id,
            callback_id: String(view.view.callback_id ?? ''),
            private_metadata: String(view.view.private_metadata ?? ''),
            hash: view.hash,
            blocks: (view.view.blocks ?? []) as unknown[],
          },
          values: stateFromView(view.view, answers),
          triggerId: fake.issueTrigger(userId),
        }),
      );
      await world.settled();
      return { status: res.status, body: res.text ? (res.json() as Record<string, unknown>) : null };
    },
    async forgeClick(userId, card, wanted, asked = {}) {
      const shown = findShownControl(card.blocks, wanted, asked);
      // A control offered in the card's "More…" menu is sent as that menu's pick.
      const actionId = shown.inMenu ?? wanted;
      const choice = shown.inMenu ? { ...asked, option: shown.option } : asked;
      const found = shown.found && { b: shown.found.block, e: shown.found.element };
      if (!found?.b.block_id)
        throw new Error(`the card has no ${wanted} control${choice.block ? ` in ${choice.block}` : ''}`);
      const responseUrl = fake.responseUrl();
      const before = fake.responseUrlPosts.length;
      const res = await slack.interaction(
        blockAction({
          userId,
          actionId,
          blockId: found.b.block_id,
          actionType: found.e.type,
          ...(choice.option !== undefined ? { selectedOption: { value: choice.option } } : {}),
          ...(choice.user !== undefined ? { selectedUser: choice.user } : {}),
          ...(found.e.value !== undefined || choice.value !== undefined
            ? { value: choice.value ?? found.e.value }
            : {}),
          container: { type: 'message', channelId: SECURITY_CHANNEL, messageTs: card.ts },
          // Slack sends the clicked message along, as the copy the person was looking at.
          message: {
            type: 'message',
            user: fake.botUserId,
            bot_id: fake.botId,
            ts: card.ts,
            text: card.text ?? '',
            blocks: card.blocks,
          },
          triggerId: fake.issueTrigger(userId),
          responseUrl,
        }),
      );
      await world.settled();
      await vigil.outbox.drain();
      const replies = fake.responseUrlPosts
        .slice(before)
        .filter((p) => p.path.endsWith(new URL(responseUrl).pathname.split('/').pop() ?? ''))
        .map((p) => String(p.body.text ?? ''));
      return { status: res.status, replies };
    },
    async settled() {
      const deadline = Date.now() + 10_000;
      while (listenersRunning > 0) {
        if (Date.now() > deadline) throw new Error('listeners still running after 10 s');
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    async act(userId, reference, actionId, answers = {}) {
      const modalsBefore = fake.callsTo('views.open', { ok: true }).length;
      const click = await world.clickWhereSeen(userId, reference, actionId);
      if (click.replies.length > 0) return { refused: click.replies[0] ?? null, errors: null };
      if (fake.callsTo('views.open', { ok: true }).length === modalsBefore)
        return { refused: null, errors: null };
      let res = await world.submitForm(userId, world.lastModal(userId), answers);
      // A step that cannot be undone asks once more in a dialog on top: the person confirms.
      if (res.body?.response_action === 'push')
        res = await world.submitForm(userId, world.lastModal(userId), {});
      await vigil.outbox.drain();
      return { refused: null, errors: (res.body?.errors as Record<string, string> | undefined) ?? null };
    },
    dmsTo(userId) {
      return fake.callsTo('chat.postMessage', { ok: true }).filter((c) => c.args.channel === userId);
    },
    threadLines() {
      return fake
        .messages(SECURITY_CHANNEL)
        .filter((m) => m.thread_ts && m.thread_ts !== m.ts)
        .map((m) => m.text ?? '');
    },
    lastModal(userId) {
      const views = [...fake.views.values()].filter((v) => v.userId === userId && v.view.type === 'modal');
      const last = views.at(-1);
      if (!last) throw new Error(`no modal was opened for ${userId}`);
      return last;
    },
    async report(userId, answers = {}) {
      const view = await world.openReportForm(userId);
      const res = await world.submitForm(userId, view, { ...MINIMAL_REPORT, ...answers });
      if (res.status !== 200) throw new Error(`submission answered ${res.status}`);
      return res.body;
    },
    expectErrors(pattern) {
      allowedErrors.push(pattern);
    },
    async stop() {
      await vigil.stop();
      await fake.stop();
      closeDatabase(db);
      // STYLE.md habit 10: an error nobody expected fails the test that logged it.
      const unexpected = unexpectedErrors(world, allowedErrors);
      if (unexpected.length > 0) throw new Error(`unexpected errors were logged:\n${unexpected.join('\n')}`);
    },
  };
  return world;
}

/**
 * Slack refuses what a real client would never show: a view in the answer that breaks Block Kit's
 * limits, or errors keyed by a block the submitted view has no input for (slack-facts.md §3.1).
 * Every test that submits a form gets these checks.
 */
function checkFormAnswer(view: FakeView, body: Record<string, unknown> | null): void {
  for (const surface of answerSurfaces('the answer to the form', body)) {
    const problems = surfaceProblems(surface);
    if (problems.length > 0)
      throw new Error(`the form was answered with a view Slack would refuse:\n${problems.join('\n')}`);
  }
  if (body?.response_action !== 'errors') return;
  const inputs = new Set(
    ((view.view.blocks ?? []) as { type?: string; block_id?: string }[])
      .filter((b) => b.type === 'input' && b.block_id)
      .map((b) => b.block_id),
  );
  const errors = (body.errors ?? {}) as Record<string, unknown>;
  const misplaced = Object.entries(errors).filter(
    ([block, message]) => !inputs.has(block) || typeof message !== 'string' || message === '',
  );
  if (Object.keys(errors).length === 0 || misplaced.length > 0)
    throw new Error(
      `the form was answered with errors Slack cannot show: ${JSON.stringify(misplaced.length > 0 ? Object.fromEntries(misplaced) : errors)}`,
    );
}

/** Errors logged during a test that the test did not expect are failures (STYLE.md habit 10). */
/** The register's row for `reference` as stored now; fails the test when there is none. */
export function storedIncident(world: Pick<World, 'db'>, reference: string) {
  const row = world.db.select().from(incidents).where(eq(incidents.reference, reference)).get();
  if (!row) throw new Error(`no incident ${reference}`);
  return row;
}

export function unexpectedErrors(world: World, allowed: RegExp[] = []): string[] {
  return world.logs
    .filter((l) => l.level === 'error' && !allowed.some((re) => re.test(l.message)))
    .map((l) => l.message);
}
