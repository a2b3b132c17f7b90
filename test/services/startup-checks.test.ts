import { WebClient } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { slackClientOptions } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { verifySlackSetup } from '../../src/services/startup-checks';
import { FakeSlack } from '../helpers/fake-slack';
import { TEST_ENV } from '../helpers/world';

let fake: FakeSlack;
afterEach(async () => {
  await fake?.stop();
});

async function check(
  channel: { isPrivate: boolean; botIsMember: boolean } | null,
  env: Record<string, string> = {},
) {
  fake = await FakeSlack.start({
    channels: channel ? [{ id: 'GSECURITY', name: 'security', members: [], ...channel }] : [],
  });
  const config = loadConfig({ ...TEST_ENV, SLACK_API_URL: fake.url, ...env });
  const client = new WebClient(
    config.slack.botToken,
    slackClientOptions(
      config,
      createLogger('error', () => {}),
    ),
  );
  return verifySlackSetup(client, config);
}

describe('start-up checks', () => {
  it('accepts a working token and a private channel the bot is in', async () => {
    await expect(check({ isPrivate: true, botIsMember: true })).resolves.toEqual({
      botUserId: 'UBOT',
      botId: 'BBOT',
      workspaceUrl: 'https://vigil-test.slack.com/',
    });
  });

  it('says to invite the bot when it cannot see the channel', async () => {
    await expect(check({ isPrivate: true, botIsMember: false })).rejects.toThrow(
      /cannot see SECURITY_CHANNEL_ID GSECURITY.*\/invite @Vigil/,
    );
    await fake.stop();
    await expect(check(null)).rejects.toThrow(/cannot see SECURITY_CHANNEL_ID GSECURITY/);
  });

  it('refuses a public channel, since report details must stay with the security team', async () => {
    await expect(check({ isPrivate: false, botIsMember: true })).rejects.toThrow(/is a public channel/);
  });

  it('names the token when Slack refuses it', async () => {
    await expect(
      check({ isPrivate: true, botIsMember: true }, { SLACK_BOT_TOKEN: 'xoxb-wrong' }),
    ).rejects.toThrow(/Slack refused SLACK_BOT_TOKEN \(invalid_auth\)/);
  });

  it('says when Slack cannot be reached at all', async () => {
    fake = await FakeSlack.start();
    const url = fake.url;
    await fake.stop();
    const config = loadConfig({ ...TEST_ENV, SLACK_API_URL: url });
    const client = new WebClient(
      config.slack.botToken,
      slackClientOptions(
        config,
        createLogger('error', () => {}),
      ),
    );
    await expect(verifySlackSetup(client, config)).rejects.toThrow(/Cannot reach Slack's Web API/);
  });
});
