/**
 * The people's side of the local Slack: what a person's Slack client sends to the app when they
 * type a command, click a control, submit a form or open App Home, signed as Slack signs it. It
 * delivers only what Slack would: a click on a private channel's message from a non-member, on
 * another person's DM, or on a view opened for someone else is never sent (NotDelivered). Tests
 * that need such a request as an attacker would send it build it with payloads.ts explicitly.
 */
import type { Answer } from './fill-view';
import { stateFromView } from './fill-view';
import type { FakeMessage, FakeView, LocalSlack } from './local-slack';
import {
  blockAction,
  eventCallback,
  globalShortcut,
  messageShortcut,
  type SlackResponse,
  type SlackSender,
  slashCommand,
  viewSubmission,
} from './payloads';

/** Slack would never send this request (the person cannot see what they would act on). */
export class NotDelivered extends Error {}

/** What the app answered, and the ephemeral answers it posted to the request's response_url. */
export interface Delivered {
  status: number;
  /** The HTTP answer's body, parsed when it is JSON (a view_submission's response_action). */
  body: Record<string, unknown> | null;
  /** Texts posted to this request's response_url (ephemeral answers), in order. */
  replies: () => string[];
  /** The name of this request's response_url (LocalSlack.responseOwner, responseUrlPosts). */
  responseName: string;
}

/** Where a control is: a message (channel or DM, as Slack names it) or a view by id. */
export type Surface = { channel: string; ts: string } | { viewId: string };

export interface Choice {
  /** A select's or overflow's option value. */
  option?: string;
  /** A users_select's person. */
  user?: string;
  /** Overrides a button's value (what a person cannot do; for the app's own copies of a card). */
  value?: string;
  /** Picks the control in the block whose id ends with `:<block>`. */
  block?: string;
  /** Picks the control in the block with exactly this id (a form's inputs all share one action id). */
  blockId?: string;
  /**
   * The blocks as the person's client shows them (an older copy of an edited message): their
   * controls are what is clicked. Default: the message as it is now.
   */
  asShown?: unknown[];
}

interface Element {
  type: string;
  action_id?: string;
  value?: string;
  options?: { text: { text: string }; value: string }[];
}
interface Block {
  type: string;
  block_id?: string;
  accessory?: Element;
  elements?: Element[];
  element?: Element;
}

/** Every interactive element of a list of blocks, with the block it is in. */
export function controlsOf(blocks: unknown[]): { block: Block; element: Element }[] {
  return (blocks as Block[]).flatMap((b) =>
    [...(b.elements ?? []), ...(b.accessory ? [b.accessory] : []), ...(b.element ? [b.element] : [])]
      .filter((e) => typeof e.action_id === 'string')
      .map((element) => ({ block: b, element })),
  );
}

/**
 * The control `actionId` as a person finds it: a button or select with that action id, or else an
 * option whose value is that action id in a menu (the card's "More…"), which is then what is picked.
 */
export function findShownControl(
  blocks: unknown[],
  actionId: string,
  choice: Pick<Choice, 'block' | 'blockId'> = {},
): { found?: { block: Block; element: Element }; inMenu?: string; option?: string } {
  const inBlock = ({ block }: { block: Block }) =>
    (choice.block === undefined || block.block_id?.endsWith(`:${choice.block}`)) &&
    (choice.blockId === undefined || block.block_id === choice.blockId);
  const controls = controlsOf(blocks).filter(inBlock);
  const found = controls.find(({ element }) => element.action_id === actionId);
  if (found) return { found };
  const menu = controls.find(({ element }) => element.options?.some((o) => o.value === actionId));
  return menu?.element.action_id ? { found: menu, inMenu: menu.element.action_id, option: actionId } : {};
}

export class SlackPeople {
  constructor(
    readonly slack: LocalSlack,
    readonly app: SlackSender,
  ) {}

  as(userId: string): Person {
    return new Person(this, userId);
  }

