/** A conversation's messages as Slack lists them: author, time, blocks or text, files, threads. */
import type { ShownMessage } from '../protocol';
import { type BlockContext, blocks } from './blocks';
import { dayText, messageTime } from './dates';
import { type Child, h } from './dom';
import type { KitBlock } from './kit';
import { mrkdwn } from './mrkdwn';

export interface MessageContext {
  /** Controls in `m` act on that message. */
  blockContext(m: ShownMessage): BlockContext;
  openThread(ts: string): void;
  /** The "more actions" menu: message shortcuts. */
  shortcuts: { name: string; run(m: ShownMessage): void }[];
  highlight?: string;
}

function initials(name: string): string {
  return name
    .split(/\s+/)
    .map((w) => w[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase();
}

const colour = (id: string) => [...id].reduce((n, c) => n + c.charCodeAt(0), 0) % 8;

function file(m: ShownMessage): Child {
  const f = m.file;
  if (!f) return null;
  const size = f.size > 1024 ? `${Math.round(f.size / 1024)} KB` : `${f.size} B`;
  return h(
    'div',
    { class: 'file' },
    f.image ? h('img', { src: f.url, alt: f.title, class: 'file-image' }) : null,
    h(
      'div',
      { class: 'file-meta' },
      h('span', { class: 'file-icon' }, f.image ? '🖼' : '📄'),
      h('a', { href: f.url, download: f.name }, f.title),
      h('span', { class: 'file-size' }, ` ${size}`),
    ),
  );
}

function moreActions(m: ShownMessage, ctx: MessageContext): Child {
  if (m.ephemeral || m.file) return null;
  const menu = h(
    'div',
    { class: 'menu', role: 'menu', hidden: true },
    h(
      'button',
      { type: 'button', role: 'menuitem', onclick: () => ctx.openThread(m.threadTs ?? m.ts) },
      'Reply in thread',
    ),
    ctx.shortcuts.map((s) =>
      h(
        'button',
        {
          type: 'button',
          role: 'menuitem',
          'data-label': s.name,
          onclick: () => {
            menu.hidden = true;
            s.run(m);
          },
        },
        `⚡ ${s.name}`,
      ),
    ),
  );
  return h(
    'span',
    { class: 'message-tools' },
    h(
      'button',
      {
        type: 'button',
        class: 'overflow',
        'aria-label': 'More actions',
        onclick: () => {
          menu.hidden = !menu.hidden;
        },
      },
      '⋯',
    ),
    menu,
  );
}

export function message(m: ShownMessage, ctx: MessageContext, zone: string, inThread = false): HTMLElement {
  const bctx = ctx.blockContext(m);
  const body =
    m.blocks.length > 0
      ? blocks(m.blocks as KitBlock[], bctx)
      : h('div', { class: 'kit-text' }, mrkdwn(m.text, bctx));
  return h(
    'article',
    {
      class: `message${m.ephemeral ? ' ephemeral' : ''}${ctx.highlight === m.ts ? ' highlight' : ''}`,
      'data-ts': m.ts,
    },
    h(
      'div',
      { class: m.isBot ? 'avatar bot' : `avatar c${colour(m.userId)}` },
      m.isBot ? (m.author === 'Vigil' ? '🛡' : '🤖') : initials(m.author),
    ),
    h(
      'div',
      { class: 'message-main' },
      h(
        'div',
        { class: 'message-head' },
        h('b', { class: 'author' }, m.author),
        m.isBot ? h('span', { class: 'badge' }, 'APP') : null,
        h('time', {}, messageTime(m.at, zone)),
        m.ephemeral ? h('span', { class: 'only-you' }, '👁 Only visible to you') : null,
        moreActions(m, ctx),
      ),
      m.file && m.text ? h('div', { class: 'kit-text' }, mrkdwn(m.text, bctx)) : m.file ? null : body,
      file(m),
      !inThread && m.replyCount > 0
        ? h(
            'button',
            { type: 'button', class: 'replies', onclick: () => ctx.openThread(m.ts) },
            `${m.replyCount} ${m.replyCount === 1 ? 'reply' : 'replies'}`,
          )
        : null,
    ),
  );
}

/** The top-level messages of a conversation (replies live in their threads), with a line at each new day. */
export function messageList(list: ShownMessage[], ctx: MessageContext, zone: string): HTMLElement {
  const top = list.filter((m) => m.threadTs === undefined);
  let day = '';
  const items = top.flatMap((m) => {
    const today = dayText(m.at, zone);
    const divider = today === day ? [] : [h('div', { class: 'day' }, h('span', {}, today))];
    day = today;
    return [...divider, message(m, ctx, zone)];
  });
  return h(
    'div',
    { class: 'messages' },
    top.length === 0 ? h('p', { class: 'empty' }, 'No messages yet.') : items,
  );
}
