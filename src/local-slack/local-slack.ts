/**
 * Loopback fake of Slack's Web API for tests. Point @slack/web-api (or Bolt's `clientOptions.slackApiUrl`) at
 * `fake.url`. Behaviour and error names follow /work/shared/slack-facts.md §3, §4 and §6.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { problem, slackErrorCode, stripSeverity, validateMessage, validateView } from './block-kit-limits';

/** Tokens shaped like Slack's (config validation insists), shared by the fake and the test config. */
export const TEST_BOT_TOKEN = 'xoxb-1000000001-2000000002-vigilTestBotToken0000';
export const TEST_APP_TOKEN = 'xapp-1-A0TEST-3000000003-vigilTestAppToken0000';

export interface FakeUser {
  id: string;
  name?: string;
  /** display name; defaults to name */
  displayName?: string;
  realName?: string;
  /** IANA zone, default 'UTC' */
  tz?: string;
  /** seconds east of UTC; computed from tz (at the fake's current time) when omitted */
  tzOffset?: number;
  isBot?: boolean;
  deleted?: boolean;
}

/** A user group (a team people mention as @handle): usergroups.list / usergroups.users.list. */
export interface FakeUserGroup {
  id: string;
  handle: string;
  name?: string;
  users: string[];
  /** A disabled group is listed only with include_disabled, and keeps its members. */
  disabled?: boolean;
}

export interface FakeChannel {
  id: string;
  name: string;
  isPrivate: boolean;
  botIsMember: boolean;
  members: string[];
  isArchived?: boolean;
}

export type Failure =
  | { kind: 'error'; error: string }
  | { kind: 'http'; status: number }
  | { kind: 'ratelimited'; retryAfter: number }
  | { kind: 'timeout'; ms: number }
  | { kind: 'reset' }
  /** Answers normally, but only after `ms`: a slow Slack rather than a failing one. */
  | { kind: 'delay'; ms: number }
  /** Does what was asked, then drops the connection: Slack took it, the reply never arrived. */
  | { kind: 'lost_reply' };

export interface RecordedCall {
  id: number;
  method: string;
  args: Record<string, unknown>;
  token: string | undefined;
  ok: boolean;
  error?: string;
  response: unknown;
  at: number;
}

export interface ResponseUrlPost {
  /** request path, e.g. '/response/r1' */
  path: string;
  /** the <name> part of the path */
  name: string;
  body: Record<string, unknown>;
  /** HTTP status the fake answered with (200 unless fail('response_url', …) was configured) */
  status: number;
  at: number;
}

export interface FakeSlackOptions {
  botUserId?: string;
  botId?: string;
  teamId?: string;
  teamDomain?: string;
  appId?: string;
  token?: string;
  /** The app-level token `apps.connections.open` accepts (Socket Mode). */
  appToken?: string;
  users?: FakeUser[];
  channels?: FakeChannel[];
  userGroups?: FakeUserGroup[];
  /**
   * Only users registered with addUser()/options.users (and the bot) exist. Default false: any id matching
   * /^[UW][A-Z0-9]+$/ is an existing user with tz 'UTC'.
   */
  strictUsers?: boolean;
  /** Clock in epoch ms (trigger expiry, `at` stamps). Default Date.now. */
  now?: () => number;
}

export interface FakeMessage {
  ts: string;
  thread_ts?: string;
  text?: string;
  blocks?: unknown[];
  user: string;
  /** Files a person shared with the message (Slack's `files`, as id and name). */
  files?: { id: string; name: string }[];
}

export interface FakeEphemeral {
  channel: string;
  user: string;
  text?: string;
  blocks?: unknown[];
  thread_ts?: string;
}

export interface FakeView {
  id: string;
  hash: string;
  view: Record<string, unknown>;
  userId?: string;
}

export interface FakeUpload {
  fileId: string;
  filename: string;
  bytes: Buffer;
  channel?: string;
  title?: string;
  initialComment?: string;
  threadTs?: string;
  /** true once files.completeUploadExternal named this file */
  completed: boolean;
  /** The description for screen readers given with the upload (files.getUploadURLExternal alt_text). */
  altText?: string;
  /** The file's place in its conversation, as a message's ts (set when it is shared). */
  ts?: string;
  /** Who uploaded it: a person (a file shared in a message or a form), or the bot. */
  user?: string;
  mimetype?: string;
}

/** What a restarted LocalSlack needs to show the same conversations and Homes (the sandbox keeps it). */
export interface LocalSlackSnapshot {
  tsSeq: number;
  idSeq: number;
  messages: (FakeMessage & { conversation: string; key: string })[];
  homes: { userId: string; view: Record<string, unknown> }[];
  uploads: (Omit<FakeUpload, 'bytes'> & { bytes: string })[];
}

type Json = Record<string, unknown>;

interface Trigger {
  issuedAt: number;
  userId?: string;
  used: boolean;
}

interface StoredMessage extends FakeMessage {
  conversation: string;
}

type Resolved =
  | { ok: true; id: string; key: string; channel?: FakeChannel; dmUser?: string }
  | { ok: false; error: string };

interface PendingUpload {
  filename: string;
  length: number;
  altText?: string;
  upload?: FakeUpload;
}

/** Form fields that @slack/web-api JSON-encodes (non-primitive arguments). */
const JSON_FIELDS = new Set([
  'blocks',
  'attachments',
  'view',
  'metadata',
  'files',
  'unfurls',
  'user_auth_blocks',
]);
const USER_ID = /^[UW][A-Z0-9]+$/;
const TRIGGER_LIFETIME_MS = 3000;
const VIEW_STACK_LIMIT = 3;
const TS_BASE_SECONDS = 1760000000;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function fail(error: string, extra: Json = {}): Json {
  return { ok: false, error, ...extra };
}

function invalid(error: string, problems: string[]): Json {
  return fail(error, { errors: stripSeverity(problems), response_metadata: { messages: problems } });
}

function tzInfo(tz: string, at: number): { offset: number; label: string } {
  try {
    const part = (style: 'longOffset' | 'long'): string | undefined =>
      new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: style })
        .formatToParts(at)
        .find((p) => p.type === 'timeZoneName')?.value;
    const m = /GMT([+-])(\d{2}):(\d{2})/.exec(part('longOffset') ?? '');
    const offset = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60) : 0;
    return { offset, label: part('long') ?? tz };
  } catch {
    return { offset: 0, label: tz };
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

async function parseMultipart(contentType: string, body: Buffer): Promise<FormData> {
  const request = new Request('http://fake.invalid/', {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: new Uint8Array(body),
  });
  return request.formData();
}

function decodeField(key: string, value: string): unknown {
  if (!JSON_FIELDS.has(key)) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value; // left as a string: the method answers invalid_blocks_format / invalid_arguments
  }
}