  /** Sends a signed request and collects what the app posts back to its response_url. */
  async deliver(send: (responseUrl: string) => Promise<SlackResponse>, owner: string): Promise<Delivered> {
    const responseUrl = this.slack.responseUrl(undefined, owner);
    const name = decodeURIComponent(new URL(responseUrl).pathname.split('/').pop() ?? '');
    const res = await send(responseUrl);
    let body: Record<string, unknown> | null = null;
    if (res.text) {
      try {
        const parsed = res.json();
        body = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : null;
      } catch {
        body = null;
      }
    }
    return {
      status: res.status,
      body,
      replies: () =>
        this.slack.responseUrlPosts.filter((p) => p.name === name).map((p) => String(p.body.text ?? '')),
      responseName: name,
    };
  }
}

export class Person {
  constructor(
    private readonly people: SlackPeople,
    readonly userId: string,
  ) {}

  private get slack(): LocalSlack {
    return this.people.slack;
  }

  /** Types a slash command (Slack does not deliver slash commands typed in threads). */
  command(command: string, text = '', channelId = 'C0GENERAL'): Promise<Delivered> {
    const triggerId = this.slack.issueTrigger(this.userId);
    return this.people.deliver(
      (responseUrl) =>
        this.people.app.command(
          slashCommand({ command, text, userId: this.userId, channelId, triggerId, responseUrl }),
        ),
      this.userId,
    );
  }

  /** The message or view the person would click on, as their client shows it. */
  private seen(
    surface: Surface,
    choice: Choice,
  ): { blocks: unknown[]; message?: FakeMessage; view?: FakeView } {
    if ('viewId' in surface) {
      const view = this.slack.views.get(surface.viewId);
      if (view?.userId !== this.userId)
        throw new NotDelivered(`${this.userId} cannot click in view ${surface.viewId}: it is not theirs`);
      return { blocks: choice.asShown ?? ((view.view.blocks ?? []) as unknown[]), view };
    }
    if (!this.slack.canSee(this.userId, surface.channel))
      throw new NotDelivered(`${this.userId} cannot see ${surface.channel}, so cannot click in it`);
    const message = this.slack.message(surface.channel, surface.ts);
    if (!message) throw new NotDelivered(`there is no message ${surface.ts} in ${surface.channel}`);
    return { blocks: choice.asShown ?? message.blocks ?? [], message };
  }

