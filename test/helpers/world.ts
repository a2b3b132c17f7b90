import { REPORT_MODAL_CALLBACK } from '../../blocks/report-modal';
import { closeDatabase, type Db, openDatabase } from '../../db/client';
import { createVigil, type Vigil } from '../../src/app';
import type { Clock } from '../../src/clock';
import { type Config, loadConfig } from '../../src/config';
import { createLogger, type LogRecord } from '../../src/logger';
import { FakeSlack, type FakeView } from './fake-slack';
import { SlackSender, slashCommand, viewSubmission } from './signed-requests';
import { type Answer, stateFromView } from './slack-client';

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
  SLACK_BOT_TOKEN: 'xoxb-test-token',
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  SECURITY_CHANNEL_ID: SECURITY_CHANNEL,
  SIRO_USER_IDS: PEOPLE.siro,
  CIO_USER_IDS: PEOPLE.cio,
  MD_USER_IDS: PEOPLE.md,
  IAO_USER_IDS: PEOPLE.iao,
  DEPARTMENTS: `Finance=${PEOPLE.hodFinance},Engineering=${PEOPLE.hodEngineering},R&D <Labs>=${PEOPLE.hodEngineering}`,
  ORG_TIME_ZONE: 'Europe/London',
  PORT: '0',
};

export interface World {
  fake: FakeSlack;
  db: Db;
  clock: TestClock;
  config: Config;
  vigil: Vigil;
  slack: SlackSender;
  logs: LogRecord[];
  /** Runs /report-incident as `userId` and returns the modal Slack was asked to open. */
  openReportForm(userId: string, text?: string): Promise<FakeView>;
  /** Fills `view` like a person would and submits it; returns Slack's HTTP answer. */
  submitForm(
    userId: string,
    view: FakeView,
    answers: Record<string, Answer>,
  ): Promise<{ status: number; body: Record<string, unknown> | null }>;
  /** Opens, fills with a minimal valid report plus `answers`, and submits. */
  report(userId: string, answers?: Record<string, Answer>): Promise<Record<string, unknown> | null>;
  stop(): Promise<void>;
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
  const fake = await FakeSlack.start({
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
  const logger = createLogger('debug', (r) => logs.push(r));
  const vigil = createVigil({ config, db, clock, logger, botUserId: fake.botUserId, botId: fake.botId });
  const { port } = await vigil.start(0);
  const slack = new SlackSender(`http://127.0.0.1:${port}/slack/events`, SIGNING_SECRET);

  const world: World = {
    fake,
    db,
    clock,
    config,
    vigil,
    slack,
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
      const res = await slack.interaction(
        viewSubmission({
          userId,
          view: {
            id: view.id,
            callback_id: REPORT_MODAL_CALLBACK,
            private_metadata: String(view.view.private_metadata ?? ''),
            hash: view.hash,
            blocks: view.view.blocks as unknown[],
          },
          values: stateFromView(view.view, answers),
          triggerId: fake.issueTrigger(userId),
        }),
      );
      return { status: res.status, body: res.text ? (res.json() as Record<string, unknown>) : null };
    },
    async report(userId, answers = {}) {
      const view = await world.openReportForm(userId);
      const res = await world.submitForm(userId, view, { ...MINIMAL_REPORT, ...answers });
      if (res.status !== 200) throw new Error(`submission answered ${res.status}`);
      return res.body;
    },
    async stop() {
      await vigil.stop();
      await fake.stop();
      closeDatabase(db);
    },
  };
  return world;
}

/** Errors logged during a test that the test did not expect are failures (STYLE.md habit 10). */
export function unexpectedErrors(world: World, allowed: RegExp[] = []): string[] {
  return world.logs
    .filter((l) => l.level === 'error' && !allowed.some((re) => re.test(l.message)))
    .map((l) => l.message);
}