export class LocalSlack {
  readonly url: string;
  readonly calls: RecordedCall[] = [];
  readonly responseUrlPosts: ResponseUrlPost[] = [];
  readonly ephemerals: FakeEphemeral[] = [];
  readonly views = new Map<string, FakeView>();
  readonly published = new Map<string, Record<string, unknown>>();
  readonly uploads: FakeUpload[] = [];

  readonly botUserId: string;
  readonly botId: string;
  readonly teamId: string;
  readonly teamDomain: string;
  readonly appId: string;
  readonly token: string;
  readonly appToken: string;

  private readonly origin: string;
  private readonly server: Server;
  private readonly events = new EventEmitter();
  private readonly now: () => number;
  private readonly strictUsers: boolean;
  private readonly users = new Map<string, FakeUser>();
  private readonly channels = new Map<string, FakeChannel>();
  private readonly userGroups = new Map<string, FakeUserGroup>();
  private readonly failures = new Map<string, { failure: Failure; remaining: number }[]>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly store = new Map<string, StoredMessage[]>();
  private readonly dmUsers = new Map<string, string>(); // D… -> user id
  private readonly openedDms = new Set<string>();
  private readonly triggers = new Map<string, Trigger>();
  private readonly stacks = new Map<string, string[]>(); // user id ('' if unknown) -> modal stack of view ids
  private readonly pendingUploads = new Map<string, PendingUpload>();
  private readonly responseOwners = new Map<string, string>();
  private callSeq = 0;
  private tsSeq = 0;
  private idSeq = 0;
  private responseSeq = 0;
  private stopped = false;

  private constructor(server: Server, port: number, options: FakeSlackOptions) {
    this.server = server;
    this.origin = `http://127.0.0.1:${port}`;
    this.url = `${this.origin}/api/`;
    this.botUserId = options.botUserId ?? 'UBOT';
    this.botId = options.botId ?? 'BBOT';
    this.teamId = options.teamId ?? 'T0TEST';
    this.teamDomain = options.teamDomain ?? 'vigil-test';
    this.appId = options.appId ?? 'A0TEST';
    this.token = options.token ?? TEST_BOT_TOKEN;
    this.appToken = options.appToken ?? TEST_APP_TOKEN;
    this.now = options.now ?? Date.now;
    this.strictUsers = options.strictUsers ?? false;
    this.events.setMaxListeners(0);
    this.users.set(this.botUserId, { id: this.botUserId, name: 'vigil', isBot: true });
    for (const u of options.users ?? []) this.addUser(u);
    for (const c of options.channels ?? []) this.addChannel(c);
    for (const g of options.userGroups ?? []) this.addUserGroup(g);
  }

