/**
 * The floor: a bare Bolt app with the same signing secret (from SLACK_SIGNING_SECRET) and the
 * same HTTP receiver as Vigil, whose only listeners acknowledge `/report-incident` and the card's
 * Escalate button and do nothing else. Started by bench/ack-latency.ts; tells it its port over IPC.
 */
import type { Server } from 'node:http';
import { App, LogLevel } from '@slack/bolt';

const app = new App({
  signingSecret: process.env.SLACK_SIGNING_SECRET ?? '',
  token: 'xoxb-test-token',
  // As createVigil does: with both ids given, Bolt never calls auth.test.
  botId: 'BBOT',
  botUserId: 'UBOT',
  logLevel: LogLevel.WARN,
});
app.command('/report-incident', async ({ ack }) => {
  await ack();
});
app.action('card_escalate', async ({ ack }) => {
  await ack();
});

const server = (await app.start(0)) as Server;
const address = server.address();
process.send?.({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 });

const stop = () =>
  void app.stop().finally(() => {
    process.exit(0);
  });
process.on('SIGTERM', stop);
process.on('disconnect', stop);
