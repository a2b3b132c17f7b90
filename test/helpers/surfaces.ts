/**
 * Everything the app asked Slack to show, however it got there: messages posted, edited or posted
 * ephemerally, views opened, updated, pushed or published, answers sent to response URLs, and any
 * message or view a test got back in an HTTP answer. Tests about what people see walk all of it,
 * so a check cannot pass by looking at one surface in one key order.
 */
import { validateMessage, validateView } from '../../src/local-slack/block-kit-limits';
import type { LocalSlack } from '../../src/local-slack/local-slack';

export interface Surface {
  /** e.g. 'chat.postMessage → GSECURITY', 'views.publish → USIRO', 'response_url r3' */
  where: string;
  kind: 'message' | 'view';
  /** The message (`text`, `blocks`) or the view, as sent. */
  content: Record<string, unknown>;
}

const MESSAGE_METHODS = new Set(['chat.postMessage', 'chat.update', 'chat.postEphemeral']);
const VIEW_METHODS = new Set(['views.open', 'views.update', 'views.push', 'views.publish']);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every surface the fake recorded (successful or not: a refused message was still meant to be shown). */
export function recordedSurfaces(fake: LocalSlack): Surface[] {
  const out: Surface[] = [];
  for (const call of fake.calls) {
    const target = String(call.args.channel ?? call.args.user_id ?? call.args.view_id ?? '');
    if (MESSAGE_METHODS.has(call.method))
      out.push({ where: `${call.method} → ${target}`, kind: 'message', content: call.args });
    else if (VIEW_METHODS.has(call.method) && isObject(call.args.view))
      out.push({ where: `${call.method} → ${target}`, kind: 'view', content: call.args.view });
  }
  for (const post of fake.responseUrlPosts)
    out.push({ where: `response_url ${post.name}`, kind: 'message', content: post.body });
  return out;
}

/** A message or view carried in an HTTP answer (slash command ack, response_action update/push). */
export function answerSurfaces(where: string, body: unknown): Surface[] {
  if (!isObject(body)) return [];
  if ((body.response_action === 'update' || body.response_action === 'push') && isObject(body.view))
    return [{ where, kind: 'view', content: body.view }];
  if ('text' in body || 'blocks' in body) return [{ where, kind: 'message', content: body }];
  return [];
}

/** Block Kit problems of a surface, as Slack would report them (empty: Slack would show it). */
export function surfaceProblems(s: Surface): string[] {
  return s.kind === 'view'
    ? validateView(s.content)
    : validateMessage({ text: s.content.text, blocks: s.content.blocks });
}

export interface TextObject {
  type: 'mrkdwn' | 'plain_text';
  text: string;
  verbatim?: boolean;
}

/** Every text object (mrkdwn or plain_text) anywhere inside `value`, whatever the key order. */
export function textObjects(value: unknown): TextObject[] {
  if (Array.isArray(value)) return value.flatMap(textObjects);
  if (!isObject(value)) return [];
  const own: TextObject[] =
    (value.type === 'mrkdwn' || value.type === 'plain_text') && typeof value.text === 'string'
      ? [
          {
            type: value.type,
            text: value.text,
            ...(typeof value.verbatim === 'boolean' ? { verbatim: value.verbatim } : {}),
          },
        ]
      : [];
  return [...own, ...Object.values(value).flatMap(textObjects)];
}

/**
 * What Slack parses as mrkdwn on a surface: its mrkdwn text objects and, for a message, the
 * top-level `text` (the notification and fallback, parsed for mentions and links too).
 */
export function mrkdwnTexts(s: Surface): TextObject[] {
  const objects = textObjects(s.kind === 'view' ? s.content : s.content.blocks).filter(
    (t) => t.type === 'mrkdwn',
  );
  const top = s.kind === 'message' && typeof s.content.text === 'string' ? [s.content.text] : [];
  return [...objects, ...top.map((text) => ({ type: 'mrkdwn' as const, text }))];
}