  static async start(options: FakeSlackOptions = {}): Promise<LocalSlack> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    const fake = new LocalSlack(server, port, options);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      fake.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent && !res.destroyed) {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(
            `fake-slack internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
          );
        }
      });
    });
    return fake;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Test-facing API

  /** A loopback response_url; JSON POSTs to it are recorded in responseUrlPosts and answered 200 'ok'. */
  responseUrl(name?: string, owner?: string): string {
    this.responseSeq += 1;
    const id = name ?? `r${this.responseSeq}`;
    if (owner !== undefined) this.responseOwners.set(id, owner);
    return `${this.origin}/response/${encodeURIComponent(id)}`;
  }

  /** Whose client a response_url answers (ephemeral answers are shown to that person only). */
  responseOwner(name: string): string | undefined {
    return this.responseOwners.get(name);
  }

  /** The id Slack puts in a payload's container for a conversation: a DM's D… id, else the channel. */
  dmOrChannelId(channel: string): string {
    return /^[UW]/.test(channel) ? this.dmIdFor(channel) : channel;
  }

  /** A trigger_id usable once within 3000 ms (by the fake's clock). */
  issueTrigger(userId?: string): string {
    const n = this.nextId();
    const id = `${1000000000000 + n}.${String(this.teamId.length * 1000000000 + n).padStart(10, '0')}.${randomBytes(16).toString('hex')}`;
    this.triggers.set(id, { issuedAt: this.now(), userId, used: false });
    return id;
  }

  callsTo(method: string, opts: { ok?: boolean } = {}): RecordedCall[] {
    return this.calls.filter((c) => c.method === method && (opts.ok === undefined || c.ok === opts.ok));
  }

  waitFor(
    method: string,
    count = 1,
    opts: { timeoutMs?: number; ok?: boolean; where?: (c: RecordedCall) => boolean } = {},
  ): Promise<RecordedCall[]> {
    const timeoutMs = opts.timeoutMs ?? 3000;
    const matching = (): RecordedCall[] =>
      this.calls.filter(
        (c) =>
          c.method === method &&
          (opts.ok === undefined || c.ok === opts.ok) &&
          (opts.where === undefined || opts.where(c)),
      );
    return new Promise<RecordedCall[]>((resolve, reject) => {
      const initial = matching();
      if (initial.length >= count) {
        resolve(initial);
        return;
      }
      const cleanup = (): void => {
        clearTimeout(timer);
        this.events.off('call', onCall);
        this.events.off('stop', onStop);
      };
      const onCall = (): void => {
        const found = matching();
        if (found.length >= count) {
          cleanup();
          resolve(found);
        }
      };
      const onStop = (): void => {
        cleanup();
        reject(new Error(`LocalSlack stopped while waiting for ${count} × ${method}`));
      };
      const timer = setTimeout(() => {
        cleanup();
        const got = matching().length;
        const recorded =
          this.calls.length === 0
            ? '(none)'
            : this.calls.map((c) => `${c.method}${c.ok ? '' : ` (${c.error ?? 'failed'})`}`).join(', ');
        const filters = [
          opts.ok === undefined ? '' : ` ok=${opts.ok}`,
          opts.where === undefined ? '' : ' +where()',
        ].join('');
        reject(
          new Error(
            `LocalSlack.waitFor: expected ${count} call(s) to ${method}${filters} within ${timeoutMs} ms, got ${got}. Recorded calls: ${recorded}`,
          ),
        );
      }, timeoutMs);
      this.events.on('call', onCall);
      this.events.on('stop', onStop);
    });
  }

  /**
   * The next `times` calls to `method` ('*' = any Web API method; 'response_url' = posts to response URLs) fail.
   * Several fail() calls for the same method queue up in order; a method-specific failure wins over '*'.
   * `method@channel` (e.g. 'chat.postMessage@U123') fails only calls to that conversation, and wins over both.
   */
  fail(method: string, failure: Failure, times = Number.POSITIVE_INFINITY): void {
    const list = this.failures.get(method) ?? [];
    list.push({ failure, remaining: times });
    this.failures.set(method, list);
  }

  recover(method?: string): void {
    if (method === undefined) this.failures.clear();
    else this.failures.delete(method);
  }

  addUser(u: FakeUser): void {
    this.users.set(u.id, { ...u });
  }

  addChannel(c: FakeChannel): void {
    this.channels.set(c.id, c);
  }

  /** Adds or replaces a user group (its members may change later, as in Slack). */
  addUserGroup(g: FakeUserGroup): void {
    this.userGroups.set(g.id, { ...g, users: [...g.users] });
  }

  /** One message as it is now (channel id, D… id or, for a DM, the user's id), or undefined. */
  message(channel: string, ts: string): FakeMessage | undefined {
    const m = this.findMessage(this.storeKey(channel), ts);
    if (m === undefined) return undefined;
    const { conversation: _c, ...rest } = m;
    return { ...rest };
  }

  /**
   * Who can see a conversation, as Slack decides it: a private channel its members (and the bot),
   * a public channel anyone, a DM with the bot its one person. Unknown conversations: nobody.
   */
  canSee(userId: string, channel: string): boolean {
    if (userId === this.botUserId) return true;
    const c = this.channels.get(channel);
    if (c !== undefined) return !c.isPrivate || this.memberList(c).includes(userId);
    if (channel.startsWith('D')) return this.dmUserOf(channel) === userId;
    return channel === userId;
  }

  /** The DM channel id (D…) Slack uses between the bot and `userId`. */
  dmChannelOf(userId: string): string {
    return this.dmIdFor(userId);
  }

  /** A channel's current members (the bot included when it is one). */
  membersOf(channel: string): string[] {
    const c = this.channels.get(channel);
    return c === undefined ? [] : this.memberList(c);
  }

  /** The modals open for a person, bottom of the stack first (view ids). */
  openModals(userId: string): string[] {
    return [...(this.stacks.get(userId) ?? [])];
  }

  /**
   * What a person's client does after the app answered a view_submission (slack-facts §3.1): an
   * empty answer closes the view, `update` replaces it, `push` stacks a new one, `clear` closes all,
   * `errors` keeps it open. The views are kept in `views` either way, for tests to read.
   */
  applyViewAnswer(
    userId: string,
    viewId: string,
    answer: Record<string, unknown> | null,
  ): FakeView | undefined {
    const stack = this.stacks.get(userId) ?? [];
    const action = answer?.response_action;
    if (action === 'errors') return this.views.get(viewId);
    if (action === 'clear') {
      this.stacks.set(userId, []);
      return undefined;
    }
    if ((action === 'update' || action === 'push') && isObject(answer?.view)) {
      const current = this.views.get(viewId);
      const push = action === 'push';
      const id = push ? this.newViewId() : viewId;
      const hash = this.newHash();
      const root = push ? (stack[0] ?? viewId) : String(current?.view.root_view_id ?? viewId);
      const view = this.buildView(answer.view, id, hash, root, push ? viewId : null);
      const stored: FakeView = { id, hash, view, userId };
      this.views.set(id, stored);
      if (push) this.stacks.set(userId, [...stack, id]);
      return stored;
    }
    this.stacks.set(
      userId,
      stack.filter((id) => id !== viewId),
    );
    return undefined;
  }

  /** Current messages in a channel or DM (DMs: user id or D… id), after chat.update edits. */
  messages(channel: string): FakeMessage[] {
    return (this.store.get(this.storeKey(channel)) ?? []).map(({ conversation: _c, ...m }) => ({ ...m }));
  }

  /** A message a person typed (not the bot), for shortcuts and threads; undefined where they cannot post. */
  postAs(userId: string, channel: string, text: string, threadTs?: string): FakeMessage | undefined {
    const key = this.storeKey(channel);
    const parent = threadTs === undefined ? undefined : this.findMessage(key, threadTs);
    if (!this.canSee(userId, channel) || (threadTs !== undefined && parent === undefined)) return undefined;
    const m: StoredMessage = {
      ts: this.nextTs(),
      user: userId,
      conversation: this.dmOrChannelId(channel),
      text,
    };
    if (parent !== undefined) m.thread_ts = parent.thread_ts ?? parent.ts;
    this.store.set(key, [...(this.store.get(key) ?? []), m]);
    this.events.emit('change');
    return this.message(channel, m.ts);
  }

  /**
   * A person uploads a file into a conversation (a message carrying it, in a thread if `threadTs`);
   * undefined where they cannot post. Slack keeps the bytes; files.info and the download serve them.
   */
  shareFile(
    userId: string,
    channel: string,
    file: { filename: string; bytes: Buffer; mimetype?: string; text?: string },
    threadTs?: string,
  ): (FakeMessage & { fileId: string }) | undefined {
    const posted = this.postAs(userId, channel, file.text ?? '', threadTs);
    if (posted === undefined) return undefined;
    const fileId = this.personUpload(userId, file);
    const upload = this.uploads.find((u) => u.fileId === fileId);
    if (upload) {
      upload.channel = this.dmOrChannelId(channel);
      upload.ts = posted.ts;
    }
    const stored = this.findMessage(this.storeKey(channel), posted.ts);
    if (stored) stored.files = [{ id: fileId, name: file.filename }];
    return { ...posted, files: [{ id: fileId, name: file.filename }], fileId };
  }

  /** A file a person uploads in a form's file input: Slack holds it, shared nowhere yet. */
  uploadFromForm(userId: string, file: { filename: string; bytes: Buffer; mimetype?: string }): string {
    return this.personUpload(userId, file);
  }

  /** Calls `listener` after every Web API call, response_url post and person's message; returns unsubscribe. */
  onChange(listener: () => void): () => void {
    const names = ['call', 'response_url', 'change'] as const;
    for (const n of names) this.events.on(n, listener);
    return () => {
      for (const n of names) this.events.off(n, listener);
    };
  }

  snapshot(): LocalSlackSnapshot {
    return {
      tsSeq: this.tsSeq,
      idSeq: this.idSeq,
      messages: [...this.store].flatMap(([key, list]) => list.map((m) => ({ ...m, key }))),
      homes: [...this.published].map(([userId, view]) => ({ userId, view })),
      uploads: this.uploads.map((u) => ({ ...u, bytes: u.bytes.toString('base64') })),
    };
  }

  /** Takes back a snapshot into an empty LocalSlack (after start or reset). */
  restore(s: LocalSlackSnapshot): void {
    this.tsSeq = Math.max(this.tsSeq, s.tsSeq);
    this.idSeq = Math.max(this.idSeq, s.idSeq);
    for (const { key, ...m } of s.messages) this.store.set(key, [...(this.store.get(key) ?? []), m]);
    for (const { userId, view } of s.homes) {
      const id = String(view.id);
      this.published.set(userId, view);
      this.views.set(id, { id, hash: String(view.hash), view, userId });
    }
    for (const u of s.uploads) this.uploads.push({ ...u, bytes: Buffer.from(u.bytes, 'base64') });
    this.events.emit('change');
  }

  reset(): void {
    this.calls.length = 0;
    this.responseUrlPosts.length = 0;
    this.ephemerals.length = 0;
    this.uploads.length = 0;
    this.failures.clear();
    this.store.clear();
    this.views.clear();
    this.published.clear();
    this.triggers.clear();
    this.stacks.clear();
    this.pendingUploads.clear();
    this.openedDms.clear();
  }

  /**
   * Slack unreachable: the port stops listening (connections are refused) while everything Slack
   * holds is kept; goOnline() listens on the same port again, as a restarted Slack would.
   */
  async goOffline(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  async goOnline(): Promise<void> {
    const { port } = new URL(this.origin);
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(Number(port), '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.events.emit('stop');
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // -------------------------------------------------------------------------------------------------------------
  // HTTP plumbing

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin);
    const body = await readBody(req);
    const contentType = (req.headers['content-type'] ?? '').toLowerCase();

    if (url.pathname.startsWith('/api/')) {
      const method = decodeURIComponent(url.pathname.slice('/api/'.length));
      const args = await this.parseArgs(url, contentType, body);
      this.apiCall(method, args, req, res);
      return;
    }
    if (url.pathname.startsWith('/response/') && req.method === 'POST') {
      this.responseUrlPost(req, url.pathname, body, res);
      return;
    }
    if (url.pathname.startsWith('/files-pri/') && req.method === 'GET') {
      this.fileDownload(url.pathname.slice('/files-pri/'.length).split('/')[0] ?? '', req, res);
      return;
    }
    if (url.pathname.startsWith('/upload/') && req.method === 'POST') {
      await this.uploadPost(url.pathname.slice('/upload/'.length), contentType, body, res);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('Not Found');
  }

  private async parseArgs(url: URL, contentType: string, body: Buffer): Promise<Json> {
    const args: Json = {};
    for (const [k, v] of url.searchParams) args[k] = decodeField(k, v);
    if (body.length === 0) return args;
    if (contentType.startsWith('application/json')) {
      const parsed: unknown = JSON.parse(body.toString('utf8'));
      if (isObject(parsed)) Object.assign(args, parsed);
      return args;
    }
    if (contentType.startsWith('multipart/form-data')) {
      const form = await parseMultipart(contentType, body);
      for (const [k, v] of form) {
        args[k] = typeof v === 'string' ? decodeField(k, v) : Buffer.from(await v.arrayBuffer());
      }
      return args;
    }
    for (const [k, v] of new URLSearchParams(body.toString('utf8'))) args[k] = decodeField(k, v);
    return args;
  }

  private send(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    if (res.destroyed || res.headersSent) return;
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, {
      'content-type':
        typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
      ...headers,
    });
    res.end(text);
  }

  private takeFailure(keys: string[]): Failure | undefined {
    for (const key of keys) {
      const list = this.failures.get(key);
      const entry = list?.[0];
      if (list === undefined || entry === undefined) continue;
      entry.remaining -= 1;
      if (entry.remaining <= 0) list.shift();
      if (list.length === 0) this.failures.delete(key);
      return entry.failure;
    }
    return undefined;
  }

  /** Writes the failure; returns the recorded error name and the body sent (undefined if none was sent). */
  private applyFailure(
    failure: Failure,
    req: IncomingMessage,
    res: ServerResponse,
  ): { error: string; response: unknown; status: number } {
    switch (failure.kind) {
      case 'error': {
        const body = fail(failure.error);
        this.send(res, 200, body);
        return { error: failure.error, response: body, status: 200 };
      }
      case 'http': {
        const text = STATUS_CODES[failure.status] ?? 'Error';
        this.send(res, failure.status, text);
        return { error: `http_${failure.status}`, response: text, status: failure.status };
      }
      case 'ratelimited': {
        const body = fail('ratelimited');
        this.send(res, 429, body, { 'retry-after': String(failure.retryAfter) });
        return { error: 'ratelimited', response: body, status: 429 };
      }
      case 'timeout': {
        // Hold the request; afterwards answer 504 (no side effects). Never answered if the fake stops first.
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          this.send(res, 504, STATUS_CODES[504] ?? 'Gateway Timeout');
        }, failure.ms);
        this.timers.add(timer);
        return { error: 'timeout', response: undefined, status: 504 };
      }
      case 'reset':
      case 'lost_reply': {
        req.socket.destroy();
        return { error: failure.kind, response: undefined, status: 0 };
      }
      case 'delay': {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          this.send(res, 200, 'ok');
        }, failure.ms);
        this.timers.add(timer);
        return { error: 'delay', response: 'ok', status: 200 };
      }
    }
  }

  private apiCall(method: string, args: Json, req: IncomingMessage, res: ServerResponse): void {
    const auth = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const token = auth?.[1] ?? str(args.token);
    this.callSeq += 1;
    const call: RecordedCall = {
      id: this.callSeq,
      method,
      args,
      token,
      ok: false,
      response: undefined,
      at: this.now(),
    };
    this.calls.push(call);

    const answer = (): Json => {
      let body: Json;
      if (token === undefined) body = fail('not_authed');
      else if (method === 'apps.connections.open') body = this.connectionsOpen(token);
      else if (token !== this.token) body = fail('invalid_auth');
      else body = this.dispatch(method, args);
      call.ok = body.ok === true;
      if (!call.ok) call.error = typeof body.error === 'string' ? body.error : 'unknown_error';
      call.response = body;
      return body;
    };
    const failure = this.takeFailure([`${method}@${String(args.channel ?? '')}`, method, '*']);
    if (failure?.kind === 'delay') {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.send(res, 200, answer());
        this.events.emit('call', call);
      }, failure.ms);
      this.timers.add(timer);
      return;
    }
    if (failure?.kind === 'lost_reply') {
      answer();
      // Recorded as Slack saw it (done), though the caller never hears so.
      req.socket.destroy();
    } else if (failure !== undefined) {
      const { error, response } = this.applyFailure(failure, req, res);
      call.error = error;
      call.response = response;
    } else {
      this.send(res, 200, answer());
    }
    this.events.emit('call', call);
  }

  private responseUrlPost(req: IncomingMessage, path: string, raw: Buffer, res: ServerResponse): void {
    const text = raw.toString('utf8');
    let body: Json;
    try {
      const parsed: unknown = JSON.parse(text);
      body = isObject(parsed) ? parsed : { _raw: text };
    } catch {
      body = { _raw: text };
    }
    const name = decodeURIComponent(path.slice('/response/'.length));
    const post: ResponseUrlPost = { path, name, body, status: 200, at: this.now() };
    this.responseUrlPosts.push(post);
    const failure = this.takeFailure(['response_url']);
    if (failure === undefined) {
      this.send(res, 200, 'ok');
    } else {
      post.status = this.applyFailure(failure, req, res).status;
    }
    this.events.emit('response_url', post);
  }

  private async uploadPost(
    fileId: string,
    contentType: string,
    raw: Buffer,
    res: ServerResponse,
  ): Promise<void> {
    const pending = this.pendingUploads.get(fileId);
    if (pending === undefined) {
      this.send(res, 404, 'Not Found');
      return;
    }
    let bytes = raw;
    if (contentType.startsWith('multipart/form-data')) {
      const form = await parseMultipart(contentType, raw);
      for (const [, v] of form) {
        if (typeof v !== 'string') {
          bytes = Buffer.from(await v.arrayBuffer());
          break;
        }
      }
    }
    const upload: FakeUpload = {
      fileId,
      filename: pending.filename,
      bytes,
      completed: false,
      ...(pending.altText !== undefined ? { altText: pending.altText } : {}),
    };
    if (pending.upload !== undefined) this.uploads.splice(this.uploads.indexOf(pending.upload), 1);
    pending.upload = upload;
    this.uploads.push(upload);
    this.send(res, 200, `OK - ${bytes.length}`);
  }

  private personUpload(userId: string, file: { filename: string; bytes: Buffer; mimetype?: string }): string {
    const fileId = `F${String(this.nextId()).padStart(10, '0')}`;
    this.uploads.push({
      fileId,
      filename: file.filename,
      bytes: file.bytes,
      completed: true,
      user: userId,
      ...(file.mimetype !== undefined ? { mimetype: file.mimetype } : {}),
    });
    return fileId;
  }

  private fileJson(u: FakeUpload): Json {
    const path = `${u.fileId}/${encodeURIComponent(u.filename)}`;
    return {
      id: u.fileId,
      created: Math.floor(this.now() / 1000),
      name: u.filename,
      title: u.title ?? u.filename,
      mimetype: u.mimetype ?? 'application/octet-stream',
      size: u.bytes.length,
      user: u.user ?? this.botUserId,
      url_private: `${this.origin}/files-pri/${path}`,
      url_private_download: `${this.origin}/files-pri/${path}?download=1`,
      permalink: `https://${this.teamDomain}.slack.com/files/${u.user ?? this.botUserId}/${path}`,
      ...(u.channel !== undefined ? { channels: [u.channel] } : {}),
    };
  }

  /** files.info (`files:read`): a file the bot can see, shared where it is, or given to it in a form. */
  private filesInfo(args: Json): Json {
    const id = str(args.file);
    const u = id === undefined ? undefined : this.uploads.find((x) => x.fileId === id && x.completed);
    if (u === undefined) return fail('file_not_found');
    if (u.channel !== undefined && !this.canSee(this.botUserId, u.channel) && u.user !== undefined)
      return fail('file_not_found');
    return { ok: true, file: this.fileJson(u) };
  }

  /** url_private: the file's bytes, only with the bot token in an Authorization header (as Slack). */
  private fileDownload(fileId: string, req: IncomingMessage, res: ServerResponse): void {
    const u = this.uploads.find((x) => x.fileId === fileId && x.completed);
    const auth = req.headers.authorization;
    const allowed = u !== undefined && auth === `Bearer ${this.token}`;
    this.callSeq += 1;
    this.calls.push({
      id: this.callSeq,
      method: 'files.download',
      args: { file: fileId },
      token: auth?.replace(/^Bearer /, ''),
      ok: allowed,
      ...(allowed ? {} : { error: 'not_authed' }),
      response: null,
      at: this.now(),
    });
    this.events.emit('call');
    if (!allowed) {
      // Slack answers a download without the token with its sign-in page, not the file.
      this.send(res, u === undefined ? 404 : 302, 'Sign in to Slack', {
        location: 'https://slack.com/signin',
      });
      return;
    }
    if (res.destroyed || res.headersSent) return;
    res.writeHead(200, {
      'content-type': u.mimetype ?? 'application/octet-stream',
      'content-length': String(u.bytes.length),
    });
    res.end(u.bytes);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Helpers for state

  private nextId(): number {
    this.idSeq += 1;
    return this.idSeq;
  }

  private nextTs(): string {
    this.tsSeq += 100;
    const seconds = TS_BASE_SECONDS + Math.floor(this.tsSeq / 1000000);
    return `${seconds}.${String(this.tsSeq % 1000000).padStart(6, '0')}`;
  }

  private newHash(): string {
    return `${TS_BASE_SECONDS + this.nextId()}.${randomBytes(4).toString('hex')}`;
  }

  private userExists(id: string): boolean {
    if (this.users.has(id)) return true;
    return !this.strictUsers && USER_ID.test(id);
  }

  private dmIdFor(userId: string): string {
    const id = `D${userId.slice(1)}`;
    this.dmUsers.set(id, userId);
    return id;
  }

  private dmUserOf(dmId: string): string | undefined {
    const known = this.dmUsers.get(dmId);
    if (known !== undefined) return known;
    const guess = `U${dmId.slice(1)}`;
    if (this.userExists(guess)) {
      this.dmUsers.set(dmId, guess);
      return guess;
    }
    return undefined;
  }

  private storeKey(channel: string): string {
    if (channel.startsWith('D')) return this.dmUserOf(channel) ?? channel;
    return channel;
  }

  /**
   * Resolves a `channel` argument. `post` additionally requires the bot to be a member of public channels
   * (not_in_channel); private channels the bot is not in are invisible (channel_not_found) in both modes.
   */
  private resolve(channelArg: unknown, mode: 'post' | 'read'): Resolved {
    const raw = str(channelArg);
    if (raw === undefined) return { ok: false, error: 'channel_not_found' };
    let channel: FakeChannel | undefined = this.channels.get(raw);
    if (channel === undefined && !/^[CGDUW][A-Z0-9]+$/.test(raw)) {
      const name = raw.replace(/^#/, '');
      channel = [...this.channels.values()].find((c) => c.name === name);
    }
    if (channel !== undefined) {
      if (channel.isPrivate && !channel.botIsMember) return { ok: false, error: 'channel_not_found' };
      if (mode === 'post' && !channel.botIsMember) return { ok: false, error: 'not_in_channel' };
      if (mode === 'post' && channel.isArchived) return { ok: false, error: 'is_archived' };
      return { ok: true, id: channel.id, key: channel.id, channel };
    }
    if (raw.startsWith('U') || raw.startsWith('W')) {
      if (!this.userExists(raw)) return { ok: false, error: 'channel_not_found' };
      const id = this.dmIdFor(raw);
      this.openedDms.add(id);
      return { ok: true, id, key: raw, dmUser: raw };
    }
    if (raw.startsWith('D')) {
      const user = this.dmUserOf(raw);
      if (user === undefined) return { ok: false, error: 'channel_not_found' };
      return { ok: true, id: raw, key: user, dmUser: user };
    }
    return { ok: false, error: 'channel_not_found' };
  }

  private findMessage(key: string, ts: unknown): StoredMessage | undefined {
    if (typeof ts !== 'string') return undefined;
    return this.store.get(key)?.find((m) => m.ts === ts);
  }

  /** Blocks argument: undefined, a parsed array, or an error code. */
  private blocksArg(args: Json): { blocks?: unknown[]; error?: string } {
    const { blocks } = args;
    if (blocks === undefined || blocks === '') return {};
    if (!Array.isArray(blocks)) return { error: 'invalid_blocks_format' };
    return { blocks };
  }

  private messageProblems(args: Json, blocks: unknown[] | undefined): Json | undefined {
    const hasAttachments = Array.isArray(args.attachments) && args.attachments.length > 0;
    const text = args.text;
    if (hasAttachments && str(text) === undefined && (blocks === undefined || blocks.length === 0))
      return undefined;
    const problems = validateMessage({ text, blocks });
    if (problems.length === 0) return undefined;
    const code = slackErrorCode(problems, 'invalid_blocks');
    if (code === 'no_text' || code === 'msg_too_long') return fail(code);
    return invalid(code, problems);
  }

  private messageJson(m: StoredMessage): Json {
    const out: Json = {
      user: m.user,
      type: 'message',
      ts: m.ts,
      bot_id: this.botId,
      app_id: this.appId,
      text: m.text ?? '',
      team: this.teamId,
    };
    if (m.blocks !== undefined) out.blocks = m.blocks;
    if (m.thread_ts !== undefined) out.thread_ts = m.thread_ts;
    return out;
  }

  private userJson(id: string): Json {
    const u = this.users.get(id) ?? { id };
    const name = u.name ?? id.toLowerCase();
    const tz = u.tz ?? 'UTC';
    const info = tzInfo(tz, this.now());
    return {
      id,
      team_id: this.teamId,
      name,
      deleted: u.deleted ?? false,
      real_name: u.realName ?? name,
      tz,
      tz_label: info.label,
      tz_offset: u.tzOffset ?? info.offset,
      is_bot: u.isBot ?? false,
      is_app_user: false,
      profile: {
        real_name: u.realName ?? name,
        display_name: u.displayName ?? name,
        team: this.teamId,
      },
    };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Web API methods

  /** Socket Mode's handshake takes only the app-level token; no socket is served here (see FakeSocketMode). */
  private connectionsOpen(token: string): Json {
    if (token === this.token) return fail('not_allowed_token_type');
    if (token !== this.appToken) return fail('invalid_auth');
    return {
      ok: true,
      url: `${this.origin.replace(/^http/, 'ws')}/link/?ticket=${randomBytes(8).toString('hex')}`,
    };
  }

  private dispatch(method: string, args: Json): Json {
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: `https://${this.teamDomain}.slack.com/`,
          team: 'Vigil Test',
          user: 'vigil',
          team_id: this.teamId,
          user_id: this.botUserId,
          bot_id: this.botId,
          is_enterprise_install: false,
        };
      case 'chat.postMessage':
        return this.chatPostMessage(args);
      case 'chat.update':
        return this.chatUpdate(args);
      case 'chat.postEphemeral':
        return this.chatPostEphemeral(args);
      case 'chat.getPermalink':
        return this.chatGetPermalink(args);
      case 'views.open':
        return this.viewsOpenOrPush(args, 'open');
      case 'views.push':
        return this.viewsOpenOrPush(args, 'push');
      case 'views.update':
        return this.viewsUpdate(args);
      case 'views.publish':
        return this.viewsPublish(args);
      case 'conversations.open':
        return this.conversationsOpen(args);
      case 'conversations.info':
        return this.conversationsInfo(args);
      case 'conversations.members':
        return this.conversationsMembers(args);
      case 'users.info': {
        const user = str(args.user);
        if (user === undefined || !this.userExists(user)) return fail('user_not_found');
        return { ok: true, user: this.userJson(user) };
      }
      case 'usergroups.list':
        return this.userGroupsList(args);
      case 'usergroups.users.list':
        return this.userGroupsUsersList(args);
      case 'files.getUploadURLExternal':
        return this.filesGetUploadUrl(args);
      case 'files.completeUploadExternal':
        return this.filesComplete(args);
      case 'files.info':
        return this.filesInfo(args);
      default:
        return fail('unknown_method');
    }
  }

  private chatPostMessage(args: Json): Json {
    const { blocks, error } = this.blocksArg(args);
    if (error !== undefined) return fail(error);
    const bad = this.messageProblems(args, blocks);
    if (bad !== undefined) return bad;
    const where = this.resolve(args.channel, 'post');
    if (!where.ok) return fail(where.error);
    let threadTs: string | undefined;
    if (args.thread_ts !== undefined && args.thread_ts !== '') {
      const parentMsg = this.findMessage(where.key, String(args.thread_ts));
      if (parentMsg === undefined) return fail('thread_not_found');
      threadTs = parentMsg.thread_ts ?? parentMsg.ts;
    }
    const m: StoredMessage = {
      ts: this.nextTs(),
      user: this.botUserId,
      conversation: where.id,
      ...(typeof args.text === 'string' ? { text: args.text } : {}),
      ...(blocks !== undefined ? { blocks } : {}),
      ...(threadTs !== undefined ? { thread_ts: threadTs } : {}),
    };
    const list = this.store.get(where.key) ?? [];
    list.push(m);
    this.store.set(where.key, list);
    return { ok: true, channel: where.id, ts: m.ts, message: this.messageJson(m) };
  }

  private chatUpdate(args: Json): Json {
    const where = this.resolve(args.channel, 'read');
    if (!where.ok) return fail(where.error);
    const m = this.findMessage(where.key, args.ts);
    if (m === undefined) return fail('message_not_found');
    const { blocks, error } = this.blocksArg(args);
    if (error !== undefined) return fail(error);
    const clearing = Array.isArray(args.blocks) && args.blocks.length === 0;
    if (!clearing || str(args.text) !== undefined) {
      const bad = this.messageProblems(args, blocks);
      if (bad !== undefined) return bad;
    }
    if (typeof args.text === 'string') {
      m.text = args.text;
      // Slack: updating with only `text` removes the old blocks.
      if (args.blocks === undefined) m.blocks = undefined;
    }
    if (blocks !== undefined) m.blocks = blocks.length === 0 ? undefined : blocks;
    return { ok: true, channel: where.id, ts: m.ts, text: m.text ?? '', message: this.messageJson(m) };
  }

  private chatPostEphemeral(args: Json): Json {
    const user = str(args.user);
    const { blocks, error } = this.blocksArg(args);
    if (error !== undefined) return fail(error);
    const bad = this.messageProblems(args, blocks);
    if (bad !== undefined) return bad;
    const where = this.resolve(args.channel, 'post');
    if (!where.ok) return fail(where.error);
    if (user === undefined || !this.userExists(user)) return fail('user_not_found');
    if (where.channel !== undefined && !where.channel.members.includes(user))
      return fail('user_not_in_channel');
    if (where.dmUser !== undefined && where.dmUser !== user) return fail('user_not_in_channel');
    const e: FakeEphemeral = {
      channel: where.id,
      user,
      ...(typeof args.text === 'string' ? { text: args.text } : {}),
      ...(blocks !== undefined ? { blocks } : {}),
      ...(str(args.thread_ts) !== undefined ? { thread_ts: String(args.thread_ts) } : {}),
    };
    this.ephemerals.push(e);
    return { ok: true, message_ts: this.nextTs() };
  }

  private chatGetPermalink(args: Json): Json {
    const where = this.resolve(args.channel, 'read');
    if (!where.ok) return fail(where.error);
    const m = this.findMessage(where.key, args.message_ts);
    if (m === undefined) return fail('message_not_found');
    let permalink = `https://example.slack.com/archives/${where.id}/p${m.ts.replace('.', '')}`;
    if (m.thread_ts !== undefined && m.thread_ts !== m.ts) {
      permalink += `?thread_ts=${m.thread_ts}&cid=${where.id}`;
    }
    return { ok: true, channel: where.id, permalink };
  }

  // views ----------------------------------------------------------------------------------------------------------

  private checkTrigger(value: unknown): { trigger: Trigger } | { error: string } {
    const id = str(value);
    const trigger = id === undefined ? undefined : this.triggers.get(id);
    if (trigger === undefined) return { error: 'invalid_trigger_id' };
    if (trigger.used) return { error: 'exchanged_trigger_id' };
    if (this.now() - trigger.issuedAt > TRIGGER_LIFETIME_MS) return { error: 'expired_trigger_id' };
    return { trigger };
  }

  private viewArg(
    args: Json,
    expectedType: 'modal' | 'home' | undefined,
  ): { view: Json } | { response: Json } {
    const view = args.view;
    if (!isObject(view)) {
      return { response: invalid('invalid_arguments', [problem('must provide an object', '/view')]) };
    }
    const problems = validateView(view);
    if (expectedType !== undefined && view.type !== expectedType) {
      problems.unshift(problem(`must be ${expectedType}`, '/view/type'));
    }
    if (problems.length > 0) {
      const code = slackErrorCode(problems, 'invalid_arguments');
      return { response: code === 'view_too_large' ? fail(code) : invalid(code, problems) };
    }
    return { view };
  }

  private externalIdTaken(view: Json, exceptId?: string): boolean {
    const ext = str(view.external_id);
    if (ext === undefined) return false;
    for (const v of this.views.values()) {
      if (v.id !== exceptId && v.view.external_id === ext) return true;
    }
    return false;
  }

  private buildView(input: Json, id: string, hash: string, rootId: string, previousId: string | null): Json {
    return {
      ...input,
      id,
      team_id: this.teamId,
      type: input.type,
      blocks: input.blocks ?? [],
      private_metadata: input.private_metadata ?? '',
      callback_id: input.callback_id ?? '',
      state: { values: {} },
      hash,
      title: input.title ?? null,
      clear_on_close: input.clear_on_close ?? false,
      notify_on_close: input.notify_on_close ?? false,
      close: input.close ?? null,
      submit: input.submit ?? null,
      previous_view_id: previousId,
      root_view_id: rootId,
      app_id: this.appId,
      external_id: input.external_id ?? '',
      app_installed_team_id: this.teamId,
      bot_id: this.botId,
    };
  }

  /** Slack's view ids are unique across time; a restarted fake must not hand out an old one. */
  private newViewId(): string {
    return `V${String(this.nextId()).padStart(4, '0')}${randomBytes(4).toString('hex').toUpperCase()}`;
  }

  private viewsOpenOrPush(args: Json, kind: 'open' | 'push'): Json {
    const checked = this.checkTrigger(args.trigger_id ?? args.interactivity_pointer);
    if ('error' in checked) return fail(checked.error);
    const parsed = this.viewArg(args, 'modal');
    if ('response' in parsed) return parsed.response;
    if (this.externalIdTaken(parsed.view)) return fail('duplicate_external_id');
    const userId = str(args.user_id) ?? checked.trigger.userId;
    const stackKey = userId ?? '';
    const stack = kind === 'open' ? [] : [...(this.stacks.get(stackKey) ?? [])];
    if (stack.length >= VIEW_STACK_LIMIT) return fail('push_limit_reached');
    checked.trigger.used = true;
    const id = this.newViewId();
    const hash = this.newHash();
    const view = this.buildView(parsed.view, id, hash, stack[0] ?? id, stack.at(-1) ?? null);
    stack.push(id);
    this.stacks.set(stackKey, stack);
    this.views.set(id, { id, hash, view, ...(userId !== undefined ? { userId } : {}) });
    return { ok: true, view };
  }

  private viewsUpdate(args: Json): Json {
    const viewId = str(args.view_id);
    const externalId = str(args.external_id);
    let current: FakeView | undefined;
    if (viewId !== undefined) current = this.views.get(viewId);
    else if (externalId !== undefined)
      current = [...this.views.values()].find((v) => v.view.external_id === externalId);
    if (current === undefined) return fail('not_found');
    const hash = str(args.hash);
    if (hash !== undefined && hash !== current.hash) return fail('hash_conflict');
    const parsed = this.viewArg(args, undefined);
    if ('response' in parsed) return parsed.response;
    if (this.externalIdTaken(parsed.view, current.id)) return fail('duplicate_external_id');
    const newHash = this.newHash();
    const view = this.buildView(
      parsed.view,
      current.id,
      newHash,
      String(current.view.root_view_id ?? current.id),
      typeof current.view.previous_view_id === 'string' ? current.view.previous_view_id : null,
    );
    const updated: FakeView = { ...current, hash: newHash, view };
    this.views.set(current.id, updated);
    if (view.type === 'home' && current.userId !== undefined) this.published.set(current.userId, view);
    return { ok: true, view };
  }

  private viewsPublish(args: Json): Json {
    const userId = str(args.user_id);
    if (userId === undefined)
      return invalid('invalid_arguments', [problem('missing required field: user_id', '/')]);
    if (!this.userExists(userId)) return fail('user_not_found');
    const parsed = this.viewArg(args, 'home');
    if ('response' in parsed) return parsed.response;
    const previous = this.published.get(userId);
    const hash = str(args.hash);
    if (hash !== undefined && previous !== undefined && hash !== previous.hash) return fail('hash_conflict');
    const id = typeof previous?.id === 'string' ? previous.id : this.newViewId();
    const newHash = this.newHash();
    const view = this.buildView(parsed.view, id, newHash, id, null);
    this.views.set(id, { id, hash: newHash, view, userId });
    this.published.set(userId, view);
    return { ok: true, view };
  }

  // conversations / users -------------------------------------------------------------------------------------------

  private conversationsOpen(args: Json): Json {
    const channelArg = str(args.channel);
    if (channelArg !== undefined) {
      const where = this.resolve(channelArg, 'read');
      if (!where.ok) return fail(where.error);
      return { ok: true, no_op: true, already_open: true, channel: { id: where.id } };
    }
    const users = (str(args.users) ?? '')
      .split(',')
      .map((u) => u.trim())
      .filter((u) => u !== '' && u !== this.botUserId);
    if (users.length === 0) return fail('users_list_not_supplied');
    if (users.length > 8) return fail('too_many_users');
    for (const u of users) if (!this.userExists(u)) return fail('user_not_found');
    let id: string;
    if (users.length === 1) {
      const [user] = users as [string];
      id = this.dmIdFor(user);
    } else {
      const sorted = [...users].sort();
      const existing = [...this.channels.values()].find(
        (c) => c.name === `mpdm-${sorted.join('--').toLowerCase()}-1`,
      );
      id = existing?.id ?? `G${String(this.nextId()).padStart(10, '0')}`;
      if (existing === undefined) {
        this.addChannel({
          id,
          name: `mpdm-${sorted.join('--').toLowerCase()}-1`,
          isPrivate: true,
          botIsMember: true,
          members: sorted,
        });
      }
    }
    if (this.openedDms.has(id)) return { ok: true, no_op: true, already_open: true, channel: { id } };
    this.openedDms.add(id);
    return { ok: true, channel: { id } };
  }

  private conversationsInfo(args: Json): Json {
    const where = this.resolve(args.channel, 'read');
    if (!where.ok) return fail(where.error);
    const c = where.channel;
    if (c === undefined) {
      return {
        ok: true,
        channel: {
          id: where.id,
          created: TS_BASE_SECONDS,
          is_im: true,
          is_channel: false,
          is_group: false,
          is_mpim: false,
          is_private: true,
          is_archived: false,
          is_org_shared: false,
          user: where.dmUser,
          is_user_deleted: false,
          priority: 0,
        },
      };
    }
    const channel: Json = {
      id: c.id,
      name: c.name,
      is_channel: !c.isPrivate,
      is_group: c.isPrivate,
      is_im: false,
      is_mpim: c.name.startsWith('mpdm-'),
      is_private: c.isPrivate,
      is_archived: c.isArchived ?? false,
      is_general: false,
      is_member: c.botIsMember,
      is_shared: false,
      is_org_shared: false,
      created: TS_BASE_SECONDS,
      creator: this.botUserId,
    };
    if (args.include_num_members === true || args.include_num_members === 'true') {
      channel.num_members = this.memberList(c).length;
    }
    return { ok: true, channel };
  }

  private memberList(c: FakeChannel): string[] {
    return c.botIsMember && !c.members.includes(this.botUserId)
      ? [...c.members, this.botUserId]
      : [...c.members];
  }

  private conversationsMembers(args: Json): Json {
    const where = this.resolve(args.channel, 'read');
    if (!where.ok) return fail(where.error);
    const members =
      where.channel !== undefined ? this.memberList(where.channel) : [where.dmUser ?? '', this.botUserId];
    const limitRaw = Number(args.limit ?? 100);
    const limit = Number.isFinite(limitRaw) && limitRaw > 0 ? Math.min(Math.floor(limitRaw), 1000) : 100;
    let offset = 0;
    const cursor = str(args.cursor);
    if (cursor !== undefined) {
      const m = /^members:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
      if (m === null) return fail('invalid_cursor');
      offset = Number(m[1]);
    }
    const page = members.slice(offset, offset + limit);
    const next =
      offset + limit < members.length ? Buffer.from(`members:${offset + limit}`).toString('base64') : '';
    return { ok: true, members: page, response_metadata: { next_cursor: next } };
  }

  // usergroups ------------------------------------------------------------------------------------------------------

  private userGroupJson(g: FakeUserGroup, withUsers: boolean): Json {
    return {
      id: g.id,
      team_id: this.teamId,
      is_usergroup: true,
      name: g.name ?? g.handle,
      handle: g.handle,
      date_delete: g.disabled ? 1 : 0,
      user_count: g.users.length,
      ...(withUsers ? { users: [...g.users] } : {}),
    };
  }

  private userGroupsList(args: Json): Json {
    const disabled = args.include_disabled === true || args.include_disabled === 'true';
    const users = args.include_users === true || args.include_users === 'true';
    return {
      ok: true,
      usergroups: [...this.userGroups.values()]
        .filter((g) => disabled || !g.disabled)
        .map((g) => this.userGroupJson(g, users)),
    };
  }

  private userGroupsUsersList(args: Json): Json {
    const id = str(args.usergroup);
    if (id === undefined) return fail('invalid_arguments');
    const g = this.userGroups.get(id);
    if (g === undefined) return fail('no_such_subteam');
    if (g.disabled && !(args.include_disabled === true || args.include_disabled === 'true'))
      return fail('no_such_subteam');
    return { ok: true, users: [...g.users] };
  }

  // files -----------------------------------------------------------------------------------------------------------

  private filesGetUploadUrl(args: Json): Json {
    const filename = str(args.filename);
    const length = Number(args.length);
    if (filename === undefined || !Number.isInteger(length) || length < 0) {
      return invalid('invalid_arguments', [problem('missing required field: filename or length', '/')]);
    }
    const fileId = `F${String(this.nextId()).padStart(10, '0')}`;
    const altText = str(args.alt_text);
    this.pendingUploads.set(fileId, { filename, length, ...(altText !== undefined ? { altText } : {}) });
    return { ok: true, upload_url: `${this.origin}/upload/${fileId}`, file_id: fileId };
  }

  private filesComplete(args: Json): Json {
    const files = args.files;
    if (!Array.isArray(files) || files.length === 0) {
      return invalid('invalid_arguments', [problem('must provide an array', '/files')]);
    }
    const channelArg = str(args.channel_id) ?? str(args.channels)?.split(',')[0];
    let channelId: string | undefined;
    if (channelArg !== undefined) {
      const where = this.resolve(channelArg, 'post');
      if (!where.ok) return fail(where.error);
      channelId = where.id;
    }
    const out: Json[] = [];
    for (const f of files) {
      const id = isObject(f) ? str(f.id) : undefined;
      const pending = id === undefined ? undefined : this.pendingUploads.get(id);
      if (id === undefined || pending?.upload === undefined) return fail('file_not_found');
      const title = isObject(f) ? str(f.title) : undefined;
      const upload = pending.upload;
      upload.completed = true;
      upload.ts ??= this.nextTs();
      upload.title = title ?? pending.filename;
      if (channelId !== undefined) upload.channel = channelId;
      const comment = str(args.initial_comment);
      if (comment !== undefined) upload.initialComment = comment;
      const threadTs = str(args.thread_ts);
      if (threadTs !== undefined) upload.threadTs = threadTs;
      out.push({ id, title: upload.title, name: pending.filename, size: upload.bytes.length });
    }
    return { ok: true, files: out };
  }
}
