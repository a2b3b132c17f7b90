import { WebClient } from '@slack/web-api';
import { closeDatabase, openDatabase } from '../db/client';
import { createVigil, slackClientOptions } from './app';
import { systemClock } from './clock';
import { ConfigError, loadConfig } from './config';
import { loadDotEnv } from './env';
import { createLogger } from './logger';
import { SetupError, verifySlackSetup } from './services/startup-checks';

async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  const db = openDatabase(config.databasePath);
  const client = new WebClient(config.slack.botToken, slackClientOptions(config, logger));
  const appClient = config.slack.appToken
    ? new WebClient(config.slack.appToken, slackClientOptions(config, logger))
    : undefined;
  const identity = await verifySlackSetup(client, config, appClient);
  const vigil = createVigil({ config, db, clock: systemClock, logger, ...identity });
  const { port } = await vigil.start();
  logger.info(
    port !== undefined
      ? `Vigil is listening on http://localhost:${port}/slack/events`
      : 'Vigil is connected to Slack over Socket Mode',
  );
  const pending = vigil.outbox.pendingCount();
  if (pending > 0) logger.info(`${pending} Slack deliveries pending from before the restart`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal} received: finishing work in flight`);
    await vigil.stop();
    closeDatabase(db);
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof SetupError) {
    process.stderr.write(`${err.message}\n`);
  } else {
    process.stderr.write(
      `Vigil failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
  }
  process.exit(1);
});
