/**
 * What Slack's client remembers beside the Web API's record: when each message arrived (in sandbox
 * time), the ephemeral answers only their owner sees and where they appeared, and what Slack
 * refused. It listens to LocalSlack, so everything Vigil does is noted the moment Slack takes it.
 */
import type { Clock } from '../clock';
import type { LocalSlack } from '../local-slack/local-slack';
import type { Refusal } from './protocol';

export interface Ephemeral {
  owner: string;
  conversation: string;
  threadTs?: string;
  /** Sorts just after the conversation's last message when it arrived. */
  ts: string;
  at: number;
  author: 'Vigil' | 'Slackbot';
  text: string;
  blocks: unknown[];
}

export interface TimelineSnapshot {
  arrived: [string, number][];
}

const REFUSALS_KEPT = 20;

export class Timeline {
  private readonly arrived = new Map<string, number>();
  private readonly where = new Map<string, { conversation: string; threadTs?: string }>();
  readonly ephemerals: Ephemeral[] = [];
  readonly refusals: Refusal[] = [];
  private callsSeen = 0;
  private postsSeen = 0;
  private ephemeralsSeen = 0;
  private seq = 0;

  constructor(
    private readonly slack: LocalSlack,
    private readonly clock: Clock,
    /** Every conversation the page can show (channel ids, and person ids for their DMs). */
    private readonly conversations: () => string[],
  ) {}

  /** When a message (or shared file) arrived, by its ts; unknown ones count as now. */
  arrivedAt(ts: string): number {
    return this.arrived.get(ts) ?? this.clock.now().getTime();
  }

  /** Says where a request's ephemeral answers appear (the conversation it was made in). */
  answersGoTo(responseName: string, conversation: string, threadTs?: string): void {
    this.where.set(responseName, { conversation, ...(threadTs ? { threadTs } : {}) });
  }

  addEphemeral(e: Omit<Ephemeral, 'ts' | 'at'>): void {
    // Messages are kept in the order Slack took them, which is the order of their ts.
    const last = this.slack.messages(e.conversation).at(-1)?.ts ?? '0000000000.000000';
    this.seq += 1;
    this.ephemerals.push({ ...e, ts: `${last}e${String(this.seq).padStart(6, '0')}`, at: this.now() });
  }

  /** Notes something Slack refused that is not a Web API call (an app's answer to a form). */
  refuse(method: string, error: string, problems: string[]): void {
    this.refusals.push({ at: this.now(), method, error, problems });
  }

  /** Notes whatever happened since the last call; cheap enough to run on every change. */
  update(): void {
    const now = this.now();
    for (const conversation of this.conversations()) {
      for (const m of this.slack.messages(conversation))
        if (!this.arrived.has(m.ts)) this.arrived.set(m.ts, now);
    }
    for (const u of this.slack.uploads)
      if (u.ts !== undefined && !this.arrived.has(u.ts)) this.arrived.set(u.ts, now);
    for (const call of this.slack.calls.slice(this.callsSeen)) {
      if (call.ok) continue;
      const response = call.response as { response_metadata?: { messages?: unknown } } | undefined;
      const problems = response?.response_metadata?.messages;
      this.refusals.push({
        at: now,
        method: call.method,
        error: call.error ?? 'failed',
        problems: Array.isArray(problems) ? problems.map(String) : [],
      });
    }
    this.callsSeen = this.slack.calls.length;
    this.refusals.splice(0, Math.max(0, this.refusals.length - REFUSALS_KEPT));
    for (const post of this.slack.responseUrlPosts.slice(this.postsSeen)) {
      const owner = this.slack.responseOwner(post.name);
      const where = this.where.get(post.name);
      if (owner === undefined || where === undefined) continue;
      this.addEphemeral({ owner, ...where, author: 'Vigil', ...messageOf(post.body) });
    }
    this.postsSeen = this.slack.responseUrlPosts.length;
    for (const e of this.slack.ephemerals.slice(this.ephemeralsSeen))
      this.addEphemeral({
        owner: e.user,
        conversation: e.channel,
        ...(e.thread_ts ? { threadTs: e.thread_ts } : {}),
        author: 'Vigil',
        ...messageOf(e),
      });
    this.ephemeralsSeen = this.slack.ephemerals.length;
  }

  /** Forgets everything (the sandbox was reset); LocalSlack's own records were cleared too. */
  clear(): void {
    this.arrived.clear();
    this.where.clear();
    this.ephemerals.length = 0;
    this.refusals.length = 0;
    this.callsSeen = 0;
    this.postsSeen = 0;
    this.ephemeralsSeen = 0;
  }

  snapshot(): TimelineSnapshot {
    return { arrived: [...this.arrived] };
  }

  restore(s: TimelineSnapshot): void {
    for (const [ts, at] of s.arrived) this.arrived.set(ts, at);
  }

  private now(): number {
    return this.clock.now().getTime();
  }
}

/** The text and blocks of a message body (a response_url post, an ephemeral, a command's answer). */
export function messageOf(body: { text?: unknown; blocks?: unknown }): { text: string; blocks: unknown[] } {
  return {
    text: typeof body.text === 'string' ? body.text : '',
    blocks: Array.isArray(body.blocks) ? body.blocks : [],
  };
}
