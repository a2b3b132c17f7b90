/**
 * Vigil itself, composed as main.ts composes it (config, database, start-up checks, the Bolt app
 * in HTTP mode), but pointed at the embedded Slack: it calls LocalSlack's Web API over HTTP and
 * receives requests signed with a secret only the sandbox knows.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '@slack/web-api';
import { WebClient } from '@slack/web-api';
import { closeDatabase, type Db, openDatabase } from '../../db/client';
import { createVigil, slackClientOptions, type Vigil } from '../app';
import type { Clock } from '../clock';
import { type Config, loadConfig } from '../config';
import type { LocalSlack } from '../local-slack/local-slack';
import { SlackSender } from '../local-slack/payloads';
import { SlackPeople } from '../local-slack/people';
import { verifySlackSetup } from '../services/startup-checks';
import { orgEnv } from './org';

/** Settings a visitor may still tune in sandbox mode: the procedure's timings, not the Slack connection. */
const TUNABLE =
  /^(TARGET_HOURS_|NOTIFY_|REMIND_|ESCALATE_|WORKDAY_HOURS$|REMINDER_SWEEP_MINUTES$|TRIAGE_ROLES$|OUTBOX_MAX_BACKOFF_SECONDS$|LOG_LEVEL$)/;

export interface VigilRun {
  config: Config;
  db: Db;
  vigil: Vigil;
  people: SlackPeople;
  stop(): Promise<void>;
}

export async function startVigil(
  slack: LocalSlack,
  opts: {
    clock: Clock;
    databasePath: string;
    env: Record<string, string | undefined>;
    logger: (level: Config['logLevel']) => Logger;
  },
): Promise<VigilRun> {
  const secret = randomBytes(16).toString('hex');
  const tunables = Object.fromEntries(Object.entries(opts.env).filter(([k]) => TUNABLE.test(k)));
  const config = loadConfig({
    LOG_LEVEL: 'warn',
    ...tunables,
    ...orgEnv(),
    SLACK_BOT_TOKEN: slack.token,
    SLACK_SIGNING_SECRET: secret,
    SLACK_API_URL: slack.url,
    PORT: '0',
    DATABASE_PATH: opts.databasePath,
  });
  const logger = opts.logger(config.logLevel);
  const identity = await verifySlackSetup(
    new WebClient(config.slack.botToken, slackClientOptions(config, logger)),
    config,
  );
  const db = openDatabase(config.databasePath);
  const vigil = createVigil({ config, db, clock: opts.clock, logger, ...identity });
  const { port } = await vigil.start(0);
  const people = new SlackPeople(slack, new SlackSender(`http://127.0.0.1:${port}/slack/events`, secret));
  return {
    config,
    db,
    vigil,
    people,
    async stop() {
      await vigil.stop();
      closeDatabase(db);
    },
  };
}
