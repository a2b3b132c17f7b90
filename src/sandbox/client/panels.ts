/** The floating panels: what Slack refused, and the guided tour. */
import type { SandboxState } from '../protocol';
import { fill, h } from './dom';
import type { Page } from './page';
import { goToStep, runStep } from './tour-flow';
import { tourPanel } from './tour-panel';

export function renderRefusals(page: Page, s: SandboxState): void {
  page.refusalsPanel.hidden = !page.refusalsOpen;
  if (!page.refusalsOpen || !page.changed('refusals', s.refusals)) return;
  const close = () => {
    page.refusalsOpen = false;
    page.render();
  };
  fill(
    page.refusalsPanel,
    h(
      'header',
      {},
      h('b', {}, 'What Slack refused (newest last)'),
      h('button', { type: 'button', class: 'icon', 'aria-label': 'Close', onclick: close }, '✕'),
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

export function renderTour(page: Page, s: SandboxState): void {
  const tour = page.tour;
  if (!page.changed('tour', [tour, s.people.length])) return;
  if (!tour) {
    page.tourRoot.replaceChildren();
    return;
  }
  page.tourRoot.replaceChildren(
    tourPanel(tour.steps, tour.index, tour.done, s.people, {
      go: (i) => void goToStep(page, i),
      run: (i) => void runStep(page, i),
      close: () => {
        page.tour = null;
        page.highlight = null;
        page.render();
      },
    }),
  );
}
