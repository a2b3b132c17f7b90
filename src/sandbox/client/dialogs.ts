/** Slack's confirmation dialog, and the page's own short notices. */
import { h } from './dom';
import type { Confirm } from './kit';
import { plain } from './mrkdwn';

export function confirmDialog(root: HTMLElement, c: Confirm, then: () => void): void {
  const close = () => root.replaceChildren();
  root.replaceChildren(
    h(
      'div',
      { class: 'overlay' },
      h(
        'div',
        { class: 'modal small', role: 'alertdialog', 'aria-modal': 'true' },
        h('header', {}, h('h2', {}, plain(c.title?.text ?? 'Are you sure?'))),
        h('div', { class: 'modal-body' }, h('p', {}, plain(c.text?.text ?? ''))),
        h(
          'footer',
          {},
          h(
            'button',
            { type: 'button', class: 'secondary', onclick: close },
            plain(c.deny?.text ?? 'Cancel'),
          ),
          h(
            'button',
            {
              type: 'button',
              class: c.style === 'danger' ? 'danger' : 'primary',
              onclick: () => {
                close();
                then();
              },
            },
            plain(c.confirm?.text ?? 'Yes'),
          ),
        ),
      ),
    ),
  );
}

export function toast(root: HTMLElement, text: string, kind: 'info' | 'error' = 'info'): void {
  const note = h('div', { class: `toast ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
  root.append(note);
  setTimeout(() => note.remove(), kind === 'error' ? 8000 : 4000);
}
