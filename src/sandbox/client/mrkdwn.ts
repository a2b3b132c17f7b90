/**
 * Slack's mrkdwn as a client draws it, into DOM nodes (never HTML strings): `*bold*`, `_italic_`,
 * `~strike~`, code, quotes, links, mentions shown as names, and date tokens in the reader's zone.
 */
import { formatSlackDate } from './dates';
import { type Child, h, safeHref } from './dom';
import { emojify } from './emoji';

export interface TextContext {
  me: string;
  zone: string;
  now: Date;
  nameOf(userId: string): string;
  /** A link to a message of this workspace opens it here, as Slack's client does. */
  openPermalink(conversation: string, ts: string): void;
}

/** Stands in for a `<…>` token while formatting is read (a private-use character nobody types). */
const MARK = '\uE000';
const PLACEHOLDER = new RegExp(`${MARK}(\\d+)${MARK}`);
const INLINE =
  /`([^`\n]+)`|(?<![\p{L}\p{N}*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\p{L}\p{N}*])|(?<![\p{L}\p{N}_])_(?!\s)([^_\n]+?)(?<!\s)_(?![\p{L}\p{N}_])|(?<![\p{L}\p{N}~])~(?!\s)([^~\n]+?)(?<!\s)~(?![\p{L}\p{N}~])/u;
const PERMALINK = /^https:\/\/[a-z0-9-]+\.slack\.com\/archives\/([A-Z0-9]+)\/p(\d{10})(\d{6})/;

/** Slack sends `&`, `<` and `>` escaped; the reader sees the characters. */
export const decode = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

function entity(raw: string, ctx: TextContext): Node {
  const [target = '', label] = splitLabel(raw);
  if (target.startsWith('@')) {
    const id = target.slice(1);
    return h('span', { class: id === ctx.me ? 'mention me' : 'mention' }, `@${ctx.nameOf(id)}`);
  }
  if (target.startsWith('#')) return h('span', { class: 'mention' }, `#${label ?? target.slice(1)}`);
  if (target.startsWith('!date^')) {
    const [, seconds = '0', format = '', link] = target.split('^');
    const shown = formatSlackDate(Number(seconds), format, ctx.zone, ctx.now);
    const href = link ? safeHref(link) : undefined;
    return h(
      href ? 'a' : 'span',
      {
        class: 'date',
        title: decode(label ?? ''),
        ...(href ? { href, target: '_blank', rel: 'noopener noreferrer' } : {}),
      },
      shown,
    );
  }
  if (target.startsWith('!subteam^')) return h('span', { class: 'mention' }, decode(label ?? '@team'));
  if (target.startsWith('!')) return h('span', { class: 'mention' }, `@${target.slice(1)}`);
  const text = decode(label ?? target);
  const permalink = PERMALINK.exec(target);
  if (permalink) {
    const [, conversation = '', s = '', micros = ''] = permalink;
    return h(
      'a',
      {
        href: '#',
        class: 'permalink',
        onclick: (e: Event) => {
          e.preventDefault();
          ctx.openPermalink(conversation, `${s}.${micros}`);
        },
      },
      text,
    );
  }
  const href = safeHref(decode(target));
  return href
    ? h('a', { href, target: '_blank', rel: 'noopener noreferrer' }, text)
    : document.createTextNode(text);
}

function splitLabel(raw: string): [string, string | undefined] {
  const bar = raw.indexOf('|');
  return bar < 0 ? [raw, undefined] : [raw.slice(0, bar), raw.slice(bar + 1)];
}

function text(s: string, entities: Node[]): Child[] {
  return s
    .split(PLACEHOLDER)
    .map((part, i) =>
      i % 2 === 1 ? (entities[Number(part)]?.cloneNode(true) ?? null) : emojify(decode(part)),
    );
}

function inline(s: string, entities: Node[]): Child[] {
  const out: Child[] = [];
  let rest = s;
  for (let m = INLINE.exec(rest); m; m = INLINE.exec(rest)) {
    out.push(text(rest.slice(0, m.index), entities));
    const [, code, bold, italic, strike] = m;
    if (code !== undefined) out.push(h('code', {}, text(code, entities)));
    else if (bold !== undefined) out.push(h('b', {}, inline(bold, entities)));
    else if (italic !== undefined) out.push(h('i', {}, inline(italic, entities)));
    else if (strike !== undefined) out.push(h('s', {}, inline(strike, entities)));
    rest = rest.slice(m.index + m[0].length);
  }
  out.push(text(rest, entities));
  return out;
}

function lines(s: string, entities: Node[]): Child[] {
  const out: Child[] = [];
  let quote: Child[] = [];
  const flush = () => {
    if (quote.length > 0) out.push(h('blockquote', {}, quote));
    quote = [];
  };
  s.split('\n').forEach((line, i, all) => {
    if (line.startsWith('>')) {
      if (quote.length > 0) quote.push(h('br'));
      quote.push(inline(line.slice(1), entities));
      return;
    }
    flush();
    out.push(inline(line, entities));
    if (i < all.length - 1 && !all[i + 1]?.startsWith('>')) out.push(h('br'));
  });
  flush();
  return out;
}

/** mrkdwn text as nodes. */
export function mrkdwn(source: string, ctx: TextContext): Child[] {
  const entities: Node[] = [];
  const s = source.replaceAll(MARK, '').replace(/<([^<>\n]+)>/g, (_, raw: string) => {
    entities.push(entity(raw, ctx));
    return `${MARK}${entities.length - 1}${MARK}`;
  });
  return s
    .split(/```/)
    .map((part, i) =>
      i % 2 === 1 ? h('pre', {}, text(part.replace(/^\n/, ''), entities)) : lines(part, entities),
    );
}

/** plain_text: no formatting, emoji codes drawn. */
export function plain(source: string, emoji = true): string {
  return emoji ? emojify(source) : source;
}
