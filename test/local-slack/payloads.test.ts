import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, type Logger, LogLevel, type SlashCommand } from '@slack/bolt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LocalSlack } from '../../src/local-slack/local-slack';
import {
  blockAction,
  eventCallback,
  globalShortcut,
  messageShortcut,
  SlackSender,
  signature,
  slashCommand,
  urlVerification,
  viewSubmission,
} from '../../src/local-slack/payloads';

const SECRET = 'test-signing-secret';

describe('signature()', () => {
  it('reproduces the official Slack test vector', () => {
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(signature('8f742231b10e8888abcd99yyyzzz85a5', 1531420618, body)).toBe(
      'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    );
  });

  it('depends on secret, timestamp and body', () => {
    const base = signature('s', 1, 'b');
    expect(signature('t', 1, 'b')).not.toBe(base);
    expect(signature('s', 2, 'b')).not.toBe(base);
    expect(signature('s', 1, 'c')).not.toBe(base);
  });
});

describe('SlackSender wire format (raw node:http receiver)', () => {
  interface Seen {
    headers: IncomingHttpHeaders;
    body: string;
  }
  let server: Server;
  let sender: SlackSender;
  const seen: Seen[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    sender = new SlackSender(
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`,
      SECRET,
    );
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  });

  beforeEach(() => {
    seen.length = 0;
  });

  const last = (): Seen => {
    const s = seen.at(-1);
    if (s === undefined) throw new Error('nothing received');
    return s;
  };

  it('signs commands as form bodies with the exact content type', async () => {
    const res = await sender.command({ command: '/incident', text: 'a b&c' }, { timestamp: 1700000000 });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ ok: true });
    const { headers, body } = last();
    expect(body).toBe('command=%2Fincident&text=a+b%26c');
    expect(headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(headers['x-slack-request-timestamp']).toBe('1700000000');
    expect(headers['x-slack-signature']).toBe(signature(SECRET, 1700000000, body));
  });

  it('sends interactions as payload=<urlencoded JSON> and events as JSON', async () => {
    const payload = { type: 'block_actions', text: 'ä & =' };
    await sender.interaction(payload);
    const form = last();
    expect(form.body).toBe(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
    expect(JSON.parse(new URLSearchParams(form.body).get('payload') ?? '')).toEqual(payload);
    expect(form.headers['content-type']).toBe('application/x-www-form-urlencoded');

    await sender.event({ type: 'event_callback' });
    const json = last();
    expect(json.headers['content-type']).toBe('application/json');
    expect(json.body).toBe('{"type":"event_callback"}');
    const ts = Number(json.headers['x-slack-request-timestamp']);
    expect(Math.abs(ts - Date.now() / 1000)).toBeLessThan(5);
    expect(json.headers['x-slack-signature']).toBe(signature(SECRET, ts, json.body));
  });

  it('honours signature, headers, contentType and omitHeaders overrides', async () => {
    await sender.raw('x=1', {
      signature: 'v0=bogus',
      headers: { 'X-Slack-Retry-Num': '1' },
      contentType: 'text/plain',
      omitHeaders: ['x-slack-request-timestamp'],
    });
    const { headers } = last();
    expect(headers['x-slack-signature']).toBe('v0=bogus');
    expect(headers['x-slack-retry-num']).toBe('1');
    expect(headers['content-type']).toBe('text/plain');
    expect(headers['x-slack-request-timestamp']).toBeUndefined();
  });
});

describe('SlackSender against a real Bolt HTTP receiver and LocalSlack', () => {
  const silentLogger: Logger = {
    debug: () => {},
    info: () => {},
    warn: () => {},
    error: () => {},
    setLevel: () => {},
    getLevel: () => LogLevel.ERROR,
    setName: () => {},
  };
  let fake: LocalSlack;
  let app: App;
  let sender: SlackSender;
  const commands: SlashCommand[] = [];
  const shortcutMessages: string[] = [];

  beforeAll(async () => {
    fake = await LocalSlack.start({
      channels: [
        { id: 'C0INC', name: 'incidents', isPrivate: false, botIsMember: true, members: ['U0ALICE'] },
      ],
    });
    app = new App({
      token: fake.token,
      signingSecret: SECRET,
      botId: fake.botId,
      botUserId: fake.botUserId,
      logger: silentLogger,
      clientOptions: { slackApiUrl: fake.url, retryConfig: { retries: 0 } },
    });
    app.command('/incident', async ({ ack, command }) => {
      commands.push(command);
      await ack(`received: ${command.text}`);
    });
    app.action('ack_incident', async ({ ack, respond, action }) => {
      await ack();
      await respond({
        text: `acknowledged ${'value' in action ? action.value : ''}`,
        replace_original: false,
      });
    });
    app.view('incident_new', async ({ ack, view }) => {
      const title = view.state.values.title_block?.title?.value ?? '';
      if (title.length < 5) {
        await ack({ response_action: 'errors', errors: { title_block: 'Title is too short' } });
        return;
      }
      await ack();
    });
    app.shortcut('new_incident', async ({ ack, client, shortcut }) => {
      await ack();
      await client.views.open({
        trigger_id: shortcut.trigger_id,
        view: {
          type: 'modal',
          callback_id: 'incident_new',
          title: { type: 'plain_text', text: 'New incident' },
          blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Describe it' } }],
        },
      });
    });
    app.shortcut('incident_from_message', async ({ ack, shortcut }) => {
      await ack();
      if (shortcut.type === 'message_action') shortcutMessages.push(shortcut.message.text ?? '');
    });
    app.event('app_home_opened', async ({ event, client }) => {
      await client.views.publish({
        user_id: event.user,
        view: { type: 'home', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Home' } }] },
      });
    });
    const server = await app.start(0);
    sender = new SlackSender(
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`,
      SECRET,
    );
  });

  afterAll(async () => {
    await app.stop();
    await fake.stop();
  });

  const command = (text: string) =>
    slashCommand({
      command: '/incident',
      text,
      userId: 'U0ALICE',
      channelId: 'C0INC',
      triggerId: fake.issueTrigger('U0ALICE'),
      responseUrl: fake.responseUrl(),
    });

  it('Bolt accepts a signed slash command and sees Slack’s field set', async () => {
    const res = await sender.command(command('phishing mail'));
    expect(res.status).toBe(200);
    expect(res.text).toBe('received: phishing mail');
    expect(commands.at(-1)).toMatchObject({
      command: '/incident',
      text: 'phishing mail',
      user_id: 'U0ALICE',
      channel_id: 'C0INC',
      team_id: 'T0TEST',
      team_domain: 'vigil-test',
      api_app_id: 'A0TEST',
    });
  });

  it('Bolt rejects a bad signature, a stale timestamp and a charset content type', async () => {
    expect((await sender.command(command('x'), { signature: 'v0=00' })).status).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    expect((await sender.command(command('x'), { timestamp: stale })).status).toBe(401);
    expect((await sender.command(command('x'), { omitHeaders: ['X-Slack-Signature'] })).status).toBe(401);
    const charset = 'application/x-www-form-urlencoded; charset=utf-8';
    expect((await sender.command(command('x'), { contentType: charset })).status).toBe(400);
  });

  it('routes a block action and Bolt’s respond() lands in fake.responseUrlPosts', async () => {
    const responseUrl = fake.responseUrl('action1');
    const res = await sender.interaction(
      blockAction({
        userId: 'U0ALICE',
        actionId: 'ack_incident',
        blockId: 'incident_42',
        value: '42',
        container: { type: 'message', channelId: 'C0INC', messageTs: '1760000000.000100' },
        triggerId: fake.issueTrigger('U0ALICE'),
        responseUrl,
      }),
    );
    expect(res.status).toBe(200);
    await expect.poll(() => fake.responseUrlPosts.length).toBe(1);
    expect(fake.responseUrlPosts[0]).toMatchObject({
      name: 'action1',
      body: { text: 'acknowledged 42', replace_original: false },
    });
  });

  it('routes a view submission and returns response_action errors', async () => {
    const submit = (title: string) =>
      sender.interaction(
        viewSubmission({
          userId: 'U0ALICE',
          view: { id: 'V0000000001', callback_id: 'incident_new', private_metadata: '{"channel":"C0INC"}' },
          values: { title_block: { title: { type: 'plain_text_input', value: title } } },
          triggerId: fake.issueTrigger('U0ALICE'),
        }),
      );
    const bad = await submit('abc');
    expect(bad.status).toBe(200);
    expect(bad.json()).toEqual({ response_action: 'errors', errors: { title_block: 'Title is too short' } });
    const good = await submit('Lost laptop');
    expect(good.status).toBe(200);
    expect(good.text).toBe('');
  });

  it('routes a global shortcut whose trigger opens a modal on LocalSlack', async () => {
    const res = await sender.interaction(
      globalShortcut({
        userId: 'U0ALICE',
        callbackId: 'new_incident',
        triggerId: fake.issueTrigger('U0ALICE'),
      }),
    );
    expect(res.status).toBe(200);
    const [open] = await fake.waitFor('views.open', 1, { ok: true });
    expect(open?.args.view).toMatchObject({ callback_id: 'incident_new' });
    expect(open?.args.team_id).toBe('T0TEST');
  });

  it('routes a message shortcut', async () => {
    const res = await sender.interaction(
      messageShortcut({
        userId: 'U0ALICE',
        callbackId: 'incident_from_message',
        triggerId: fake.issueTrigger('U0ALICE'),
        channelId: 'C0INC',
        messageTs: '1760000000.000200',
        messageText: 'suspicious login from 203.0.113.7',
        responseUrl: fake.responseUrl(),
      }),
    );
    expect(res.status).toBe(200);
    expect(shortcutMessages).toEqual(['suspicious login from 203.0.113.7']);
  });

  it('routes events and answers url_verification', async () => {
    const res = await sender.event(
      eventCallback({ type: 'app_home_opened', user: 'U0ALICE', channel: 'D0ALICE', tab: 'home' }),
    );
    expect(res.status).toBe(200);
    await fake.waitFor('views.publish', 1, { ok: true });
    expect(fake.published.get('U0ALICE')).toMatchObject({ type: 'home' });

    const challenge = await sender.event(urlVerification('abc123'));
    expect(challenge.status).toBe(200);
    expect(challenge.json()).toEqual({ challenge: 'abc123' });
  });
});
