/**
 * The message box: slash commands (with Slack's suggestions as you type `/`), plain messages where
 * a person may post, and the shortcuts button. Built once and kept, so typing survives redraws.
 */
import type { AppFeatures } from '../protocol';
import { h } from './dom';

export interface ComposerActions {
  /** The app's commands and shortcuts, as its manifest declares them (from the sandbox's state). */
  features(): AppFeatures | undefined;
  command(text: string): Promise<void>;
  post(text: string): Promise<void>;
  shortcut(callbackId: string): Promise<void>;
}

export interface Composer {
  el: HTMLElement;
  /** Where it sends, and what its placeholder says. */
  target(placeholder: string, canPost: boolean, inThread: boolean): void;
  focus(): void;
}

export function composer(actions: ComposerActions): Composer {
  let canPost = true;
  let inThread = false;
  const box = h('textarea', { rows: 1, class: 'compose-input', 'aria-label': 'Message' });
  const suggestions = h('div', { class: 'suggestions', role: 'listbox', hidden: true });
  const shortcutsMenu = h('div', { class: 'menu up', role: 'menu', hidden: true });
  /** The menu is filled when opened, from the shortcuts the app declares now. */
  const toggleShortcuts = () => {
    shortcutsMenu.replaceChildren(
      ...(actions.features()?.globalShortcuts ?? []).map((s) =>
        h(
          'button',
          {
            type: 'button',
            role: 'menuitem',
            'data-label': s.name,
            onclick: () => {
              shortcutsMenu.hidden = true;
              void actions.shortcut(s.callbackId);
            },
          },
          `⚡ ${s.name}`,
        ),
      ),
    );
    shortcutsMenu.hidden = !shortcutsMenu.hidden;
  };
  const suggest = () => {
    const typed = box.value;
    const matching =
      typed.startsWith('/') && !typed.includes(' ')
        ? (actions.features()?.commands ?? []).filter((c) => c.command.startsWith(typed))
        : [];
    suggestions.replaceChildren(
      ...matching.map((c) =>
        h(
          'button',
          {
            type: 'button',
            role: 'option',
            onclick: () => {
              box.value = `${c.command} `;
              suggestions.hidden = true;
              box.focus();
            },
          },
          h('b', {}, c.command),
          ` ${c.hint}`,
        ),
      ),
    );
    suggestions.hidden = matching.length === 0;
  };
  const send = async () => {
    const text = box.value.trim();
    if (!text) return;
    if (text.startsWith('/') && inThread)
      return refuse(`${text.split(' ')[0]} is not supported in threads. Sorry!`);
    if (!text.startsWith('/') && !canPost) return refuse('Sending messages to this app has been turned off.');
    box.value = '';
    suggest();
    await (text.startsWith('/') ? actions.command(text) : actions.post(text));
  };
  const refuse = (why: string) => {
    box.setCustomValidity(why);
    box.reportValidity();
    setTimeout(() => box.setCustomValidity(''), 2000);
  };
  box.addEventListener('input', suggest);
  box.addEventListener('keydown', (e: KeyboardEvent) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      void send();
    }
  });
  const el = h(
    'div',
    { class: 'composer' },
    suggestions,
    box,
    h(
      'div',
      { class: 'compose-tools' },
      h(
        'span',
        { class: 'shortcuts' },
        h(
          'button',
          {
            type: 'button',
            class: 'icon',
            'aria-label': 'Shortcuts',
            title: 'Shortcuts',
            onclick: toggleShortcuts,
          },
          '⚡',
        ),
        shortcutsMenu,
      ),
      h('button', { type: 'button', class: 'send', 'aria-label': 'Send', onclick: () => void send() }, '➤'),
    ),
  );
  return {
    el,
    target(placeholder, posting, thread) {
      box.placeholder = placeholder;
      canPost = posting;
      inThread = thread;
    },
    focus: () => box.focus(),
  };
}
