/** The parts around the conversation: the top bar with the clock, and the sidebar with the people. */
import type { Advance, Conversation, SandboxState } from '../protocol';
import { clockText } from './dates';
import { h } from './dom';

export interface TopBarActions {
  advance(jump: Advance): void;
  tour(): void;
  reset(): void;
  toggleRefusals(): void;
}

const JUMPS: [Advance, string][] = [
  ['hour', '+1 hour'],
  ['day', '+1 day'],
  ['workday', 'Next working day'],
  ['month', 'Next month'],
];

export function topBar(s: SandboxState, zone: string, a: TopBarActions): HTMLElement {
  const refused = s.refusals.length;
  return h(
    'div',
    { class: 'topbar-inner' },
    h('span', { class: 'workspace' }, `${s.orgName}`, h('small', {}, ' sandbox')),
    h(
      'span',
      {
        class: 'clock',
        title: 'Vigil’s clock in the sandbox. Move it forward to see reminders and deadlines.',
      },
      h('span', { class: 'clock-time', 'data-now': String(s.now) }, `🕒 ${clockText(s.now, zone)}`),
      JUMPS.map(([jump, label]) =>
        h(
          'button',
          { type: 'button', class: 'chip', 'data-jump': jump, onclick: () => a.advance(jump) },
          label,
        ),
      ),
    ),
    h(
      'span',
      { class: 'tools' },
      h(
        'button',
        { type: 'button', class: `chip${refused > 0 ? ' alarm' : ''}`, onclick: a.toggleRefusals },
        `Slack refused: ${refused}`,
      ),
      h('button', { type: 'button', class: 'chip go', onclick: a.tour }, '▶ Guided tour'),
      h('button', { type: 'button', class: 'chip', onclick: a.reset }, 'Reset'),
    ),
  );
}

export interface SidebarActions {
  switchTo(personId: string): void;
  open(conversation: Conversation): void;
}

export function sidebar(s: SandboxState, current: string | 'home', a: SidebarActions): HTMLElement {
  const select = h(
    'select',
    { id: 'persona', 'aria-label': 'You are' },
    s.people.map((p) => h('option', { value: p.id, selected: p.id === s.me }, `${p.name} — ${p.title}`)),
  );
  select.addEventListener('change', () => a.switchTo(select.value));
  const item = (c: Conversation) =>
    h(
      'button',
      {
        type: 'button',
        class: `nav-item${current === c.id || (c.kind === 'dm' && current === 'home') ? ' active' : ''}`,
        'data-conversation': c.kind === 'dm' ? 'vigil' : c.name,
        onclick: () => a.open(c),
      },
      c.kind === 'dm' ? '🛡 Vigil' : `${c.isPrivate ? '🔒' : '#'} ${c.name}`,
    );
  return h(
    'div',
    { class: 'sidebar-inner' },
    h('label', { class: 'persona', for: 'persona' }, 'You are', select),
    h('h4', {}, 'Channels'),
    s.conversations.filter((c) => c.kind === 'channel').map(item),
    h('h4', {}, 'Apps'),
    s.conversations.filter((c) => c.kind === 'dm').map(item),
    h(
      'p',
      { class: 'sidebar-note' },
      'Only members see the private security channel. Switch person to see what each one sees.',
    ),
  );
}
