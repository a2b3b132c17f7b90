/** The form open in front of the person, with what they typed kept per view. */
import type { SandboxState } from '../protocol';
import type { KitView } from './kit';
import { answersOf, type ModalContext, modal } from './modal';
import type { Page } from './page';

export function renderModal(page: Page, s: SandboxState): void {
  const shown = s.modal;
  const form = shown ? (page.forms.get(shown.id) ?? { values: {}, errors: {}, shown: 0 }) : undefined;
  if (shown && form) page.forms.set(shown.id, form);
  if (!page.changed('modal', [page.me, shown?.id, shown?.hash, form?.shown])) return;
  if (!shown || !form) {
    page.modalRoot.replaceChildren();
    return;
  }
  const view = shown.view as KitView;
  const redraw = () => renderModal(page, page.server ?? s);
  const ctx: ModalContext = {
    ...page.blockContext({ viewId: shown.id }, () => answersOf(view, ctx).answers),
    values: form.values,
    errors: form.errors,
    changed: (blockId, value) => {
      form.values[blockId] = value;
      // The question's error goes once the person changes the answer; no redraw, so focus stays.
      if (!(blockId in form.errors)) return;
      delete form.errors[blockId];
      const block = page.modalRoot.querySelector(`[data-block="${CSS.escape(blockId)}"]`);
      block?.classList.remove('has-error');
      block?.querySelector('.kit-error')?.remove();
    },
    dispatch: (blockId, actionId, option) =>
      void page.perform({
        type: 'click',
        surface: { viewId: shown.id },
        blockId,
        actionId,
        option,
        answers: answersOf(view, ctx).answers,
      }),
    submit: async (answers) => {
      const result = await page.perform({ type: 'submit', viewId: shown.id, answers });
      form.errors = result?.errors ?? {};
      form.shown += 1;
      redraw();
    },
    showErrors: (errors) => {
      form.errors = errors;
      form.shown += 1;
      redraw();
    },
    close: (all) => void page.perform({ type: 'close', viewId: shown.id, all }),
  };
  page.modalRoot.replaceChildren(modal(shown, ctx));
}
