import {
  type HomeView,
  type Logger,
  LogLevel,
  type ModalView,
  type SectionBlock,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  WebClient,
} from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateBlocks, validateMessage, validateView } from '../../src/local-slack/block-kit-limits';
import { LocalSlack, TEST_BOT_TOKEN } from '../../src/local-slack/local-slack';

const TOKEN = TEST_BOT_TOKEN;

/** Keeps WebClient's [ERROR]/[WARN] echo of expected failures out of the test output. */
const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};
const clientOptions = (slackApiUrl: string) => ({
  slackApiUrl,
  retryConfig: { retries: 0 },
  rejectRateLimitedCalls: true,
  logger: silentLogger,
});

const section = (text: string): SectionBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text },
});
const modal = (over: Partial<ModalView> = {}): ModalView => ({
  type: 'modal',
  callback_id: 'incident_new',
  title: { type: 'plain_text', text: 'New incident' },
  blocks: [section('hello')],
  ...over,
});

/** Awaits a promise that must reject and returns the rejection (fails the test if it resolves). */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

async function platformError(p: Promise<unknown>): Promise<WebAPIPlatformError> {
  const error = await rejection(p);
  expect(error).toBeInstanceOf(WebAPIPlatformError);
  return error as WebAPIPlatformError;
}

let fake: LocalSlack;
let client: WebClient;
let clock: number;

beforeEach(async () => {
  clock = Date.now();
  fake = await LocalSlack.start({
    now: () => clock,
    users: [{ id: 'U0ALICE', name: 'alice', tz: 'Europe/Berlin' }],
    channels: [
      { id: 'C0INC', name: 'incidents', isPrivate: false, botIsMember: true, members: ['U0ALICE'] },
      { id: 'C0PUB', name: 'random', isPrivate: false, botIsMember: false, members: ['U0ALICE'] },
      { id: 'G0SEC', name: 'secret', isPrivate: true, botIsMember: false, members: ['U0ALICE'] },
      { id: 'G0ISMS', name: 'isms', isPrivate: true, botIsMember: true, members: ['U0ALICE', 'U0BOB'] },
    ],
  });
  client = new WebClient(TOKEN, clientOptions(fake.url));
});

afterEach(async () => {
  await fake.stop();
});

