/** Moving through the guided tour: each step shows its person and place, and can be done for you. */
import * as api from './api';
import type { Page } from './page';

export async function openTour(page: Page): Promise<void> {
  page.tour = { steps: await api.tourSteps(), index: 0, done: false };
  await goToStep(page, 0);
}

export async function goToStep(page: Page, index: number): Promise<void> {
  if (!page.tour) return;
  // Fetched again: a step names the incident once it has a reference.
  page.tour = { steps: await api.tourSteps(), index, done: false };
  const step = page.tour.steps[index];
  if (!step) return;
  if (step.persona !== page.me) page.switchTo(step.persona);
  page.highlight = step.label ? { label: step.label } : null;
  page.thread = null;
  if ('conversation' in step.where) page.place = { kind: 'conversation', id: step.where.conversation };
  if ('home' in step.where) page.openHome();
  else page.render();
}

export async function runStep(page: Page, index: number): Promise<void> {
  await goToStep(page, index);
  try {
    const result = await api.runTourStep(index);
    if (!result.ok) page.notice(result.error ?? 'That step did not work', 'error');
    if (page.tour) page.tour = { ...page.tour, steps: await api.tourSteps(), done: result.ok };
    page.highlight = null;
    page.render();
  } catch (err) {
    page.notice(err instanceof Error ? err.message : String(err), 'error');
  }
}
