import { existsSync } from 'node:fs';
import { WebClient } from '@slack/web-api';
import { AuditKeyError } from '../db/audit-key';
import { closeDatabase, openDatabase } from '../db/client';
import { createVigil, slackClientOptions } from './app';
import { systemClock } from './clock';
import { ConfigError, loadConfig } from './config';
import { keepRunningOnUncaughtErrors } from './crash-guard';
import { loadDotEnv } from './env';
import { createLogger } from './logger';
import { sandboxWanted } from './sandbox/wanted';
import { assertAuditKeyFits } from './services/audit-key-check';
import { SetupError, verifySlackSetup } from './services/startup-checks';

async function main(): Promise<void> {
  if (sandboxWanted(process.env, existsSync('.env'))) {
    // Imported only here, so a start against Slack never loads the sandbox's code.
    const { runSandbox } = await import('./sandbox/run');
    return runSandbox(process.env);
  }
  loadDotEnv();
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  keepRunningOnUncaughtErrors(process, logger);
  const db = openDatabase(config.databasePath, { auditKey: config.auditKey });
  assertAuditKeyFits(db);
  const client = new WebClient(config.slack.botToken, slackClientOptions(config, logger));
  const appClient = config.slack.appToken
    ? new WebClient(config.slack.appToken, slackClientOptions(config, logger))
    : undefined;
  const identity = await verifySlackSetup(client, config, appClient);
  const vigil = createVigil({ config, db, clock: systemClock, logger, ...identity });
  const starting = vigil.start();

  // Installed before the app says it is ready, so a signal that follows that line is never fatal.
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal} received: finishing work in flight`);
    // vigil.stop() bounds its own waits; this only guards against a hang nobody foresaw.
    setTimeout(() => {
      logger.error('shutdown did not finish in 60 s; exiting without closing the database');
      process.exit(1);
    }, 60_000).unref();
    await starting.catch(() => undefined);
    await vigil.stop();
    // The last connection to close checkpoints the WAL into the database file and removes it.
    closeDatabase(db);
    logger.info('stopped; database closed');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  const { port } = await starting;
  logger.info(
    port !== undefined
      ? `Vigil is listening on http://localhost:${port}/slack/events`
      : 'Vigil is connected to Slack over Socket Mode',
  );
  const pending = vigil.outbox.pendingCount();
  if (pending > 0) logger.info(`${pending} Slack deliveries pending from before the restart`);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof SetupError || err instanceof AuditKeyError) {
    process.stderr.write(`${err.message}\n`);
  } else {
    process.stderr.write(
      `Vigil failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
  }
  process.exit(1);
});