  /** Clicks (or picks in) a control, as Slack sends it: the message or view comes along. */
  click(
    surface: Surface,
    wanted: string,
    asked: Choice = {},
    stateValues?: Record<string, Record<string, unknown>>,
  ): Promise<Delivered> {
    const { blocks, message, view } = this.seen(surface, asked);
    const shown = findShownControl(blocks, wanted, asked);
    // A control offered as an option of a menu ("More…"): the person picks it there.
    const actionId = shown.inMenu ?? wanted;
    const choice = shown.inMenu ? { ...asked, option: shown.option } : asked;
    const found = shown.found;
    if (!found?.block.block_id)
      throw new NotDelivered(
        `no ${actionId} control${choice.block ? ` in ${choice.block}` : ''} where ${this.userId} looks`,
      );
    const option =
      choice.option !== undefined
        ? (found.element.options?.find((o) => o.value === choice.option) ?? {
            text: { text: choice.option },
            value: choice.option,
          })
        : undefined;
    if (
      choice.option !== undefined &&
      found.element.options &&
      !found.element.options.some((o) => o.value === choice.option)
    )
      throw new NotDelivered(`${actionId} does not offer "${choice.option}"`);
    const triggerId = this.slack.issueTrigger(this.userId);
    const channel = 'viewId' in surface ? undefined : this.slack.dmOrChannelId(surface.channel);
    return this.people.deliver(
      (responseUrl) =>
        this.people.app.interaction(
          blockAction({
            userId: this.userId,
            actionId,
            blockId: found.block.block_id ?? '',
            actionType: found.element.type,
            ...(option ? { selectedOption: { value: option.value, text: option.text.text } } : {}),
            ...(choice.user !== undefined ? { selectedUser: choice.user } : {}),
            ...(found.element.value !== undefined || choice.value !== undefined
              ? { value: choice.value ?? found.element.value }
              : {}),
            container:
              'viewId' in surface || !channel
                ? { type: 'view', viewId: 'viewId' in surface ? surface.viewId : '' }
                : { type: 'message', channelId: channel, messageTs: surface.ts },
            ...(message
              ? {
                  message: {
                    type: 'message',
                    user: message.user,
                    bot_id: this.slack.botId,
                    ts: message.ts,
                    ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}),
                    text: message.text ?? '',
                    blocks,
                  },
                }
              : {}),
            ...(view
              ? { view: { ...view.view, ...(stateValues ? { state: { values: stateValues } } : {}) } }
              : {}),
            triggerId,
            ...(stateValues ? { stateValues } : {}),
            // Slack gives a response_url for clicks on messages, not in modals or App Home.
            ...(channel ? { responseUrl } : {}),
          }),
        ),
      this.userId,
    );
  }

  /**
   * Fills a modal like a person would, submits it, and lets Slack act on the answer. `view` is the
   * view as the person's client had it (a retried submission resends the same one).
   */
  async submit(view: string | FakeView, answers: Record<string, Answer> = {}): Promise<Delivered> {
    const shown = typeof view === 'string' ? this.slack.views.get(view) : view;
    const stored = shown ? this.slack.views.get(shown.id) : undefined;
    if (!shown || stored?.userId !== this.userId)
      throw new NotDelivered(
        `${this.userId} cannot submit view ${shown?.id ?? String(view)}: it is not theirs`,
      );
    const delivered = await this.people.deliver(
      () =>
        this.people.app.interaction(
          viewSubmission({
            userId: this.userId,
            view: {
              id: shown.id,
              callback_id: String(shown.view.callback_id ?? ''),
              private_metadata: String(shown.view.private_metadata ?? ''),
              hash: shown.hash,
              blocks: (shown.view.blocks ?? []) as unknown[],
            },
            values: stateFromView(shown.view, answers),
            triggerId: this.slack.issueTrigger(this.userId),
          }),
        ),
      this.userId,
    );
    if (delivered.status === 200) this.slack.applyViewAnswer(this.userId, shown.id, delivered.body);
    return delivered;
  }

  /** Opens the app's Home tab (Slack sends app_home_opened every time). */
  openHome(): Promise<Delivered> {
    return this.people.deliver(
      () =>
        this.people.app.event(
          eventCallback({
            type: 'app_home_opened',
            user: this.userId,
            channel: this.slack.dmChannelOf(this.userId),
            tab: 'home',
          }),
        ),
      this.userId,
    );
  }

  /** A global shortcut from the shortcuts menu. */
  shortcut(callbackId: string): Promise<Delivered> {
    const triggerId = this.slack.issueTrigger(this.userId);
    return this.people.deliver(
      () => this.people.app.interaction(globalShortcut({ userId: this.userId, callbackId, triggerId })),
      this.userId,
    );
  }

  /** A message shortcut on a message the person can see. */
  messageShortcut(on: { channel: string; ts: string }, callbackId: string): Promise<Delivered> {
    if (!this.slack.canSee(this.userId, on.channel))
      throw new NotDelivered(`${this.userId} cannot see ${on.channel}, so cannot use a shortcut there`);
    const message = this.slack.message(on.channel, on.ts);
    if (!message) throw new NotDelivered(`there is no message ${on.ts} in ${on.channel}`);
    const triggerId = this.slack.issueTrigger(this.userId);
    return this.people.deliver(
      (responseUrl) =>
        this.people.app.interaction({
          ...messageShortcut({
            userId: this.userId,
            callbackId,
            triggerId,
            channelId: this.slack.dmOrChannelId(on.channel),
            messageTs: on.ts,
            messageText: message.text ?? '',
            messageUser: message.user,
            responseUrl,
          }),
          // Slack sends the message as the person sees it: in its thread, with its files.
          ...(message.thread_ts || message.files
            ? {
                message: {
                  type: 'message',
                  user: message.user,
                  ts: on.ts,
                  ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}),
                  text: message.text ?? '',
                  ...(message.files ? { files: message.files } : {}),
                },
              }
            : {}),
        }),
      this.userId,
    );
  }
}
