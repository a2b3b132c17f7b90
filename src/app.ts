import type { Server } from 'node:http';
import { App, HTTPReceiver } from '@slack/bolt';
import type { Logger, WebClientOptions } from '@slack/web-api';
import type { Db } from '../db/client';
import { enableGroupCommit } from '../db/group-commit';
import type { Clock } from './clock';
import type { Config } from './config';
import { isRoleHolder } from './domain/roles';
import { sdkLogger } from './logger';
import { backfillDuties } from './services/duty-backfill';
import { OutboxWorker } from './services/outbox';
import { Scheduler } from './services/scheduler';
import { InFlight } from './slack/in-flight';
import { leanHotCalls } from './slack/lean-client';
import { registerListeners } from './slack/listeners';
import { People } from './slack/people';
import { guardRequests } from './slack/request-guard';
import { SecurityTeam } from './slack/security-team';
import { SeenRequests } from './slack/seen-requests';
import { UserGroups } from './slack/user-groups';

export interface VigilDeps {
  config: Config;
  db: Db;
  clock: Clock;
  logger: Logger;
  /** From the start-up auth.test, so Bolt does not call it again in its constructor. */
  botUserId: string;
  botId: string;
  /** The workspace's URL (auth.test), for links to cards without a Slack call each. */
  workspaceUrl: string;
}

export interface Vigil {
  app: App;
  outbox: OutboxWorker;
  scheduler: Scheduler;
  /** Starts serving (HTTP on `port`, default config.port; or Socket Mode) and delivering. */
  start(port?: number): Promise<{ port?: number }>;
  stop(): Promise<void>;
}

export function slackClientOptions(config: Config, logger: Logger): WebClientOptions {
  return {
    slackApiUrl: config.slack.apiUrl,
    logger: sdkLogger(logger),
    // The outbox retries with persisted back-off; an in-memory retry would only hold a request open.
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: config.slack.timeoutMs,
  };
}

/** How long shutdown waits for listeners already under way (each may wait on a few Slack calls). */
const STOP_GRACE_MS = 30_000;

export function createVigil(deps: VigilDeps): Vigil {
  const { config, logger } = deps;
  enableGroupCommit(deps.db, (err) => logger.error('could not commit the changes of the last moment', err));
  const clientOptions = slackClientOptions(config, logger);
  const socketMode = Boolean(config.slack.appToken);
  // HTTP mode: Bolt's own receiver, with Vigil's checks in front of it (src/slack/request-guard.ts).
  const receiver = socketMode
    ? undefined
    : new HTTPReceiver({ signingSecret: config.slack.signingSecret ?? '', logger: clientOptions.logger });
  if (receiver)
    guardRequests(receiver, {
      signingSecret: config.slack.signingSecret ?? '',
      seen: new SeenRequests(deps.db),
      logger,
    });
  const app = new App({
    token: config.slack.botToken,
    botId: deps.botId,
    botUserId: deps.botUserId,
    // Nothing reads Bolt's conversation store, and it builds an Error on every request.
    convoStore: false,
    // The SDK logger ignores the level Bolt sets on it, so ours stays at LOG_LEVEL.
    logger: clientOptions.logger,
    clientOptions,
    ...(socketMode
      ? { socketMode: true, appToken: config.slack.appToken, installerOptions: { clientOptions } }
      : { receiver }),
  });
  leanHotCalls(app.client, {
    token: config.slack.botToken,
    apiUrl: config.slack.apiUrl,
    timeoutMs: config.slack.timeoutMs,
    logger: clientOptions.logger ?? logger,
  });
  const securityTeam = new SecurityTeam(app.client, deps.db, deps.clock, config.securityChannelId, logger);
  const outbox = OutboxWorker.fromConfig(config, {
    db: deps.db,
    clock: deps.clock,
    client: app.client,
    logger,
    home: { config, workspaceUrl: deps.workspaceUrl, isSecurityTeam: (userId) => securityTeam.has(userId) },
  });
  const inFlight = new InFlight();
  app.use(inFlight.middleware);
  registerListeners(app, {
    ...deps,
    outbox,
    securityTeam,
    userGroups: new UserGroups(app.client, logger),
    people: new People(
      app.client,
      deps.botUserId,
      logger,
      (userId) => securityTeam.isMember(userId) || isRoleHolder(config, userId),
    ),
  });
  const scheduler = new Scheduler({ ...deps, client: app.client, outbox });

  return {
    app,
    outbox,
    scheduler,
    async start(port = config.port) {
      // A register kept before steps were asked for by message: record what is owed (quietly).
      const caughtUp = backfillDuties(deps.db, config);
      if (caughtUp > 0) logger.info(`recorded what is owed on ${caughtUp} open incidents kept from before`);
      // Who is in the security team, before the first click is decided from it (security-team.ts).
      await securityTeam.refresh();
      const started = (socketMode ? await app.start() : await app.start(port)) as Server | undefined;
      outbox.start();
      scheduler.start();
      const address = !socketMode && started && 'address' in started ? started.address() : null;
      return typeof address === 'object' && address ? { port: address.port } : {};
    },
    async stop() {
      // Accept nothing new, then let what was accepted write its changes before the outbox stops,
      // so a click acknowledged just before the signal is stored (and usually delivered) too.
      await app.stop();
      if (!(await inFlight.idle(STOP_GRACE_MS)))
        logger.warn(
          `${inFlight.size} Slack requests still running after ${STOP_GRACE_MS} ms; stopping anyway`,
        );
      await scheduler.stop();
      await outbox.stop();
    },
  };
}
