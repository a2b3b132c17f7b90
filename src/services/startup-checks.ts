import { WebAPIPlatformError, type WebClient } from '@slack/web-api';
import type { Config } from '../config';

export class SetupError extends Error {
  override name = 'SetupError';
}

const codeOf = (err: unknown) => (err instanceof WebAPIPlatformError ? String(err.data.error) : undefined);

const unreachable = (config: Config, err: unknown) =>
  new SetupError(
    `Cannot reach Slack's Web API at ${config.slack.apiUrl} (${err instanceof Error ? err.message : String(err)}). ` +
      'Check the network, or SLACK_API_URL if you set it.',
  );

/**
 * Socket Mode starts with `apps.connections.open` on the app-level token. Asking once here turns a
 * wrong token into one sentence instead of a stack trace from deep inside the Socket Mode client.
 */
async function verifyAppToken(appClient: WebClient, config: Config): Promise<void> {
  try {
    await appClient.apps.connections.open();
  } catch (err) {
    const code = codeOf(err);
    if (!code) throw unreachable(config, err);
    const where =
      "Create one under your app's Basic Information > App-Level Tokens with the connections:write scope " +
      'and copy it (it starts with xapp-), or leave SLACK_APP_TOKEN empty to use HTTP mode.';
    if (code === 'not_allowed_token_type')
      throw new SetupError(`SLACK_APP_TOKEN is not an app-level token. ${where}`);
    if (code === 'missing_scope')
      throw new SetupError(`SLACK_APP_TOKEN lacks the connections:write scope. ${where}`);
    if (['invalid_auth', 'not_authed', 'token_revoked', 'account_inactive'].includes(code))
      throw new SetupError(`Slack refused SLACK_APP_TOKEN (${code}). ${where}`);
    throw new SetupError(
      `Slack would not open a Socket Mode connection (${code}). Turn on Socket Mode in your app's settings ` +
        '(Socket Mode > Enable Socket Mode), or leave SLACK_APP_TOKEN empty to use HTTP mode.',
    );
  }
}

/**
 * Checks what the app needs from Slack before it serves anyone: a working token, a working
 * app-level token in Socket Mode, and a private security channel the bot is in. Each failure says
 * exactly what to fix.
 */
export async function verifySlackSetup(
  client: WebClient,
  config: Config,
  /** A client on SLACK_APP_TOKEN, when it is set. */
  appClient?: WebClient,
): Promise<{ botUserId: string; botId: string; workspaceUrl: string }> {
  let auth: Awaited<ReturnType<WebClient['auth']['test']>>;
  try {
    auth = await client.auth.test();
  } catch (err) {
    const code = codeOf(err);
    if (code)
      throw new SetupError(
        `Slack refused SLACK_BOT_TOKEN (${code}). Copy the Bot User OAuth Token again from your app's ` +
          'OAuth & Permissions page (reinstall the app to the workspace if you changed its scopes).',
      );
    throw unreachable(config, err);
  }
  if (!auth.user_id || !auth.bot_id)
    throw new SetupError('SLACK_BOT_TOKEN is not a bot token: use the Bot User OAuth Token (xoxb-…).');
  if (appClient) await verifyAppToken(appClient, config);

  const channelId = config.securityChannelId;
  let channel: Awaited<ReturnType<WebClient['conversations']['info']>>['channel'];
  try {
    channel = (await client.conversations.info({ channel: channelId })).channel;
  } catch (err) {
    const code = codeOf(err);
    if (code === 'channel_not_found')
      throw new SetupError(
        `Vigil cannot see SECURITY_CHANNEL_ID ${channelId}. Check the ID (channel name > About > Channel ID) and ` +
          'invite the bot: in the private security channel type /invite @Vigil.',
      );
    if (code === 'missing_scope')
      throw new SetupError(
        'The bot token lacks the groups:read scope needed to check the security channel. ' +
          'Create the app from manifest.yml (or add the scope) and reinstall it to the workspace.',
      );
    throw new SetupError(`Checking SECURITY_CHANNEL_ID ${channelId} failed (${code ?? String(err)}).`);
  }
  if (!channel?.is_private)
    throw new SetupError(
      `SECURITY_CHANNEL_ID ${channelId} is a public channel. Report details must only reach the security team: ` +
        'create a private channel, invite the bot with /invite @Vigil, and use its ID.',
    );
  if (channel.is_member === false)
    throw new SetupError(
      `The bot is not a member of SECURITY_CHANNEL_ID ${channelId}. In that channel type /invite @Vigil.`,
    );
  if (channel.is_archived)
    throw new SetupError(
      `SECURITY_CHANNEL_ID ${channelId} is archived: unarchive it or choose another channel.`,
    );
  return { botUserId: auth.user_id, botId: auth.bot_id, workspaceUrl: auth.url ?? '' };
}