describe('LocalSlack: auth', () => {
  it('answers auth.test with the bot identity', async () => {
    const res = await client.auth.test();
    expect(res).toMatchObject({ ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T0TEST' });
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
  });

  it('rejects unknown tokens with invalid_auth and missing ones with not_authed', async () => {
    const other = new WebClient('xoxb-wrong', clientOptions(fake.url));
    expect((await platformError(other.auth.test())).data.error).toBe('invalid_auth');
    const res = await fetch(`${fake.url}auth.test`, { method: 'POST' });
    expect(await res.json()).toEqual({ ok: false, error: 'not_authed' });
    expect(fake.calls.map((c) => [c.method, c.error])).toEqual([
      ['auth.test', 'invalid_auth'],
      ['auth.test', 'not_authed'],
    ]);
  });

  it('answers unknown_method for methods it does not model', async () => {
    expect((await platformError(client.apiCall('emoji.list'))).data.error).toBe('unknown_method');
  });
});

describe('LocalSlack: chat.*', () => {
  it('records the call with form fields parsed back (blocks as JSON) and keeps message state', async () => {
    const res = await client.chat.postMessage({ channel: 'C0INC', text: 'hi', blocks: [section('*hi*')] });
    expect(res.ok).toBe(true);
    expect(res.ts).toMatch(/^\d{10}\.\d{6}$/);
    const [call] = await fake.waitFor('chat.postMessage');
    expect(call?.args.blocks).toEqual([section('*hi*')]);
    expect(call?.token).toBe(TOKEN);
    expect(fake.messages('C0INC')).toEqual([
      { ts: res.ts, text: 'hi', blocks: [section('*hi*')], user: 'UBOT' },
    ]);

    const second = await client.chat.postMessage({ channel: 'C0INC', text: 'again' });
    expect(Number(second.ts)).toBeGreaterThan(Number(res.ts));
  });

  it('returns invalid_blocks for a 51-block message', async () => {
    const blocks = Array.from({ length: 51 }, (_, i) => section(`line ${i}`));
    const error = await platformError(client.chat.postMessage({ channel: 'C0INC', text: 'x', blocks }));
    expect(error.data.error).toBe('invalid_blocks');
    expect(error.data.response_metadata?.messages).toContain(
      '[ERROR] no more than 50 items allowed [json-pointer:/blocks]',
    );
    expect(fake.messages('C0INC')).toEqual([]);
    expect(fake.callsTo('chat.postMessage', { ok: false })).toHaveLength(1);
  });

  it('returns invalid_blocks for a 3001-character section', async () => {
    const error = await platformError(
      client.chat.postMessage({ channel: 'C0INC', text: 'x', blocks: [section('a'.repeat(3001))] }),
    );
    expect(error.data.error).toBe('invalid_blocks');
    expect(error.data.response_metadata?.messages).toEqual([
      '[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]',
    ]);
    // 3000 is fine
    await client.chat.postMessage({ channel: 'C0INC', text: 'x', blocks: [section('a'.repeat(3000))] });
  });

  it('returns msg_blocks_too_long when the blocks carry more than 12000 characters', async () => {
    const blocks = Array.from({ length: 5 }, () => section('b'.repeat(2500)));
    const error = await platformError(client.chat.postMessage({ channel: 'C0INC', text: 'x', blocks }));
    expect(error.data.error).toBe('msg_blocks_too_long');
  });

  it('returns no_text when neither text nor blocks are given', async () => {
    expect((await platformError(client.chat.postMessage({ channel: 'C0INC', text: '' }))).data.error).toBe(
      'no_text',
    );
  });

  it('models channel visibility: unknown / private non-member → channel_not_found, public non-member → not_in_channel', async () => {
    const post = (channel: string) => client.chat.postMessage({ channel, text: 'x' });
    expect((await platformError(post('C0NOPE'))).data.error).toBe('channel_not_found');
    expect((await platformError(post('G0SEC'))).data.error).toBe('channel_not_found');
    expect((await platformError(post('C0PUB'))).data.error).toBe('not_in_channel');
    expect((await post('G0ISMS')).ok).toBe(true);
  });

  it('posts DMs by user id and by the D… id from conversations.open into the same conversation', async () => {
    const byUser = await client.chat.postMessage({ channel: 'U0ALICE', text: 'one' });
    expect(byUser.channel).toBe('D0ALICE');
    const opened = await client.conversations.open({ users: 'U0ALICE' });
    expect(opened.channel?.id).toBe('D0ALICE');
    await client.chat.postMessage({ channel: 'D0ALICE', text: 'two' });
    expect(fake.messages('U0ALICE').map((m) => m.text)).toEqual(['one', 'two']);
    expect(fake.messages('D0ALICE').map((m) => m.text)).toEqual(['one', 'two']);
    expect((await platformError(client.chat.postMessage({ channel: 'Ubad-id', text: 'x' }))).data.error).toBe(
      'channel_not_found',
    );
  });

  it('accepts thread replies only to existing messages', async () => {
    const parent = await client.chat.postMessage({ channel: 'C0INC', text: 'parent' });
    const reply = await client.chat.postMessage({ channel: 'C0INC', text: 'reply', thread_ts: parent.ts });
    expect(reply.message?.thread_ts).toBe(parent.ts);
    const error = await platformError(
      client.chat.postMessage({ channel: 'C0INC', text: 'x', thread_ts: '1111111111.000100' }),
    );
    expect(error.data.error).toBe('thread_not_found');
  });

  it('chat.update edits the stored message and validates', async () => {
    const posted = await client.chat.postMessage({ channel: 'C0INC', text: 'v1', blocks: [section('v1')] });
    const ts = posted.ts ?? '';
    const updated = await client.chat.update({ channel: 'C0INC', ts, text: 'v2', blocks: [section('v2')] });
    expect(updated).toMatchObject({ ok: true, channel: 'C0INC', ts, text: 'v2' });
    expect(fake.messages('C0INC')).toEqual([{ ts, text: 'v2', blocks: [section('v2')], user: 'UBOT' }]);
    expect(
      (await platformError(client.chat.update({ channel: 'C0INC', ts: '1.2', text: 'x' }))).data.error,
    ).toBe('message_not_found');
    const bad = await platformError(
      client.chat.update({ channel: 'C0INC', ts, text: 'x', blocks: [section('')] }),
    );
    expect(bad.data.error).toBe('invalid_blocks');
    expect(fake.messages('C0INC')[0]?.text).toBe('v2');
  });

  it('chat.postEphemeral requires channel membership of the user', async () => {
    const res = await client.chat.postEphemeral({ channel: 'C0INC', user: 'U0ALICE', text: 'psst' });
    expect(res.message_ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(fake.ephemerals).toEqual([{ channel: 'C0INC', user: 'U0ALICE', text: 'psst' }]);
    const error = await platformError(
      client.chat.postEphemeral({ channel: 'C0INC', user: 'U0BOB', text: 'x' }),
    );
    expect(error.data.error).toBe('user_not_in_channel');
  });

  it('chat.getPermalink builds an archive link and rejects unknown messages', async () => {
    const posted = await client.chat.postMessage({ channel: 'C0INC', text: 'x' });
    const ts = posted.ts ?? '';
    const res = await client.chat.getPermalink({ channel: 'C0INC', message_ts: ts });
    expect(res.permalink).toBe(`https://example.slack.com/archives/C0INC/p${ts.replace('.', '')}`);
    const error = await platformError(client.chat.getPermalink({ channel: 'C0INC', message_ts: '1.000001' }));
    expect(error.data.error).toBe('message_not_found');
  });
});

describe('LocalSlack: failures', () => {
  it('answers a configured 429 so the client throws WebAPIRateLimitedError with retryAfter', async () => {
    fake.fail('chat.postMessage', { kind: 'ratelimited', retryAfter: 7 }, 1);
    const error = await rejection(client.chat.postMessage({ channel: 'C0INC', text: 'x' }));
    expect(error).toBeInstanceOf(WebAPIRateLimitedError);
    expect((error as WebAPIRateLimitedError).retryAfter).toBe(7);
    expect(fake.calls.at(-1)).toMatchObject({ method: 'chat.postMessage', ok: false, error: 'ratelimited' });
    // only once
    expect((await client.chat.postMessage({ channel: 'C0INC', text: 'x' })).ok).toBe(true);
  });

  it('answers a configured 500 so the client throws WebAPIHTTPError', async () => {
    fake.fail('*', { kind: 'http', status: 500 });
    const error = await rejection(client.users.info({ user: 'U0ALICE' }));
    expect(error).toBeInstanceOf(WebAPIHTTPError);
    expect((error as WebAPIHTTPError).statusCode).toBe(500);
    expect(fake.callsTo('users.info')[0]).toMatchObject({ ok: false, error: 'http_500' });
    fake.recover();
    expect((await client.users.info({ user: 'U0ALICE' })).ok).toBe(true);
  });

  it('returns configured platform errors and queues failures in order', async () => {
    fake.fail('chat.postMessage', { kind: 'error', error: 'is_archived' }, 1);
    fake.fail('chat.postMessage', { kind: 'http', status: 503 }, 1);
    expect((await platformError(client.chat.postMessage({ channel: 'C0INC', text: 'x' }))).data.error).toBe(
      'is_archived',
    );
    expect(await rejection(client.chat.postMessage({ channel: 'C0INC', text: 'x' }))).toBeInstanceOf(
      WebAPIHTTPError,
    );
    expect((await client.chat.postMessage({ channel: 'C0INC', text: 'x' })).ok).toBe(true);
    expect(fake.messages('C0INC')).toHaveLength(1);
  });

  it('resets the connection and holds requests for timeouts', async () => {
    fake.fail('auth.test', { kind: 'reset' }, 1);
    expect(await rejection(client.auth.test())).toBeInstanceOf(WebAPIRequestError);

    fake.fail('auth.test', { kind: 'timeout', ms: 10_000 }, 1);
    const impatient = new WebClient(TOKEN, { ...clientOptions(fake.url), timeout: 200 });
    const started = Date.now();
    expect(await rejection(impatient.auth.test())).toBeInstanceOf(WebAPIRequestError);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(fake.calls.map((c) => c.error)).toEqual(['reset', 'timeout']);
  });

  it('answers late but normally for a delay', async () => {
    fake.fail('chat.postMessage', { kind: 'delay', ms: 300 }, 1);
    const started = Date.now();
    expect((await client.chat.postMessage({ channel: 'C0INC', text: 'x' })).ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(fake.calls.at(-1)).toMatchObject({ method: 'chat.postMessage', ok: true });
    expect(fake.messages('C0INC')).toHaveLength(1);
  });

  it('does what was asked and drops the answer for a lost reply', async () => {
    fake.fail('chat.postMessage', { kind: 'lost_reply' }, 1);
    expect(await rejection(client.chat.postMessage({ channel: 'C0INC', text: 'x' }))).toBeInstanceOf(
      WebAPIRequestError,
    );
    expect(fake.messages('C0INC').map((m) => m.text)).toEqual(['x']);
    expect(fake.calls.at(-1)).toMatchObject({ method: 'chat.postMessage', ok: true });
  });

  it('refuses connections while offline and keeps what it holds when back on the same port', async () => {
    await client.chat.postMessage({ channel: 'C0INC', text: 'before' });
    await fake.goOffline();
    const error = await rejection(client.chat.postMessage({ channel: 'C0INC', text: 'lost' }));
    expect(error).toBeInstanceOf(WebAPIRequestError);
    expect(JSON.stringify((error as WebAPIRequestError).original.cause)).toContain('ECONNREFUSED');
    await fake.goOnline();
    await client.chat.postMessage({ channel: 'C0INC', text: 'after' });
    expect(fake.messages('C0INC').map((m) => m.text)).toEqual(['before', 'after']);
  });
});

describe('LocalSlack: views', () => {
  it('opens a modal with a fresh trigger and returns the view with id and hash', async () => {
    const trigger = fake.issueTrigger('U0ALICE');
    const res = await client.views.open({ trigger_id: trigger, view: modal() });
    expect(res.view).toMatchObject({ type: 'modal', callback_id: 'incident_new', state: { values: {} } });
    const id = res.view?.id ?? '';
    expect(id).toMatch(/^V/);
    expect(res.view?.root_view_id).toBe(id);
    expect(fake.views.get(id)).toMatchObject({ id, hash: res.view?.hash, userId: 'U0ALICE' });
  });

  it('rejects unknown, reused and expired triggers', async () => {
    const open = (trigger_id: string) => client.views.open({ trigger_id, view: modal() });
    expect((await platformError(open('123.456.abc'))).data.error).toBe('invalid_trigger_id');

    const used = fake.issueTrigger();
    await open(used);
    expect((await platformError(open(used))).data.error).toBe('exchanged_trigger_id');

    const old = fake.issueTrigger();
    clock += 3001;
    expect((await platformError(open(old))).data.error).toBe('expired_trigger_id');
  });

  it('rejects an invalid view with invalid_arguments and Slack-style messages', async () => {
    const error = await platformError(
      client.views.open({
        trigger_id: fake.issueTrigger(),
        view: modal({ title: { type: 'plain_text', text: 'x'.repeat(25) } }),
      }),
    );
    expect(error.data.error).toBe('invalid_arguments');
    expect(error.data.response_metadata?.messages).toEqual([
      '[ERROR] must be less than 25 characters [json-pointer:/view/title/text]',
    ]);
  });

  it('views.update enforces hash and rotates it', async () => {
    const opened = await client.views.open({ trigger_id: fake.issueTrigger(), view: modal() });
    const id = opened.view?.id ?? '';
    const first = opened.view?.hash ?? '';
    const updated = await client.views.update({ view_id: id, hash: first, view: modal() });
    expect(updated.view?.id).toBe(id);
    expect(updated.view?.hash).not.toBe(first);
    const error = await platformError(client.views.update({ view_id: id, hash: first, view: modal() }));
    expect(error.data.error).toBe('hash_conflict');
    expect((await platformError(client.views.update({ view_id: 'V404', view: modal() }))).data.error).toBe(
      'not_found',
    );
  });

  it('views.push stacks at most three views', async () => {
    await client.views.open({ trigger_id: fake.issueTrigger('U0ALICE'), view: modal() });
    const push = () => client.views.push({ trigger_id: fake.issueTrigger('U0ALICE'), view: modal() });
    const second = await push();
    expect(second.view?.previous_view_id).toMatch(/^V/);
    await push();
    expect((await platformError(push())).data.error).toBe('push_limit_reached');
  });

  it('views.publish stores home views per user and requires type home', async () => {
    const home: HomeView = { type: 'home', blocks: [section('Welcome')] };
    const res = await client.views.publish({ user_id: 'U0ALICE', view: home });
    expect(fake.published.get('U0ALICE')).toMatchObject({ type: 'home', id: res.view?.id });
    const error = await platformError(client.views.publish({ user_id: 'U0ALICE', view: modal() }));
    expect(error.data.error).toBe('invalid_arguments');
  });
});

describe('LocalSlack: conversations, users, files, response_url, waitFor', () => {
  it('conversations.info hides private channels the bot is not in', async () => {
    const info = await client.conversations.info({ channel: 'G0ISMS' });
    expect(info.channel).toMatchObject({ id: 'G0ISMS', name: 'isms', is_private: true, is_member: true });
    const error = await platformError(client.conversations.info({ channel: 'G0SEC' }));
    expect(error.data.error).toBe('channel_not_found');
  });

  it('conversations.members paginates with cursors', async () => {
    const first = await client.conversations.members({ channel: 'G0ISMS', limit: 2 });
    expect(first.members).toEqual(['U0ALICE', 'U0BOB']);
    const cursor = first.response_metadata?.next_cursor ?? '';
    expect(cursor).not.toBe('');
    const second = await client.conversations.members({ channel: 'G0ISMS', limit: 2, cursor });
    expect(second.members).toEqual(['UBOT']);
    expect(second.response_metadata?.next_cursor).toBe('');
  });

  it('users.info knows registered users, defaults others to UTC and rejects malformed ids', async () => {
    const alice = await client.users.info({ user: 'U0ALICE' });
    expect(alice.user).toMatchObject({ id: 'U0ALICE', name: 'alice', tz: 'Europe/Berlin' });
    expect([3600, 7200]).toContain(alice.user?.tz_offset);
    const anyone = await client.users.info({ user: 'U0SOMEONE' });
    expect(anyone.user).toMatchObject({ tz: 'UTC', tz_offset: 0, is_bot: false, deleted: false });
    expect((await platformError(client.users.info({ user: 'nobody' }))).data.error).toBe('user_not_found');
    expect((await platformError(client.conversations.open({ users: 'nobody' }))).data.error).toBe(
      'user_not_found',
    );
  });

  it('supports files.uploadV2 end to end', async () => {
    await client.filesUploadV2({
      channel_id: 'C0INC',
      filename: 'report.csv',
      title: 'Report',
      content: 'a,b\n1,2\n',
      initial_comment: 'weekly',
    });
    expect(fake.uploads).toHaveLength(1);
    expect(fake.uploads[0]).toMatchObject({
      filename: 'report.csv',
      title: 'Report',
      channel: 'C0INC',
      initialComment: 'weekly',
      completed: true,
    });
    expect(fake.uploads[0]?.bytes.toString('utf8')).toBe('a,b\n1,2\n');
  });

  it('records response_url posts', async () => {
    const url = fake.responseUrl('cmd1');
    expect(url).toMatch(/\/response\/cmd1$/);
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'done', replace_original: true }),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
    expect(fake.responseUrlPosts).toMatchObject([
      { path: '/response/cmd1', name: 'cmd1', body: { text: 'done', replace_original: true } },
    ]);
  });

  it('waitFor resolves on later calls and rejects with a list of what was recorded', async () => {
    const waiting = fake.waitFor('chat.postMessage', 2);
    await client.chat.postMessage({ channel: 'C0INC', text: '1' });
    await client.chat.postMessage({ channel: 'C0INC', text: '2' });
    expect(await waiting).toHaveLength(2);

    const error = await rejection(fake.waitFor('views.open', 1, { timeoutMs: 50 }));
    expect(String(error)).toMatch(/views\.open.*got 0.*chat\.postMessage, chat\.postMessage/);
  });

  it('reset() clears calls, state and failures but keeps channels', async () => {
    fake.fail('*', { kind: 'http', status: 500 });
    fake.reset();
    await client.chat.postMessage({ channel: 'C0INC', text: 'x' });
    expect(fake.calls).toHaveLength(1);
    fake.reset();
    expect(fake.calls).toHaveLength(0);
    expect(fake.messages('C0INC')).toEqual([]);
  });
});

describe('block-kit-limits', () => {
  const problems = (blocks: unknown[]) => validateBlocks(blocks, 'message');

  it('validateView catches a 25-character title and 101 blocks', () => {
    expect(validateView(modal({ title: { type: 'plain_text', text: 'x'.repeat(24) } }))).toEqual([]);
    expect(validateView(modal({ title: { type: 'plain_text', text: 'x'.repeat(25) } }))).toEqual([
      '[ERROR] must be less than 25 characters [json-pointer:/view/title/text]',
    ]);
    const blocks = Array.from({ length: 101 }, (_, i) => section(`b${i}`));
    expect(validateView(modal({ blocks }))).toContain(
      '[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]',
    );
    expect(validateView(modal({ blocks: blocks.slice(0, 100) }))).toEqual([]);
  });

  it('validateView requires submit with input blocks and bounds metadata', () => {
    const input = {
      type: 'input',
      block_id: 'title',
      label: { type: 'plain_text', text: 'Title' },
      element: { type: 'plain_text_input', action_id: 'v' },
    };
    expect(validateView({ ...modal(), blocks: [input] })).toEqual([
      '[ERROR] submit is required when the view contains input blocks [json-pointer:/view/submit]',
    ]);
    expect(validateView(modal({ private_metadata: 'm'.repeat(3001) }))).toEqual([
      '[ERROR] must be less than 3001 characters [json-pointer:/view/private_metadata]',
    ]);
    expect(validateView({ type: 'home', blocks: [] })).toEqual([]);
    expect(validateView({ ...modal(), title: undefined })).toEqual([
      '[ERROR] missing required field: title [json-pointer:/view]',
    ]);
  });

  it('rejects empty text, unknown blocks and duplicate block_ids', () => {
    expect(problems([section('')])).toEqual([
      '[ERROR] must be more than 0 characters [json-pointer:/blocks/0/text/text]',
    ]);
    expect(problems([{ type: 'carousel' }])).toEqual([
      '[ERROR] unsupported block type: carousel [json-pointer:/blocks/0/type]',
    ]);
    expect(
      problems([
        { type: 'divider', block_id: 'a' },
        { type: 'divider', block_id: 'a' },
      ]),
    ).toHaveLength(1);
    expect(problems([{ type: 'rich_text', elements: [] }])).toEqual([]);
  });

  it('checks section fields, header and actions limits', () => {
    const field = { type: 'mrkdwn', text: 'f' };
    expect(problems([{ type: 'section', fields: Array(11).fill(field) }])).toEqual([
      '[ERROR] no more than 10 items allowed [json-pointer:/blocks/0/fields]',
    ]);
    expect(problems([{ type: 'section' }])).toEqual([
      '[ERROR] must provide either text or fields [json-pointer:/blocks/0]',
    ]);
    expect(problems([{ type: 'header', text: { type: 'mrkdwn', text: 'h' } }])).toEqual([
      '[ERROR] must be plain_text [json-pointer:/blocks/0/text/type]',
    ]);
    expect(problems([{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }])).toHaveLength(
      1,
    );
    const button = (id: string) => ({
      type: 'button',
      action_id: id,
      text: { type: 'plain_text', text: 'Go' },
    });
    expect(
      problems([{ type: 'actions', elements: Array.from({ length: 26 }, (_, i) => button(`b${i}`)) }]),
    ).toEqual(['[ERROR] no more than 25 items allowed [json-pointer:/blocks/0/elements]']);
    expect(problems([{ type: 'actions', elements: [button('same'), button('same')] }])).toHaveLength(1);
    expect(problems([{ type: 'actions', elements: [] }])).toHaveLength(1);
  });

  it('checks buttons, options, selects and pickers', () => {
    const actions = (element: Record<string, unknown>) =>
      problems([{ type: 'actions', elements: [element] }]);
    const opt = (value: string, text = value) => ({ text: { type: 'plain_text', text }, value });
    expect(
      actions({ type: 'button', action_id: 'a', text: { type: 'plain_text', text: 'x'.repeat(76) } }),
    ).toHaveLength(1);
    expect(
      actions({ type: 'button', action_id: 'a', text: { type: 'plain_text', text: 'ok' }, style: 'warning' }),
    ).toHaveLength(1);
    expect(
      actions({ type: 'static_select', action_id: 's', options: [opt('v'.repeat(151), 'Long')] }),
    ).toEqual([
      '[ERROR] must be less than 151 characters [json-pointer:/blocks/0/elements/0/options/0/value]',
    ]);
    expect(
      actions({ type: 'static_select', action_id: 's', options: [opt('a')], initial_option: opt('b') }),
    ).toEqual([
      '[ERROR] must match one of the provided options [json-pointer:/blocks/0/elements/0/initial_option]',
    ]);
    expect(
      actions({ type: 'static_select', action_id: 's', options: [opt('a')], initial_option: opt('a') }),
    ).toEqual([]);
    expect(
      actions({
        type: 'overflow',
        action_id: 'o',
        options: ['1', '2', '3', '4', '5', '6'].map((v) => opt(v)),
      }),
    ).toHaveLength(1);
    expect(actions({ type: 'datepicker', action_id: 'd', initial_date: '2026-02-30' })).toHaveLength(1);
    expect(actions({ type: 'datepicker', action_id: 'd', initial_date: '2026-02-28' })).toEqual([]);
    expect(actions({ type: 'timepicker', action_id: 't', initial_time: '24:00' })).toHaveLength(1);
    expect(actions({ type: 'datetimepicker', action_id: 't', initial_date_time: 1760000000.5 })).toHaveLength(
      1,
    );
    expect(
      actions({
        type: 'button',
        action_id: 'a',
        text: { type: 'plain_text', text: 'Delete' },
        confirm: {
          title: { type: 'plain_text', text: 'Sure?' },
          text: { type: 'mrkdwn', text: 't'.repeat(301) },
          confirm: { type: 'plain_text', text: 'Yes' },
          deny: { type: 'plain_text', text: 'No' },
        },
      }),
    ).toEqual([
      '[ERROR] must be less than 301 characters [json-pointer:/blocks/0/elements/0/confirm/text/text]',
    ]);
  });

  it('checks input blocks and their elements', () => {
    const input = (element: Record<string, unknown>) =>
      validateBlocks([{ type: 'input', label: { type: 'plain_text', text: 'L' }, element }], 'modal');
    expect(input({ type: 'number_input', action_id: 'n' })).toEqual([
      '[ERROR] missing required field: is_decimal_allowed [json-pointer:/blocks/0/element]',
    ]);
    expect(input({ type: 'plain_text_input', action_id: 'p', max_length: 3001 })).toHaveLength(1);
    expect(input({ type: 'button', action_id: 'b', text: { type: 'plain_text', text: 'x' } })).toHaveLength(
      1,
    );
    const checkboxes = Array.from({ length: 11 }, (_, i) => ({
      text: { type: 'mrkdwn', text: `${i}` },
      value: `${i}`,
    }));
    expect(input({ type: 'checkboxes', action_id: 'c', options: checkboxes })).toEqual([
      '[ERROR] no more than 10 items allowed [json-pointer:/blocks/0/element/options]',
    ]);
  });

  it('validateMessage requires content and bounds text length', () => {
    expect(validateMessage({})).toHaveLength(1);
    expect(validateMessage({ text: 'ok' })).toEqual([]);
    expect(validateMessage({ text: 'x'.repeat(40001) })[0]).toMatch(/^\[ERROR\] msg_too_long/);
  });
});

describe('LocalSlack: what the sandbox needs', () => {
  it('keeps a person’s own messages and thread replies only where they can see, and says when anything changed', async () => {
    let changes = 0;
    const stop = fake.onChange(() => {
      changes += 1;
    });
    const posted = fake.postAs('U0ALICE', 'C0PUB', 'a phishing mail?');
    expect(posted?.user).toBe('U0ALICE');
    expect(fake.postAs('U0ALICE', 'C0PUB', 'more', posted?.ts)?.thread_ts).toBe(posted?.ts);
    expect(fake.postAs('U0CAROL', 'G0ISMS', 'not a member')).toBeUndefined();
    expect(fake.postAs('U0ALICE', 'C0PUB', 'no such thread', '1.000001')).toBeUndefined();
    await client.chat.postMessage({ channel: 'C0INC', text: 'hi' });
    expect(changes).toBe(3);
    stop();
    await client.chat.postMessage({ channel: 'C0INC', text: 'again' });
    expect(changes).toBe(3);
  });

  it('restores conversations, Homes and files from a snapshot into a fresh LocalSlack', async () => {
    await client.chat.postMessage({ channel: 'U0ALICE', text: 'your DM' });
    await client.views.publish({ user_id: 'U0ALICE', view: { type: 'home', blocks: [section('home')] } });
    const upload = await client.files.getUploadURLExternal({ filename: 'chart.png', length: 3 });
    await fetch(String(upload.upload_url), { method: 'POST', body: 'png' });
    await client.files.completeUploadExternal({
      files: [{ id: String(upload.file_id) }],
      channel_id: 'C0INC',
    });
    const again = await LocalSlack.start();
    try {
      again.restore(JSON.parse(JSON.stringify(fake.snapshot())));
      expect(again.messages('U0ALICE').map((m) => m.text)).toEqual(['your DM']);
      expect(again.published.get('U0ALICE')?.blocks).toEqual([section('home')]);
      expect(again.uploads[0]?.bytes.toString()).toBe('png');
      expect(again.uploads[0]?.ts).toBeDefined();
      const next = await new WebClient(TOKEN, clientOptions(again.url)).chat.postMessage({
        channel: 'U0ALICE',
        text: 'later',
      });
      expect(Number(next.ts)).toBeGreaterThan(Number(again.messages('U0ALICE')[0]?.ts));
    } finally {
      await again.stop();
    }
  });
});

describe('LocalSlack: files (files:read)', () => {
  it('serves a shared file’s metadata and bytes to the bot token only, and nothing from a private channel the bot is not in', async () => {
    const bytes = Buffer.from('evidence bytes');
    const shared = fake.shareFile('U0ALICE', 'C0INC', { filename: 'log.txt', bytes, mimetype: 'text/plain' });
    if (!shared) throw new Error('not shared');
    expect(fake.message('C0INC', shared.ts)?.files).toEqual([{ id: shared.fileId, name: 'log.txt' }]);
    const info = await client.files.info({ file: shared.fileId });
    expect(info.file).toMatchObject({
      id: shared.fileId,
      name: 'log.txt',
      mimetype: 'text/plain',
      size: bytes.length,
    });
    const url = String(info.file?.url_private_download);
    const withToken = await fetch(url, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(Buffer.from(await withToken.arrayBuffer())).toEqual(bytes);
    // Without the token Slack answers with its sign-in page, not the file.
    const without = await fetch(url, { redirect: 'manual' });
    expect(without.status).toBe(302);
    expect(await without.text()).not.toContain('evidence bytes');

    const hidden = fake.shareFile('U0ALICE', 'G0SEC', { filename: 'secret.txt', bytes });
    if (!hidden) throw new Error('not shared');
    expect((await platformError(client.files.info({ file: hidden.fileId }))).data.error).toBe(
      'file_not_found',
    );
    expect((await platformError(client.files.info({ file: 'F0NOPE' }))).data.error).toBe('file_not_found');
  });
});
