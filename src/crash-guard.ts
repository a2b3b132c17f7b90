import type { Logger } from '@slack/web-api';

/**
 * Nothing a request contains may stop the process: an error no handler caught (a promise nobody
 * awaited, a throw in a callback) is logged and Vigil carries on. What it was doing is either
 * committed or rolled back already (every write is one synchronous SQLite transaction), and the
 * outbox retries what Slack did not get; exiting would only stop every other person's work too.
 * Request shapes are refused before Bolt (src/slack/request-guard.ts): this is the net under that.
 */
export function keepRunningOnUncaughtErrors(
  proc: { on(event: string, listener: (error: unknown) => void): unknown },
  logger: Pick<Logger, 'error'>,
): void {
  proc.on('unhandledRejection', (reason) => {
    logger.error('unhandled rejection; Vigil keeps running:', reason);
  });
  proc.on('uncaughtException', (err) => {
    logger.error('uncaught exception; Vigil keeps running:', err);
  });
}
