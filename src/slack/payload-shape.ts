import { z } from 'zod';

/**
 * The shape of what Slack sends, as far as Vigil reads it (slack-facts.md §2): a request of
 * another shape was not sent by Slack's client, whatever its signature says, and is refused before
 * any listener trips over it. Loose objects: Slack adds fields, and those are left alone.
 */

const text = z.string();
const id = z.string().min(1);
const option = z.looseObject({ value: text });

/** One answer in `state.values`: the value fields Vigil reads, each of the type Slack sends. */
const stateValue = z.looseObject({
  type: text,
  value: text.nullish(),
  selected_option: option.nullish(),
  selected_options: z.array(option).nullish(),
  selected_date: text.nullish(),
  selected_time: text.nullish(),
  selected_date_time: z.number().nullish(),
  selected_user: text.nullish(),
  selected_users: z.array(text).nullish(),
  selected_conversation: text.nullish(),
  selected_channel: text.nullish(),
});
const state = z.looseObject({ values: z.record(text, z.record(text, stateValue)) });

const user = z.looseObject({ id });
const view = z.looseObject({
  id,
  callback_id: text,
  private_metadata: text.optional(),
  state: state.optional(),
});

const action = z.looseObject({
  action_id: text,
  block_id: text.optional(),
  type: text,
  value: text.optional(),
  selected_option: option.nullish(),
  selected_options: z.array(option).nullish(),
  selected_user: text.nullish(),
  selected_date: text.nullish(),
});
const container = z.looseObject({
  type: text,
  channel_id: text.optional(),
  message_ts: text.optional(),
  view_id: text.optional(),
});

const interaction = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('block_actions'),
    user,
    trigger_id: text,
    actions: z.array(action).min(1),
    container,
    channel: z.looseObject({ id }).nullish(),
    message: z.looseObject({ ts: text }).optional(),
    view: view.nullish(),
    state: state.optional(),
    response_url: text.optional(),
  }),
  z.looseObject({ type: z.literal('view_submission'), user, view }),
  z.looseObject({ type: z.literal('view_closed'), user, view }),
  z.looseObject({ type: z.literal('shortcut'), user, callback_id: text, trigger_id: text }),
  z.looseObject({
    type: z.literal('message_action'),
    user,
    callback_id: text,
    trigger_id: text,
    response_url: text,
    channel: z.looseObject({ id }),
    message: z.looseObject({ ts: text, text: text.optional(), user: text.optional() }),
  }),
]);

const command = z.looseObject({
  command: text,
  text,
  user_id: id,
  channel_id: text,
  trigger_id: text,
  response_url: text,
});

/** What Vigil reads of the events it subscribes to (manifest.yml): ids, as Slack sends them. */
const READS = new Map<string, readonly string[]>([
  ['app_home_opened', ['user']],
  ['member_joined_channel', ['user', 'channel']],
  ['member_left_channel', ['user', 'channel']],
]);
const event = z.looseObject({ type: text, tab: text.optional() }).superRefine((e, ctx) => {
  for (const key of READS.get(e.type) ?? [])
    if (typeof (e as Record<string, unknown>)[key] !== 'string')
      ctx.addIssue({ code: 'custom', path: [key], message: 'expected an id' });
});
const eventsApi = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('event_callback'), event_id: text, event }),
  z.looseObject({ type: z.literal('url_verification'), challenge: text }),
  z.looseObject({ type: z.literal('app_rate_limited') }),
]);

export type Transport = 'json' | 'interaction' | 'command';

/** Whether a parsed body has the shape Slack gives what arrives this way; the problem if not. */
export function payloadProblem(transport: Transport, body: unknown): string | null {
  const schema = transport === 'json' ? eventsApi : transport === 'interaction' ? interaction : command;
  const parsed = schema.safeParse(body);
  if (parsed.success) return null;
  const issue = parsed.error.issues[0];
  return `${transport} ${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'unexpected shape'}`;
}
