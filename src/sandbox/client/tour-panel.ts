/** The guided first run, step by step: who acts, where, on what; "Do it for me" performs the step. */
import type { Persona, TourStep } from '../protocol';
import { h } from './dom';

export interface TourActions {
  go(index: number): void;
  run(index: number): void;
  close(): void;
}

export function tourPanel(
  steps: TourStep[],
  index: number,
  done: boolean,
  people: Persona[],
  a: TourActions,
): HTMLElement {
  const step = steps[index];
  if (!step) return h('div');
  const who = people.find((p) => p.id === step.persona);
  const last = index === steps.length - 1;
  return h(
    'section',
    { class: 'tour', 'aria-label': 'Guided tour' },
    h(
      'header',
      {},
      h('b', {}, `Step ${index + 1} of ${steps.length}: ${step.title}`),
      h('button', { type: 'button', class: 'icon', 'aria-label': 'Close the tour', onclick: a.close }, '✕'),
    ),
    h('p', { class: 'tour-who' }, `As ${who ? `${who.name} (${who.title})` : 'someone'}`),
    h('p', { class: 'tour-text' }, step.instruction),
    h(
      'footer',
      {},
      h(
        'button',
        { type: 'button', class: 'secondary', disabled: index === 0, onclick: () => a.go(index - 1) },
        'Back',
      ),
      done
        ? h('span', { class: 'tour-done' }, '✓ Done')
        : h(
            'button',
            { type: 'button', class: 'secondary', 'data-tour': 'run', onclick: () => a.run(index) },
            'Do it for me',
          ),
      h(
        'button',
        {
          type: 'button',
          class: done ? 'primary' : 'secondary',
          'data-tour': 'next',
          disabled: last,
          onclick: () => a.go(index + 1),
        },
        last ? 'The end' : 'Next',
      ),
    ),
  );
}
