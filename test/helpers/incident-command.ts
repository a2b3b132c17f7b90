import { slashCommand } from '../../src/local-slack/payloads';
import type { World } from './world';

/**
 * Types `/incident <text>` as `user`: Slack's HTTP answer (the acknowledgement) and the name of
 * the command's response_url, where exports, evidence packs and statistics answer after it.
 */
export async function incidentCommand(world: World, user: string, text: string) {
  const responseUrl = world.fake.responseUrl();
  const res = await world.slack.command(
    slashCommand({
      command: '/incident',
      text,
      userId: user,
      triggerId: world.fake.issueTrigger(user),
      responseUrl,
    }),
  );
  // Exports, evidence packs and statistics are made after the acknowledgement: wait for them.
  await world.settled();
  return { status: res.status, body: res.text ? (res.json() as Record<string, unknown>) : null, responseUrl };
}

/** What the app posted to a command's response_url after acknowledging it. */
export const postedLater = (world: World, responseUrl: string) =>
  world.fake.responseUrlPosts.filter((p) => responseUrl.endsWith(p.path)).map((p) => p.body);
