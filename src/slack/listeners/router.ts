import type {
  AllMiddlewareArgs,
  App,
  BlockAction,
  BlockElementAction,
  ButtonAction,
  Middleware,
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

/**
 * `client` is handed to every listener in place of the one Bolt picks: Bolt keeps a client per
 * workspace of its own making, which Vigil (one workspace, one bot token) cannot give the lean
 * path for its hot calls (src/slack/lean-client.ts). Every acknowledgement waits for `durable`:
 * what the listener wrote is committed with the rest of its turn (db/group-commit.ts) first.
 */
export function routeByTable(app: App, client: WebClient, durable: () => Promise<void>): Listeners {
  const actions = new Map<string, (args: AnyActionArgs) => Promise<void>>();
  const views = new Map<string, (args: AnyViewArgs) => Promise<void>>();
  const add = <T>(table: Map<string, T>, id: string, listener: T) => {
    // Two listeners for one id would both have run under Bolt; here that is a mistake to see at start.
    if (table.has(id)) throw new Error(`two listeners for ${id}`);
    table.set(id, listener);
  };

  // An id without a listener is left unanswered, as Bolt leaves it (404 after 3 s).
  app.action(/^/, async (args) => {
    args.client = client;
    args.ack = afterCommit(args.ack, durable);
    const id = 'action_id' in args.action ? args.action.action_id : undefined;
    const listener = id === undefined ? undefined : actions.get(id);
    if (listener) await listener(args);
  });
  app.view({ callback_id: /^/, type: 'view_submission' }, async (args) => {
    args.client = client;
    args.ack = afterCommit(args.ack, durable);
    const listener = views.get(args.view.callback_id);
    if (listener) await listener(args);
  });

  return {
    command: withClient(app.command.bind(app), client, durable),
    shortcut: withClient(app.shortcut.bind(app), client, durable),
    event: withClient(app.event.bind(app), client, durable),
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
        client,
      } as AnyActionArgs);
    },
  };
}

type Ack = (...response: never[]) => Promise<void>;

/** Slack hears the request was taken only once what its listener wrote so far is committed. */
function afterCommit<A extends Ack>(ack: A, durable: () => Promise<void>): A {
  return (async (...response: never[]) => {
    await durable();
    return ack(...response);
  }) as A;
}

/** Bolt's registration method, with each listener given `client` and an ack after the commit. */
function withClient<F extends (...params: never[]) => void>(
  register: F,
  client: WebClient,
  durable: () => Promise<void>,
): F {
  return ((first: unknown, ...listeners: ((args: { client: WebClient; ack?: Ack }) => Promise<void>)[]) =>
    (register as unknown as (...p: unknown[]) => void)(
      first,
      ...listeners.map((listener) => (args: { client: WebClient; ack?: Ack }) => {
        args.client = client;
        if (args.ack) args.ack = afterCommit(args.ack, durable);
        return listener(args);
      }),
    )) as unknown as F;
}
