import { WebClient } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { slackClientOptions } from '../../src/app';
import { loadConfig } from '../../src/config';
import { LocalSlack, TEST_APP_TOKEN, TEST_BOT_TOKEN } from '../../src/local-slack/local-slack';
import { createLogger } from '../../src/logger';
import { verifySlackSetup } from '../../src/services/startup-checks';
import { TEST_ENV } from '../helpers/world';

let fake: LocalSlack;
afterEach(async () => {
  await fake?.stop();
});

const quiet = () => createLogger('error', () => {});

async function check(
  channel: { isPrivate: boolean; botIsMember: boolean } | null,
  env: Record<string, string> = {},
  appToken?: string,
  prepare: (f: LocalSlack) => void = () => {},
) {
  fake = await LocalSlack.start({
    channels: channel ? [{ id: 'GSECURITY', name: 'security', members: [], ...channel }] : [],
  });
  prepare(fake);
  const config = loadConfig({ ...TEST_ENV, SLACK_API_URL: fake.url, ...env });
  const client = new WebClient(config.slack.botToken, slackClientOptions(config, quiet()));
  const token = appToken ?? config.slack.appToken;
  const appClient = token ? new WebClient(token, slackClientOptions(config, quiet())) : undefined;
  return verifySlackSetup(client, config, appClient);
}

const socketMode = { SLACK_SIGNING_SECRET: '', SLACK_APP_TOKEN: TEST_APP_TOKEN };
const channelOk = { isPrivate: true, botIsMember: true };

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
      check(channelOk, { SLACK_BOT_TOKEN: 'xoxb-1000000001-2000000002-someoneElsesToken000' }),
    ).rejects.toThrow(/Slack refused SLACK_BOT_TOKEN \(invalid_auth\)/);
  });

  it('checks the app-level token in Socket Mode, saying what to do instead of a stack trace', async () => {
    await expect(check(channelOk, socketMode)).resolves.toMatchObject({ botUserId: 'UBOT' });
    expect(fake.callsTo('apps.connections.open', { ok: true })).toHaveLength(1);
    await fake.stop();
    await expect(
      check(channelOk, { ...socketMode, SLACK_APP_TOKEN: 'xapp-1-A0OTHER-3000000003-revokedAppToken00000' }),
    ).rejects.toThrow(
      /^Slack refused SLACK_APP_TOKEN \(invalid_auth\)\. Create one under your app's Basic Information > App-Level Tokens with the connections:write scope/,
    );
    await fake.stop();
    // A bot token handed to the Socket Mode client (the config refuses it; Slack would too).
    await expect(check(channelOk, socketMode, TEST_BOT_TOKEN)).rejects.toThrow(
      /^SLACK_APP_TOKEN is not an app-level token\./,
    );
    await fake.stop();
    const noScope = (f: LocalSlack) =>
      f.fail('apps.connections.open', { kind: 'error', error: 'missing_scope' });
    await expect(check(channelOk, socketMode, undefined, noScope)).rejects.toThrow(
      /lacks the connections:write scope/,
    );
  });

  it('asks nothing of an app-level token in HTTP mode', async () => {
    await check(channelOk);
    expect(fake.callsTo('apps.connections.open')).toHaveLength(0);
  });

  it('says when Slack cannot be reached at all', async () => {
    fake = await LocalSlack.start();
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
