/**
 * What one person's Slack client shows: the channels they can see, their DM with Vigil (with the
 * files shared there), their App Home, the form open in front of them, and the ephemeral answers
 * meant for them alone. Slack's own visibility rules decide (LocalSlack.canSee), never the page.
 */
import type { FakeChannel, FakeMessage, LocalSlack } from '../local-slack/local-slack';
import type { DemoPerson } from './org';
import type {
  AppFeatures,
  Conversation,
  SandboxState,
  SharedFile,
  ShownMessage,
  ShownView,
} from './protocol';
import type { Timeline } from './timeline';

export interface Workspace {
  slack: LocalSlack;
  timeline: Timeline;
  orgName: string;
  app: AppFeatures;
  people: DemoPerson[];
  channels: FakeChannel[];
}

const IMAGE = /\.png$/i;

/** The page's id for a person's DM with Vigil (Slack's D… id). */
export const dmOf = (w: Workspace, userId: string): string => w.slack.dmChannelOf(userId);

export function conversationsOf(w: Workspace, userId: string): Conversation[] {
  const channels = w.channels
    .filter((c) => w.slack.canSee(userId, c.id))
    .map((c) => ({ id: c.id, kind: 'channel' as const, name: c.name, isPrivate: c.isPrivate }));
  return [...channels, { id: dmOf(w, userId), kind: 'dm', name: 'Vigil', isPrivate: true }];
}

function nameOf(w: Workspace, userId: string): string {
  if (userId === w.slack.botUserId) return 'Vigil';
  return w.people.find((p) => p.id === userId)?.name ?? userId;
}

function shownMessages(w: Workspace, conversation: string, me: string): ShownMessage[] {
  const messages = w.slack.messages(conversation);
  const replyCounts = new Map<string, number>();
  for (const r of messages)
    if (r.thread_ts && r.thread_ts !== r.ts)
      replyCounts.set(r.thread_ts, (replyCounts.get(r.thread_ts) ?? 0) + 1);
  const replies = (m: FakeMessage) => replyCounts.get(m.ts) ?? 0;
  const shown: ShownMessage[] = messages.map((m) => ({
    ts: m.ts,
    ...(m.thread_ts && m.thread_ts !== m.ts ? { threadTs: m.thread_ts } : {}),
    userId: m.user,
    author: nameOf(w, m.user),
    isBot: m.user === w.slack.botUserId,
    at: w.timeline.arrivedAt(m.ts),
    text: m.text ?? '',
    blocks: m.blocks ?? [],
    ephemeral: false,
    replyCount: replies(m),
  }));
  for (const u of w.slack.uploads) {
    if (!u.completed || u.ts === undefined || u.channel !== w.slack.dmOrChannelId(conversation)) continue;
    const file: SharedFile = {
      id: u.fileId,
      name: u.filename,
      title: u.title ?? u.filename,
      size: u.bytes.length,
      url: `/files/${encodeURIComponent(u.fileId)}`,
      image: IMAGE.test(u.filename),
    };
    shown.push({
      ts: u.ts,
      ...(u.threadTs ? { threadTs: u.threadTs } : {}),
      userId: w.slack.botUserId,
      author: 'Vigil',
      isBot: true,
      at: w.timeline.arrivedAt(u.ts),
      text: u.initialComment ?? '',
      blocks: [],
      ephemeral: false,
      file,
      replyCount: 0,
    });
  }
  for (const e of w.timeline.ephemerals) {
    if (e.owner !== me || w.slack.dmOrChannelId(e.conversation) !== w.slack.dmOrChannelId(conversation))
      continue;
    shown.push({
      ts: e.ts,
      ...(e.threadTs ? { threadTs: e.threadTs } : {}),
      userId: e.author === 'Vigil' ? w.slack.botUserId : 'USLACKBOT',
      author: e.author,
      isBot: true,
      at: e.at,
      text: e.text,
      blocks: e.blocks,
      ephemeral: true,
      replyCount: 0,
    });
  }
  return shown.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
}

function shownView(w: Workspace, id: string | undefined, depth: number): ShownView | null {
  const v = id === undefined ? undefined : w.slack.views.get(id);
  return v ? { id: v.id, hash: v.hash, view: v.view, depth } : null;
}

export function stateFor(w: Workspace, me: string, version: number, now: number): SandboxState {
  const conversations = conversationsOf(w, me);
  const stack = w.slack.openModals(me);
  const home = w.slack.published.get(me);
  return {
    version,
    now,
    orgName: w.orgName,
    app: w.app,
    me,
    people: w.people.map(({ id, name, title, tz }) => ({ id, name, title, tz })),
    conversations,
    messages: Object.fromEntries(conversations.map((c) => [c.id, shownMessages(w, c.id, me)])),
    home: home ? shownView(w, String(home.id), 1) : null,
    modal: shownView(w, stack.at(-1), stack.length),
    refusals: [...w.timeline.refusals],
  };
}
