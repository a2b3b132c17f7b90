import type {
  AllMiddlewareArgs,
  App,
  BlockAction,
  BlockElementAction,
  ButtonAction,
  Middleware,
  RespondFn,
  SlackAction,
  SlackActionMiddlewareArgs,
  SlackViewAction,
  SlackViewMiddlewareArgs,
} from '@slack/bolt';
import type { WebClient } from '@slack/web-api';

type AnyActionArgs = SlackActionMiddlewareArgs & AllMiddlewareArgs;
type AnyViewArgs = SlackViewMiddlewareArgs & AllMiddlewareArgs;

/**
 * What a listener module registers with: Bolt's own methods for the few commands, shortcuts and
 * events, and a table for buttons and forms. Bolt matches every listener in turn, building the
 * arguments and a middleware chain for each (1 ms a click with ~30 of them, against 0.3 ms for a
 * whole bare app); one action listener and one view listener look the id up instead.
 */
export interface Listeners extends Pick<App, 'command' | 'shortcut' | 'event'> {
  action<A extends SlackAction = SlackAction>(
    actionId: string,
    listener: Middleware<SlackActionMiddlewareArgs<A>>,
  ): void;
  view<V extends SlackViewAction = SlackViewAction>(
    callbackId: string,
    listener: Middleware<SlackViewMiddlewareArgs<V>>,
  ): void;
  /** Hands a click to the listener of `actionId` as a click on that button (already acknowledged). */
  redirect(args: SlackActionMiddlewareArgs<BlockAction>, actionId: string): Promise<void>;
}

/** What every listener is handed in place of Bolt's own (see adapt). */
export interface Handed {
  client: WebClient;
  /** Resolves once what has been written is committed (db/group-commit.ts). */
  durable: () => Promise<void>;
  /** An answer to a response URL by the lean path (src/slack/lean-client.ts). */
  respondTo: (responseUrl: string) => RespondFn;
}

export function routeByTable(app: App, handed: Handed): Listeners {
  const actions = new Map<string, (args: AnyActionArgs) => Promise<void>>();
  const views = new Map<string, (args: AnyViewArgs) => Promise<void>>();
  const add = <T>(table: Map<string, T>, id: string, listener: T) => {
    // Two listeners for one id would both have run under Bolt; here that is a mistake to see at start.
    if (table.has(id)) throw new Error(`two listeners for ${id}`);
    table.set(id, listener);
  };

  // An id without a listener is left unanswered, as Bolt leaves it (404 after 3 s).
  app.action(/^/, async (args) => {
    adapt(args, handed);
    const id = 'action_id' in args.action ? args.action.action_id : undefined;
    const listener = id === undefined ? undefined : actions.get(id);
    if (listener) await listener(args);
  });
  app.view({ callback_id: /^/, type: 'view_submission' }, async (args) => {
    adapt(args, handed);
    const listener = views.get(args.view.callback_id);
    if (listener) await listener(args);
  });

  return {
    command: adapted(app.command.bind(app), handed),
    shortcut: adapted(app.shortcut.bind(app), handed),
    event: adapted(app.event.bind(app), handed),
    action: (actionId, listener) =>
      add(actions, actionId, listener as unknown as (a: AnyActionArgs) => Promise<void>),
    view: (callbackId, listener) =>
      add(views, callbackId, listener as unknown as (a: AnyViewArgs) => Promise<void>),
    redirect: async (args, actionId) => {
      const listener = actions.get(actionId);
      if (!listener) return;
      const { selected_option: _picked, ...rest } = args.action as BlockElementAction & {
        selected_option?: unknown;
      };
      const action = { ...rest, type: 'button', action_id: actionId } as ButtonAction;
      // The pick is acknowledged by the control's listener, once it has stored what it changes.
      await listener({
        ...(args as unknown as AnyActionArgs),
        action,
        payload: action,
        body: { ...args.body, actions: [action] },
      } as AnyActionArgs);
    },
  };
}

type Ack = (...response: never[]) => Promise<void>;
interface Adaptable {
  client: WebClient;
  ack?: Ack;
  respond?: RespondFn;
  body?: unknown;
}

/**
 * Bolt keeps a client per workspace of its own making, which Vigil (one workspace, one bot token)
 * cannot give the lean path for its hot calls; Bolt's `respond` goes by fetch. So each listener is
 * handed Vigil's client and a lean `respond`, and an `ack` that waits until what the listener
 * wrote is committed with the rest of its turn: Slack hears the request was taken only then.
 */
function adapt(args: Adaptable, handed: Handed): void {
  args.client = handed.client;
  if (args.ack) {
    const ack = args.ack;
    args.ack = async (...response: never[]) => {
      await handed.durable();
      return ack(...response);
    };
  }
  const body = args.body as { response_url?: string; response_urls?: { response_url?: string }[] };
  const url = body?.response_url ?? body?.response_urls?.[0]?.response_url;
  if (args.respond && url) args.respond = handed.respondTo(url);
}

/** Bolt's registration method, with each listener adapted (see adapt). */
function adapted<F extends (...params: never[]) => void>(register: F, handed: Handed): F {
  return ((first: unknown, ...listeners: ((args: Adaptable) => Promise<void>)[]) =>
    (register as unknown as (...p: unknown[]) => void)(
      first,
      ...listeners.map((listener) => (args: Adaptable) => {
        adapt(args, handed);
        return listener(args);
      }),
    )) as unknown as F;
}
