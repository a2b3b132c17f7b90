/** The main pane (a channel, the DM with Vigil, or App Home) and the thread beside it. */
import type { SandboxState, ShownMessage } from '../protocol';
import { blocks } from './blocks';
import { fill, h } from './dom';
import type { KitView } from './kit';
import { type MessageContext, message, messageList } from './messages';
import type { Page } from './page';

function messageContext(page: Page, conversation: string): MessageContext {
  return {
    blockContext: (m: ShownMessage) => page.blockContext({ conversation, ts: m.ts }),
    openThread: (ts: string) => {
      page.thread = { conversation, ts };
      page.render();
    },
    shortcuts: (page.server?.app.messageShortcuts ?? []).map((s) => ({
      name: s.name,
      run: (m: ShownMessage) =>
        void page.perform({ type: 'messageShortcut', conversation, ts: m.ts, callbackId: s.callbackId }),
    })),
    ...(page.highlight?.ts ? { highlight: page.highlight.ts } : {}),
  };
}

function tab(label: string, id: string, active: boolean, onclick: () => void): HTMLElement {
  return h('button', { type: 'button', class: active ? 'active' : '', 'data-tab': id, onclick }, label);
}

/** The tour points at a control by its label, as a person would be told to find it. */
function pointAtLabel(page: Page): void {
  for (const el of document.querySelectorAll('.pointed')) el.classList.remove('pointed');
  const wanted = page.highlight?.label?.toLowerCase();
  if (!wanted) return;
  const target = [...page.paneBody.querySelectorAll<HTMLElement>('[data-label]')]
    .reverse()
    .find((el) => el.dataset.label?.toLowerCase() === wanted);
  target?.classList.add('pointed');
}

export function renderPane(page: Page, s: SandboxState): void {
  const { place, paneHead, box } = page;
  const dm = s.conversations.find((c) => c.kind === 'dm');
  const current = place.kind === 'conversation' ? s.conversations.find((c) => c.id === place.id) : dm;
  const c = current ?? s.conversations[0];
  if (!c) return;
  if (!current) page.place = { kind: 'conversation', id: c.id };
  const isDm = c.kind === 'dm';
  const inHome = page.place.kind === 'home';
  if (page.changed('head', [c, page.place.kind]))
    fill(
      paneHead,
      h('h1', {}, isDm ? '🛡 Vigil' : `${c.isPrivate ? '🔒' : '#'} ${c.name}`),
      isDm
        ? h(
            'nav',
            { class: 'tabs' },
            tab('Home', 'home', inHome, () => page.openHome()),
            tab('Messages', 'messages', !inHome, () => page.open(c)),
          )
        : null,
    );
  box.el.hidden = inHome;
  box.target(
    isDm
      ? 'Type /report-incident or /incident (messages to Vigil are turned off)'
      : `Message ${c.isPrivate ? '🔒' : '#'}${c.name}: /report-incident or /incident`,
    !isDm,
    false,
  );
  drawBody(page, s, c.id, inHome);
  pointAtLabel(page);
}

function drawBody(page: Page, s: SandboxState, conversation: string, inHome: boolean): void {
  const { paneBody } = page;
  const minute = Math.floor(s.now / 60_000);
  if (inHome) {
    if (!page.changed('body', ['home', page.me, s.home?.hash, minute])) return;
    const home = s.home;
    fill(
      paneBody,
      home
        ? h(
            'div',
            { class: 'home' },
            blocks((home.view as KitView).blocks ?? [], page.blockContext({ viewId: home.id })),
          )
        : h('p', { class: 'empty' }, 'Opening Home…'),
    );
    return;
  }
  const list = s.messages[conversation] ?? [];
  if (!page.changed('body', [conversation, page.me, list, minute, page.highlight])) return;
  const atBottom = paneBody.scrollTop + paneBody.clientHeight >= paneBody.scrollHeight - 40;
  const keep = paneBody.scrollTop;
  const switched = page.changed('body-place', [conversation, page.me]);
  fill(paneBody, messageList(list, messageContext(page, conversation), page.zone()));
  const ts = page.highlight?.ts;
  const pointed = ts ? paneBody.querySelector<HTMLElement>(`[data-ts="${CSS.escape(ts)}"]`) : null;
  if (pointed) pointed.scrollIntoView({ block: 'center' });
  else paneBody.scrollTop = atBottom || switched ? paneBody.scrollHeight : keep;
  // A picture (the monthly chart) takes its height when loaded: stay at the newest message.
  if (!pointed && (atBottom || switched))
    for (const img of paneBody.querySelectorAll('img'))
      img.addEventListener('load', () => paneBody.scrollTo({ top: paneBody.scrollHeight }), { once: true });
}

export function renderThread(page: Page, s: SandboxState): void {
  const thread = page.thread;
  const list = thread ? (s.messages[thread.conversation] ?? []) : [];
  const parent = thread ? list.find((m) => m.ts === thread.ts) : undefined;
  page.threadPane.hidden = !parent;
  if (!parent || !thread) return;
  const replies = list.filter((m) => m.threadTs === thread.ts);
  if (!page.changed('thread', [thread, page.me, parent, replies, Math.floor(s.now / 60_000)])) return;
  const ctx = messageContext(page, thread.conversation);
  const close = () => {
    page.thread = null;
    page.render();
  };
  page.threadBox.target('Reply…', true, true);
  fill(
    page.threadPane,
    h(
      'header',
      {},
      h('b', {}, 'Thread'),
      h('button', { type: 'button', class: 'icon', 'aria-label': 'Close thread', onclick: close }, '✕'),
    ),
    h(
      'div',
      { class: 'thread-body' },
      message(parent, ctx, page.zone(), true),
      h('div', { class: 'thread-count' }, `${replies.length} ${replies.length === 1 ? 'reply' : 'replies'}`),
      replies.map((m) => message(m, ctx, page.zone(), true)),
    ),
    page.threadBox.el,
  );
}
