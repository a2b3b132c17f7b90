/**
 * The page's state (who you are, where you look, what the sandbox last said you see) and what
 * every view needs from it: sending what the person does, noticing what changed, drawing again.
 * Each region is redrawn only when what it shows changed, so typing and scrolling survive the
 * live updates.
 */
import type { Act, ActResult, Advance, Conversation, FormAnswer, SandboxState, TourStep } from '../protocol';
import * as api from './api';
import type { BlockContext, Control } from './blocks';
import { sidebar, topBar } from './chrome';
import { type Composer, composer } from './composer';
import { renderPane, renderThread } from './conversation-view';
import { confirmDialog, toast } from './dialogs';
import { fill, h } from './dom';
import { renderModal } from './modal-view';
import { renderRefusals, renderTour } from './panels';
import { openTour } from './tour-flow';

export type Place = { kind: 'conversation'; id: string } | { kind: 'home' };
export type Surface = { conversation: string; ts: string } | { viewId: string };

export interface Form {
  values: Record<string, FormAnswer>;
  errors: Record<string, string>;
  /** Grows when errors are shown; clearing one as the person types needs no redraw. */
  shown: number;
}

export interface TourState {
  steps: TourStep[];
  index: number;
  done: boolean;
}

export class Page {
  thread: { conversation: string; ts: string } | null = null;
  server: SandboxState | null = null;
  highlight: { ts?: string; label?: string } | null = null;
  refusalsOpen = false;
  tour: TourState | null = null;
  readonly forms = new Map<string, Form>();
  private readonly drawn = new Map<string, string>();
  private unwatch: (() => void) | null = null;

  readonly top = h('header', { class: 'topbar' });
  readonly side = h('nav', { class: 'sidebar' });
  readonly paneHead = h('header', { class: 'pane-head' });
  readonly paneBody = h('div', { class: 'pane-body' });
  readonly threadPane = h('aside', { class: 'thread', hidden: true });
  readonly modalRoot = h('div', { class: 'modal-root' });
  readonly dialogRoot = h('div', { class: 'dialog-root' });
  readonly toasts = h('div', { class: 'toasts' });
  readonly refusalsPanel = h('section', { class: 'refusals', hidden: true, 'aria-label': 'Slack refused' });
  readonly tourRoot = h('div', { class: 'tour-root' });
  readonly box: Composer;
  readonly threadBox: Composer;

  constructor(
    root: HTMLElement,
    public me: string,
    public place: Place,
  ) {
    this.box = composer({
      features: () => this.server?.app,
      command: async (text) =>
        void (await this.perform({ type: 'command', conversation: this.conversationId(), text })),
      post: async (text) =>
        void (await this.perform({ type: 'post', conversation: this.conversationId(), text })),
      shortcut: async (callbackId) => void (await this.perform({ type: 'shortcut', callbackId })),
    });
    this.threadBox = composer({
      features: () => this.server?.app,
      command: async () => undefined,
      post: async (text) => {
        const t = this.thread;
        if (t) await this.perform({ type: 'post', conversation: t.conversation, text, threadTs: t.ts });
      },
      shortcut: async (callbackId) => void (await this.perform({ type: 'shortcut', callbackId })),
    });
    const pane = h('main', { class: 'pane' }, this.paneHead, this.paneBody, this.box.el);
    fill(
      root,
      this.top,
      h('div', { class: 'body' }, this.side, pane, this.threadPane),
      this.refusalsPanel,
      this.tourRoot,
      this.modalRoot,
      this.dialogRoot,
      this.toasts,
    );
    root.removeAttribute('aria-busy');
  }

  conversationId(): string {
    if (this.place.kind === 'conversation') return this.place.id;
    return this.server?.conversations.find((c) => c.kind === 'dm')?.id ?? '';
  }

  zone(): string {
    return this.server?.people.find((p) => p.id === this.me)?.tz ?? 'UTC';
  }

  nameOf(id: string): string {
    return this.server?.people.find((p) => p.id === id)?.name ?? (id === 'UBOT' ? 'Vigil' : id);
  }

  /** True (and remembered) when a region's inputs differ from what it last drew. */
  changed(region: string, inputs: unknown): boolean {
    const sig = JSON.stringify(inputs);
    if (this.drawn.get(region) === sig) return false;
    this.drawn.set(region, sig);
    return true;
  }

  notice(text: string, kind: 'info' | 'error' = 'info'): void {
    toast(this.toasts, text, kind);
  }

