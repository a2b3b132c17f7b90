/**
 * The sandbox page: a Slack client for the demo organisation. It fetches what the chosen person
 * sees, redraws what changed when the sandbox says something happened (server-sent events), and
 * sends what the person does. Each region is redrawn only when what it shows changed, so typing
 * and scrolling survive the live updates.
 */
import './style.css';
import { MESSAGE_SHORTCUTS } from '../app-manifest';
import type {
  Act,
  ActResult,
  Conversation,
  FormAnswer,
  SandboxState,
  ShownMessage,
  TourStep,
} from '../protocol';
import * as api from './api';
import type { BlockContext, Control } from './blocks';
import { blocks } from './blocks';
import { sidebar, topBar } from './chrome';
import { composer } from './composer';
import { confirmDialog, toast } from './dialogs';
import { fill, h } from './dom';
import type { KitView } from './kit';
import { message, messageList } from './messages';
import { answersOf, type ModalContext, modal } from './modal';
import { tourPanel } from './tour-panel';

type Place = { kind: 'conversation'; id: string } | { kind: 'home' };
interface Form {
  values: Record<string, FormAnswer>;
  errors: Record<string, string>;
  /** Grows when errors are shown; clearing one as the person types needs no redraw. */
  shown: number;
}

function start(root: HTMLElement): void {
  const params = new URLSearchParams(location.hash.slice(1));
  let me = params.get('as') ?? 'USTAFF1';
  let place: Place =
    params.get('c') === 'home'
      ? { kind: 'home' }
      : { kind: 'conversation', id: params.get('c') ?? 'C0GENERAL' };
  let thread: { conversation: string; ts: string } | null = null;
  let server: SandboxState | null = null;
  let highlight: { ts?: string; label?: string } | null = null;
  let refusalsOpen = false;
  let tour: { steps: TourStep[]; index: number; done: boolean } | null = null;
  const forms = new Map<string, Form>();
  const drawn = new Map<string, string>();

  const top = h('header', { class: 'topbar' });
  const side = h('nav', { class: 'sidebar' });
  const paneHead = h('header', { class: 'pane-head' });
  const paneBody = h('div', { class: 'pane-body' });
  const threadPane = h('aside', { class: 'thread', hidden: true });
  const modalRoot = h('div', { class: 'modal-root' });
  const dialogRoot = h('div', { class: 'dialog-root' });
  const toasts = h('div', { class: 'toasts' });
  const refusalsPanel = h('section', { class: 'refusals', hidden: true, 'aria-label': 'Slack refused' });
  const tourRoot = h('div', { class: 'tour-root' });
  const box = composer({
    command: async (text) => void (await perform({ type: 'command', conversation: conversationId(), text })),
    post: async (text) => void (await perform({ type: 'post', conversation: conversationId(), text })),
    shortcut: async (callbackId) => void (await perform({ type: 'shortcut', callbackId })),
  });
  const threadBox = composer({
    command: async () => undefined,
    post: async (text) =>
      void (
        thread &&
        (await perform({ type: 'post', conversation: thread.conversation, text, threadTs: thread.ts }))
      ),
    shortcut: async (callbackId) => void (await perform({ type: 'shortcut', callbackId })),
  });
  const pane = h('main', { class: 'pane' }, paneHead, paneBody, box.el);
  fill(
    root,
    top,
    h('div', { class: 'body' }, side, pane, threadPane),
    refusalsPanel,
    tourRoot,
    modalRoot,
    dialogRoot,
    toasts,
  );
  root.removeAttribute('aria-busy');

  const conversationId = () =>
    place.kind === 'conversation' ? place.id : (server?.conversations.find((c) => c.kind === 'dm')?.id ?? '');
  const zone = () => server?.people.find((p) => p.id === me)?.tz ?? 'UTC';
  const nameOf = (id: string) =>
    server?.people.find((p) => p.id === id)?.name ?? (id === 'UBOT' ? 'Vigil' : id);

  /** Redraws a region only when its inputs changed. */
  const changed = (region: string, inputs: unknown) => {
    const sig = JSON.stringify(inputs);
    if (drawn.get(region) === sig) return false;
    drawn.set(region, sig);
    return true;
  };

  const notice = (text: string, kind: 'info' | 'error' = 'info') => toast(toasts, text, kind);

  async function perform(a: Act): Promise<ActResult | undefined> {
    try {
      const result = await api.act(me, a);
      if (!result.ok && result.error) notice(result.error, 'error');
      return result;
    } catch (err) {
      notice(err instanceof Error ? err.message : String(err), 'error');
      return undefined;
    }
  }

  const blockContext = (
    surface: { conversation: string; ts: string } | { viewId: string },
    answers?: () => Record<string, FormAnswer>,
  ): BlockContext => ({
    me,
    zone: zone(),
    now: new Date(server?.now ?? Date.now()),
    nameOf,
    people: server?.people ?? [],
    openPermalink,
    confirm: (c, then) => confirmDialog(dialogRoot, c, then),
    act: (control: Control) =>
      void perform({ type: 'click', surface, ...control, ...(answers ? { answers: answers() } : {}) }),
  });

  function openPermalink(conversation: string, ts: string): void {
    const c = server?.conversations.find((x) => x.id === conversation);
    if (!c) {
      notice('You cannot see that conversation: it is private.', 'error');
      return;
    }
    const target = server?.messages[conversation]?.find((m) => m.ts === ts);
    place = { kind: 'conversation', id: conversation };
    thread = target?.threadTs ? { conversation, ts: target.threadTs } : null;
    highlight = { ts };
    render();
  }

  const messageContext = (conversation: string) => ({
    blockContext: (m: ShownMessage) => blockContext({ conversation, ts: m.ts }),
    openThread: (ts: string) => {
      thread = { conversation, ts };
      render();
    },
    shortcuts: MESSAGE_SHORTCUTS.map((s) => ({
      name: s.name,
      run: (m: ShownMessage) =>
        void perform({ type: 'messageShortcut', conversation, ts: m.ts, callbackId: s.callbackId }),
    })),
    ...(highlight?.ts ? { highlight: highlight.ts } : {}),
  });

  function renderPane(s: SandboxState): void {
    const dm = s.conversations.find((c) => c.kind === 'dm');
    const current = place.kind === 'conversation' ? s.conversations.find((c) => c.id === place.id) : dm;
    if (!current) place = { kind: 'conversation', id: s.conversations[0]?.id ?? '' };
    const c = current ?? s.conversations[0];
    if (!c) return;
    const isDm = c.kind === 'dm';
    if (changed('head', [c, place.kind])) {
      fill(
        paneHead,
        h('h1', {}, isDm ? '🛡 Vigil' : `${c.isPrivate ? '🔒' : '#'} ${c.name}`),
        isDm
          ? h(
              'nav',
              { class: 'tabs' },
              h(
                'button',
                {
                  type: 'button',
                  class: place.kind === 'home' ? 'active' : '',
                  'data-tab': 'home',
                  onclick: () => openHome(),
                },
                'Home',
              ),
              h(
                'button',
                {
                  type: 'button',
                  class: place.kind === 'conversation' ? 'active' : '',
                  'data-tab': 'messages',
                  onclick: () => open(c),
                },
                'Messages',
              ),
            )
          : null,
      );
    }
    const inHome = place.kind === 'home';
    box.el.hidden = inHome;
    box.target(
      isDm
        ? 'Type /report-incident or /incident (messages to Vigil are turned off)'
        : `Message ${c.isPrivate ? '🔒' : '#'}${c.name}: /report-incident or /incident`,
      !isDm,
      false,
    );
    const minute = Math.floor(s.now / 60_000);
    if (inHome) {
      if (!changed('body', ['home', me, s.home?.hash, minute])) return;
      fill(
        paneBody,
        s.home
          ? h(
              'div',
              { class: 'home' },
              blocks((s.home.view as KitView).blocks ?? [], blockContext({ viewId: s.home.id })),
            )
          : h('p', { class: 'empty' }, 'Opening Home…'),
      );
      return;
    }
    const list = s.messages[c.id] ?? [];
    if (!changed('body', [c.id, me, list, minute, highlight])) return;
    const atBottom = paneBody.scrollTop + paneBody.clientHeight >= paneBody.scrollHeight - 40;
    const keep = paneBody.scrollTop;
    const switched = changed('body-place', [c.id, me]);
    fill(paneBody, messageList(list, messageContext(c.id), zone()));
    const pointed = highlight?.ts
      ? paneBody.querySelector<HTMLElement>(`[data-ts="${CSS.escape(highlight.ts)}"]`)
      : null;
    if (pointed) pointed.scrollIntoView({ block: 'center' });
    else paneBody.scrollTop = atBottom || switched ? paneBody.scrollHeight : keep;
    // A picture (the monthly chart) takes its height when loaded: stay at the newest message.
    if (!pointed && (atBottom || switched))
      for (const img of paneBody.querySelectorAll('img'))
        img.addEventListener('load', () => paneBody.scrollTo({ top: paneBody.scrollHeight }), { once: true });
  }

  function renderThread(s: SandboxState): void {
    const list = thread ? (s.messages[thread.conversation] ?? []) : [];
    const parent = thread ? list.find((m) => m.ts === thread?.ts) : undefined;
    threadPane.hidden = !parent;
    if (!parent || !thread) return;
    const replies = list.filter((m) => m.threadTs === thread?.ts);
    if (!changed('thread', [thread, me, parent, replies, Math.floor(s.now / 60_000)])) return;
    const ctx = messageContext(thread.conversation);
    threadBox.target('Reply…', true, true);
    fill(
      threadPane,
      h(
        'header',
        {},
        h('b', {}, 'Thread'),
        h(
          'button',
          {
            type: 'button',
            class: 'icon',
            'aria-label': 'Close thread',
            onclick: () => {
              thread = null;
              render();
            },
          },
          '✕',
        ),
      ),
      h(
        'div',
        { class: 'thread-body' },
        message(parent, ctx, zone(), true),
        h(
          'div',
          { class: 'thread-count' },
          `${replies.length} ${replies.length === 1 ? 'reply' : 'replies'}`,
        ),
        replies.map((m) => message(m, ctx, zone(), true)),
      ),
      threadBox.el,
    );
  }

  function renderModal(s: SandboxState): void {
    const shown = s.modal;
    const form = shown ? (forms.get(shown.id) ?? { values: {}, errors: {}, shown: 0 }) : undefined;
    if (shown && form) forms.set(shown.id, form);
    if (!changed('modal', [me, shown?.id, shown?.hash, form?.shown])) return;
    if (!shown || !form) {
      modalRoot.replaceChildren();
      return;
    }
    const view = shown.view as KitView;
    const ctx: ModalContext = {
      ...blockContext({ viewId: shown.id }, () => answersOf(view, ctx).answers),
      values: form.values,
      errors: form.errors,
      changed: (blockId, value) => {
        form.values[blockId] = value;
        // The question's error goes once the person changes the answer; no redraw, so focus stays.
        if (!(blockId in form.errors)) return;
        delete form.errors[blockId];
        const shownBlock = modalRoot.querySelector(`[data-block="${CSS.escape(blockId)}"]`);
        shownBlock?.classList.remove('has-error');
        shownBlock?.querySelector('.kit-error')?.remove();
      },
      dispatch: (blockId, actionId, option) =>
        void perform({
          type: 'click',
          surface: { viewId: shown.id },
          blockId,
          actionId,
          option,
          answers: answersOf(view, ctx).answers,
        }),
      submit: async (answers) => {
        const result = await perform({ type: 'submit', viewId: shown.id, answers });
        form.errors = result?.errors ?? {};
        form.shown += 1;
        renderModal(server ?? s);
      },
      showErrors: (errors) => {
        form.errors = errors;
        form.shown += 1;
        renderModal(server ?? s);
      },
      close: (all) => void perform({ type: 'close', viewId: shown.id, all }),
    };
    modalRoot.replaceChildren(modal(shown, ctx));
  }

  function renderRefusals(s: SandboxState): void {
    refusalsPanel.hidden = !refusalsOpen;
    if (!refusalsOpen || !changed('refusals', s.refusals)) return;
    fill(
      refusalsPanel,
      h(
        'header',
        {},
        h('b', {}, 'What Slack refused (newest last)'),
        h(
          'button',
          {
            type: 'button',
            class: 'icon',
            'aria-label': 'Close',
            onclick: () => {
              refusalsOpen = false;
              render();
            },
          },
          '✕',
        ),
      ),
      s.refusals.length === 0
        ? h('p', {}, 'Nothing so far: every message and view Vigil sent was within Slack’s limits.')
        : h(
            'ol',
            {},
            s.refusals.map((r) =>
              h(
                'li',
                {},
                h('code', {}, r.method),
                ` ${r.error}`,
                r.problems.length > 0
                  ? h(
                      'ul',
                      {},
                      r.problems.map((p) => h('li', {}, p)),
                    )
                  : null,
              ),
            ),
          ),
    );
  }

  function renderTour(s: SandboxState): void {
    if (!changed('tour', [tour, s.people.length])) return;
    if (!tour) {
      tourRoot.replaceChildren();
      return;
    }
    tourRoot.replaceChildren(
      tourPanel(tour.steps, tour.index, tour.done, s.people, {
        go: (i) => void goToStep(i),
        run: (i) => void runStep(i),
        close: () => {
          tour = null;
          highlight = null;
          render();
        },
      }),
    );
  }

  function pointAtLabel(): void {
    for (const el of document.querySelectorAll('.pointed')) el.classList.remove('pointed');
    if (!highlight?.label) return;
    const wanted = highlight.label.toLowerCase();
    const target = [...paneBody.querySelectorAll<HTMLElement>('[data-label]')]
      .reverse()
      .find((el) => el.dataset.label?.toLowerCase() === wanted);
    target?.classList.add('pointed');
  }

  function render(): void {
    const s = server;
    if (!s) return;
    if (changed('top', [s.now, s.refusals.length, s.orgName, me]))
      fill(
        top,
        topBar(s, zone(), {
          advance: (j) => void moveClock(j),
          tour: () => void openTour(),
          reset: askReset,
          toggleRefusals: () => {
            refusalsOpen = !refusalsOpen;
            render();
          },
        }),
      );
    if (changed('side', [me, s.conversations, place]))
      fill(side, sidebar(s, place.kind === 'home' ? 'home' : place.id, { switchTo, open }));
    renderPane(s);
    renderThread(s);
    renderModal(s);
    renderRefusals(s);
    renderTour(s);
    pointAtLabel();
    history.replaceState(
      null,
      '',
      `#as=${encodeURIComponent(me)}&c=${encodeURIComponent(place.kind === 'home' ? 'home' : place.id)}`,
    );
  }

  let unwatch: (() => void) | null = null;
  /** Listens for what `me` sees; resolves once the first state has been drawn. */
  function connect(): Promise<void> {
    unwatch?.();
    // Until the new person's state arrives, nothing of the previous person's is drawn as theirs.
    server = null;
    return new Promise((resolve) => {
      unwatch = api.watch(me, (state) => {
        if (state.me !== me) return;
        server = state;
        render();
        resolve();
      });
    });
  }

  function switchTo(personId: string): void {
    me = personId;
    thread = null;
    highlight = null;
    void connect().then(() => {
      if (place.kind === 'home') void perform({ type: 'home' });
    });
  }

  function open(c: Conversation): void {
    place = { kind: 'conversation', id: c.id };
    thread = null;
    highlight = null;
    render();
    box.focus();
  }

  function openHome(): void {
    place = { kind: 'home' };
    render();
    // Slack tells the app every time a person opens Home; Vigil redraws it then.
    void perform({ type: 'home' });
  }

  async function moveClock(jump: Parameters<typeof api.advance>[0]): Promise<void> {
    try {
      await api.advance(jump);
      notice('Clock moved; Vigil’s reminder sweep ran.');
    } catch (err) {
      notice(err instanceof Error ? err.message : String(err), 'error');
    }
  }

  function askReset(): void {
    confirmDialog(
      dialogRoot,
      {
        title: { type: 'plain_text', text: 'Reset the sandbox?' },
        text: {
          type: 'plain_text',
          text: 'Every report, message and reminder is deleted, and the clock goes back.',
        },
        confirm: { type: 'plain_text', text: 'Reset' },
        style: 'danger',
      },
      () => {
        void api.reset().then(() => {
          forms.clear();
          thread = null;
          render();
        });
      },
    );
  }

  async function openTour(): Promise<void> {
    tour = { steps: await api.tourSteps(), index: 0, done: false };
    await goToStep(0);
  }

  async function goToStep(index: number): Promise<void> {
    if (!tour) return;
    tour = { steps: await api.tourSteps(), index, done: false };
    const step = tour.steps[index];
    if (!step) return;
    if (step.persona !== me) switchTo(step.persona);
    highlight = step.label ? { label: step.label } : null;
    thread = null;
    if ('conversation' in step.where) place = { kind: 'conversation', id: step.where.conversation };
    if ('home' in step.where) openHome();
    else render();
  }

  async function runStep(index: number): Promise<void> {
    await goToStep(index);
    try {
      const result = await api.runTourStep(index);
      if (!result.ok) notice(result.error ?? 'That step did not work', 'error');
      if (tour) tour = { ...tour, steps: await api.tourSteps(), done: result.ok };
      highlight = null;
      render();
    } catch (err) {
      notice(err instanceof Error ? err.message : String(err), 'error');
    }
  }

  document.addEventListener('click', (e) => {
    // A click outside an open menu closes it, as in Slack.
    for (const menu of document.querySelectorAll<HTMLElement>('.menu:not([hidden])'))
      if (!menu.parentElement?.contains(e.target as Node)) menu.hidden = true;
  });
  window.addEventListener('hashchange', () => {
    // A link or the address bar chose another person or place (the page's own changes do not fire this).
    const next = new URLSearchParams(location.hash.slice(1));
    const c = next.get('c');
    place = c === 'home' ? { kind: 'home' } : c ? { kind: 'conversation', id: c } : place;
    thread = null;
    switchTo(next.get('as') ?? me);
  });
  void connect().then(() => {
    document.documentElement.dataset.readyAt = String(Math.round(performance.now()));
    if (place.kind === 'home') void perform({ type: 'home' });
  });
}

const root = document.getElementById('app');
if (root) start(root);
