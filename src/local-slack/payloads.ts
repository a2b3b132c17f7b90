/**
 * Sends requests to a Bolt HTTP receiver signed exactly as Slack signs them (slack-facts.md §1), and builds
 * realistic interaction / command / event payloads (slack-facts.md §2).
 */
import { createHmac } from 'node:crypto';

export const TEST_TEAM = { id: 'T0TEST', domain: 'vigil-test' } as const;
export const TEST_APP_ID = 'A0TEST';
/** Deprecated verification token Slack still includes in payloads. */
export const TEST_VERIFICATION_TOKEN = 'legacy-verification-token';
export const TEST_BOT_USER_ID = 'UBOT';
export const TEST_BOT_ID = 'BBOT';

export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';
export const JSON_CONTENT_TYPE = 'application/json';

/** `v0=` + hex(HMAC-SHA256(secret, `v0:${timestamp}:${rawBody}`)). */
export function signature(secret: string, timestamp: number, rawBody: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

export interface SendOptions {
  /** seconds; default now */
  timestamp?: number;
  /** override the computed X-Slack-Signature */
  signature?: string;
  /** extra headers (e.g. x-slack-retry-num); win over the defaults */
  headers?: Record<string, string>;
  /** override the Content-Type (e.g. to prove Bolt's exact-match trap) */
  contentType?: string;
  /** header names (case-insensitive) to leave out, e.g. ['X-Slack-Signature'] */
  omitHeaders?: string[];
}

export interface SlackResponse {
  status: number;
  text: string;
  json(): unknown;
  headers: Headers;
}

export class SlackSender {
  constructor(
    readonly endpoint: string,
    readonly signingSecret: string,
  ) {}

  /** Form-encoded slash command (fields as form params). */
  command(fields: Record<string, string>, opts: SendOptions = {}): Promise<SlackResponse> {
    return this.send(new URLSearchParams(fields).toString(), FORM_CONTENT_TYPE, opts);
  }

  /** Interactivity payload: form body with a single `payload` field holding JSON. */
  interaction(payload: Record<string, unknown>, opts: SendOptions = {}): Promise<SlackResponse> {
    return this.send(`payload=${encodeURIComponent(JSON.stringify(payload))}`, FORM_CONTENT_TYPE, opts);
  }

  /** Events API body (event_callback, url_verification) as JSON. */
  event(body: Record<string, unknown>, opts: SendOptions = {}): Promise<SlackResponse> {
    return this.send(JSON.stringify(body), JSON_CONTENT_TYPE, opts);
  }

  /** Any raw body, signed; Content-Type defaults to the form type. */
  raw(body: string, opts: SendOptions = {}): Promise<SlackResponse> {
    return this.send(body, FORM_CONTENT_TYPE, opts);
  }

  private async send(body: string, defaultContentType: string, opts: SendOptions): Promise<SlackResponse> {
    const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      'Content-Type': opts.contentType ?? defaultContentType,
      'X-Slack-Request-Timestamp': String(timestamp),
      'X-Slack-Signature': opts.signature ?? signature(this.signingSecret, timestamp, body),
      ...opts.headers,
    };
    const omit = new Set((opts.omitHeaders ?? []).map((h) => h.toLowerCase()));
    for (const name of Object.keys(headers)) {
      if (omit.has(name.toLowerCase())) delete headers[name];
    }
    const res = await fetch(this.endpoint, { method: 'POST', headers, body });
    const text = await res.text();
    return {
      status: res.status,
      text,
      headers: res.headers,
      json(): unknown {
        return JSON.parse(text);
      },
    };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Payload builders

let seq = 0;
const next = (): number => {
  seq += 1;
  return seq;
};

/** Slack-style timestamp string 'seconds.micros' for the current time. */
export function slackTs(ms: number = Date.now()): string {
  const micros = (ms % 1000) * 1000 + (next() % 1000);
  return `${Math.floor(ms / 1000)}.${String(micros).padStart(6, '0')}`;
}

function userName(userId: string): string {
  return `user_${userId.toLowerCase()}`;
}

function payloadUser(userId: string, name?: string): Record<string, unknown> {
  const n = name ?? userName(userId);
  return { id: userId, username: n, name: n, team_id: TEST_TEAM.id };
}

const envelope = (): Record<string, unknown> => ({
  api_app_id: TEST_APP_ID,
  token: TEST_VERIFICATION_TOKEN,
  team: { ...TEST_TEAM },
  enterprise: null,
  is_enterprise_install: false,
});

export function slashCommand(p: {
  command: string;
  text?: string;
  userId: string;
  userName?: string;
  channelId?: string;
  channelName?: string;
  triggerId: string;
  responseUrl: string;
}): Record<string, string> {
  const channelId = p.channelId ?? 'C0TEST';
  return {
    token: TEST_VERIFICATION_TOKEN,
    team_id: TEST_TEAM.id,
    team_domain: TEST_TEAM.domain,
    channel_id: channelId,
    channel_name: p.channelName ?? (channelId.startsWith('D') ? 'directmessage' : channelId.toLowerCase()),
    user_id: p.userId,
    user_name: p.userName ?? userName(p.userId),
    command: p.command,
    text: p.text ?? '',
    api_app_id: TEST_APP_ID,
    is_enterprise_install: 'false',
    response_url: p.responseUrl,
    trigger_id: p.triggerId,
  };
}

export type ActionContainer =
  | { type: 'message'; channelId: string; messageTs: string; isEphemeral?: boolean }
  | { type: 'view'; viewId: string };

export function blockAction(p: {
  userId: string;
  actionId: string;
  blockId: string;
  /** element type; inferred (button / static_select / users_select) when omitted */
  actionType?: string;
  value?: string;
  selectedOption?: { value: string; text?: string };
  selectedUser?: string;
  container: ActionContainer;
  /** the surrounding view (view container); a minimal modal is synthesised when omitted */
  view?: Record<string, unknown>;
  /** the message the action came from (message container); a minimal bot message is synthesised when omitted */
  message?: Record<string, unknown>;
  triggerId: string;
  responseUrl?: string;
  stateValues?: Record<string, Record<string, unknown>>;
}): Record<string, unknown> {
  const actionTs = slackTs();
  let action: Record<string, unknown>;
  if (p.selectedOption !== undefined) {
    const text = p.selectedOption.text ?? p.selectedOption.value;
    action = {
      type: p.actionType ?? 'static_select',
      selected_option: { text: { type: 'plain_text', text, emoji: true }, value: p.selectedOption.value },
    };
  } else if (p.selectedUser !== undefined) {
    action = { type: p.actionType ?? 'users_select', selected_user: p.selectedUser };
  } else {
    action = {
      type: p.actionType ?? 'button',
      ...(p.value !== undefined ? { value: p.value } : {}),
      text: { type: 'plain_text', text: p.actionId, emoji: true },
    };
  }
  action = { ...action, block_id: p.blockId, action_id: p.actionId, action_ts: actionTs };

  const body: Record<string, unknown> = {
    type: 'block_actions',
    user: payloadUser(p.userId),
    ...envelope(),
    trigger_id: p.triggerId,
  };
  const values = p.stateValues ?? {};
  if (p.container.type === 'message') {
    const { channelId, messageTs } = p.container;
    body.container = {
      type: 'message',
      message_ts: messageTs,
      channel_id: channelId,
      is_ephemeral: p.container.isEphemeral ?? false,
    };
    body.channel = {
      id: channelId,
      name: channelId.startsWith('D') ? 'directmessage' : channelId.toLowerCase(),
    };
    body.message = p.message ?? {
      type: 'message',
      user: TEST_BOT_USER_ID,
      bot_id: TEST_BOT_ID,
      ts: messageTs,
      text: '',
      blocks: [],
    };
    body.state = { values };
    if (p.responseUrl !== undefined) body.response_url = p.responseUrl;
  } else {
    body.container = { type: 'view', view_id: p.container.viewId };
    const view = p.view ?? {
      id: p.container.viewId,
      team_id: TEST_TEAM.id,
      type: 'modal',
      callback_id: '',
      private_metadata: '',
      blocks: [],
      hash: `${Math.floor(Date.now() / 1000)}.abcdef01`,
      root_view_id: p.container.viewId,
      previous_view_id: null,
      app_id: TEST_APP_ID,
      app_installed_team_id: TEST_TEAM.id,
      bot_id: TEST_BOT_ID,
      external_id: '',
    };
    body.view = view.state === undefined ? { ...view, state: { values } } : view;
    if (typeof view.hash === 'string') body.hash = view.hash;
    if (p.responseUrl !== undefined) body.response_url = p.responseUrl;
  }
  body.actions = [action];
  return body;
}

export function viewSubmission(p: {
  userId: string;
  view: { id: string; callback_id: string; private_metadata?: string; hash?: string; blocks?: unknown[] };
  values: Record<string, Record<string, unknown>>;
  triggerId: string;
  responseUrls?: { block_id: string; action_id: string; channel_id: string; response_url: string }[];
}): Record<string, unknown> {
  const { id } = p.view;
  return {
    type: 'view_submission',
    ...envelope(),
    user: payloadUser(p.userId),
    trigger_id: p.triggerId,
    view: {
      id,
      team_id: TEST_TEAM.id,
      type: 'modal',
      callback_id: p.view.callback_id,
      private_metadata: p.view.private_metadata ?? '',
      title: { type: 'plain_text', text: 'Vigil', emoji: true },
      submit: { type: 'plain_text', text: 'Submit', emoji: true },
      close: { type: 'plain_text', text: 'Cancel', emoji: true },
      blocks: p.view.blocks ?? [],
      state: { values: p.values },
      hash: p.view.hash ?? `${Math.floor(Date.now() / 1000)}.abcdef01`,
      clear_on_close: false,
      notify_on_close: false,
      root_view_id: id,
      previous_view_id: null,
      app_id: TEST_APP_ID,
      app_installed_team_id: TEST_TEAM.id,
      bot_id: TEST_BOT_ID,
      external_id: '',
    },
    response_urls: p.responseUrls ?? [],
  };
}

export function globalShortcut(p: {
  userId: string;
  callbackId: string;
  triggerId: string;
}): Record<string, unknown> {
  return {
    type: 'shortcut',
    ...envelope(),
    action_ts: slackTs(),
    user: { id: p.userId, username: userName(p.userId), team_id: TEST_TEAM.id },
    callback_id: p.callbackId,
    trigger_id: p.triggerId,
  };
}

export function messageShortcut(p: {
  userId: string;
  callbackId: string;
  triggerId: string;
  channelId: string;
  channelName?: string;
  messageTs: string;
  messageText: string;
  messageUser?: string;
  responseUrl: string;
}): Record<string, unknown> {
  return {
    type: 'message_action',
    ...envelope(),
    callback_id: p.callbackId,
    trigger_id: p.triggerId,
    response_url: p.responseUrl,
    action_ts: slackTs(),
    message_ts: p.messageTs,
    channel: {
      id: p.channelId,
      name: p.channelName ?? (p.channelId.startsWith('D') ? 'directmessage' : p.channelId.toLowerCase()),
    },
    user: payloadUser(p.userId),
    message: {
      type: 'message',
      user: p.messageUser ?? 'U0AUTHOR',
      ts: p.messageTs,
      text: p.messageText,
    },
  };
}

/** Events API `event_callback` envelope around `event`. */
export function eventCallback(
  event: Record<string, unknown>,
  opts: { eventId?: string } = {},
): Record<string, unknown> {
  const now = Date.now();
  return {
    token: TEST_VERIFICATION_TOKEN,
    team_id: TEST_TEAM.id,
    context_team_id: TEST_TEAM.id,
    context_enterprise_id: null,
    api_app_id: TEST_APP_ID,
    event: { event_ts: slackTs(now), ...event },
    type: 'event_callback',
    event_id: opts.eventId ?? `Ev${String(next()).padStart(10, '0')}`,
    event_time: Math.floor(now / 1000),
    authorizations: [
      {
        enterprise_id: null,
        team_id: TEST_TEAM.id,
        user_id: TEST_BOT_USER_ID,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
    event_context: `4-${Buffer.from(`${TEST_TEAM.id}:${now}`).toString('base64')}`,
  };
}

/** The url_verification handshake body Slack sends when the request URL is configured. */
export function urlVerification(challenge: string): Record<string, unknown> {
  return { token: TEST_VERIFICATION_TOKEN, challenge, type: 'url_verification' };
}