  /** Sends what the person did; what it changes arrives with the next pushed state. */
  async perform(a: Act): Promise<ActResult | undefined> {
    try {
      const result = await api.act(this.me, a);
      if (!result.ok && result.error) this.notice(result.error, 'error');
      return result;
    } catch (err) {
      this.notice(err instanceof Error ? err.message : String(err), 'error');
      return undefined;
    }
  }

  blockContext(surface: Surface, answers?: () => Record<string, FormAnswer>): BlockContext {
    return {
      me: this.me,
      zone: this.zone(),
      now: new Date(this.server?.now ?? Date.now()),
      nameOf: (id) => this.nameOf(id),
      people: this.server?.people ?? [],
      openPermalink: (conversation, ts) => this.openPermalink(conversation, ts),
      confirm: (c, then) => confirmDialog(this.dialogRoot, c, then),
      act: (control: Control) =>
        void this.perform({ type: 'click', surface, ...control, ...(answers ? { answers: answers() } : {}) }),
    };
  }

  /** A link to a message: opens it here, as Slack's client does, if this person can see it. */
  openPermalink(conversation: string, ts: string): void {
    if (!this.server?.conversations.some((x) => x.id === conversation)) {
      this.notice('You cannot see that conversation: it is private.', 'error');
      return;
    }
    const target = this.server.messages[conversation]?.find((m) => m.ts === ts);
    this.place = { kind: 'conversation', id: conversation };
    this.thread = target?.threadTs ? { conversation, ts: target.threadTs } : null;
    this.highlight = { ts };
    this.render();
  }

  render(): void {
    const s = this.server;
    if (!s) return;
    if (this.changed('top', [s.now, s.refusals.length, s.orgName, this.me]))
      fill(
        this.top,
        topBar(s, this.zone(), {
          advance: (j) => void this.moveClock(j),
          tour: () => void openTour(this),
          reset: () => this.askReset(),
          toggleRefusals: () => {
            this.refusalsOpen = !this.refusalsOpen;
            this.render();
          },
        }),
      );
    if (this.changed('side', [this.me, s.conversations, this.place]))
      fill(
        this.side,
        sidebar(s, this.place.kind === 'home' ? 'home' : this.place.id, {
          switchTo: (id) => this.switchTo(id),
          open: (c) => this.open(c),
        }),
      );
    renderPane(this, s);
    renderThread(this, s);
    renderModal(this, s);
    renderRefusals(this, s);
    renderTour(this, s);
    const where = this.place.kind === 'home' ? 'home' : this.place.id;
    history.replaceState(null, '', `#as=${encodeURIComponent(this.me)}&c=${encodeURIComponent(where)}`);
  }

  /** Listens for what `me` sees; resolves once the first state has been drawn. */
  connect(): Promise<void> {
    this.unwatch?.();
    // Until the new person's state arrives, nothing of the previous person's is drawn as theirs.
    this.server = null;
    return new Promise((resolve) => {
      this.unwatch = api.watch(this.me, (state) => {
        if (state.me !== this.me) return;
        this.server = state;
        this.render();
        resolve();
      });
    });
  }

  switchTo(personId: string): void {
    this.me = personId;
    this.thread = null;
    this.highlight = null;
    void this.connect().then(() => {
      if (this.place.kind === 'home') void this.perform({ type: 'home' });
    });
  }

  open(c: Conversation): void {
    this.place = { kind: 'conversation', id: c.id };
    this.thread = null;
    this.highlight = null;
    this.render();
    this.box.focus();
  }

  openHome(): void {
    this.place = { kind: 'home' };
    this.render();
    // Slack tells the app every time a person opens Home; Vigil redraws it then.
    void this.perform({ type: 'home' });
  }

  async moveClock(jump: Advance): Promise<void> {
    try {
      await api.advance(jump);
      this.notice('Clock moved; Vigil’s reminder sweep ran.');
    } catch (err) {
      this.notice(err instanceof Error ? err.message : String(err), 'error');
    }
  }

  askReset(): void {
    const text = (t: string) => ({ type: 'plain_text' as const, text: t });
    confirmDialog(
      this.dialogRoot,
      {
        title: text('Reset the sandbox?'),
        text: text('Every report, message and reminder is deleted, and the clock goes back.'),
        confirm: text('Reset'),
        style: 'danger',
      },
      () =>
        void api.reset().then(() => {
          this.forms.clear();
          this.thread = null;
          this.render();
        }),
    );
  }
}
