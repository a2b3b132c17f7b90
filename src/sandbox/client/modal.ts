/**
 * A form (modal) as Slack's client shows it: its inputs keep what the person typed across redraws
 * of the same view, required questions are checked before sending (as Slack's client does), the
 * app's errors appear under their questions, and a pushed view shows a way back.
 */
import type { FormAnswer, ShownView } from '../protocol';
import { type BlockContext, blocks, textObject } from './blocks';
import { type Child, h } from './dom';
import type { KitBlock, KitElement, KitView } from './kit';
import { optionsOf } from './kit';
import { plain } from './mrkdwn';
import { fromLocal, toLocal } from './zone-time';

export interface ModalContext extends BlockContext {
  /** What the person typed so far in this view, by block id. */
  values: Record<string, FormAnswer>;
  errors: Record<string, string>;
  changed(blockId: string, value: FormAnswer): void;
  /** An input with dispatch_action was changed: Slack sends the choice at once. */
  dispatch(blockId: string, actionId: string, option: string): void;
  submit(answers: Record<string, FormAnswer>): void;
  /** Errors found before sending (required questions left empty). */
  showErrors(errors: Record<string, string>): void;
  close(all: boolean): void;
}

const REQUIRED = 'Please complete this required field.';

function initial(e: KitElement): FormAnswer {
  switch (e.type) {
    case 'static_select':
    case 'radio_buttons':
      return e.initial_option?.value ?? null;
    case 'checkboxes':
      return (e.initial_options ?? []).map((o) => o.value).join(',') || null;
    case 'users_select':
      return e.initial_user ?? null;
    case 'multi_users_select':
      return (e.initial_users ?? []).join(',') || null;
    case 'datepicker':
      return e.initial_date ?? null;
    case 'datetimepicker':
      return e.initial_date_time ?? null;
    default:
      return e.initial_value ?? null;
  }
}

function current(b: KitBlock, ctx: ModalContext): FormAnswer {
  const id = b.block_id ?? '';
  return id in ctx.values ? (ctx.values[id] ?? null) : b.element ? initial(b.element) : null;
}

function control(b: KitBlock, e: KitElement, ctx: ModalContext): Child {
  const id = b.block_id ?? '';
  const value = current(b, ctx);
  const set = (v: FormAnswer) => ctx.changed(id, v === '' ? null : v);
  const name = `${id}:${e.action_id ?? ''}`;
  switch (e.type) {
    case 'plain_text_input': {
      const attrs = {
        name,
        id: name,
        ...(e.max_length ? { maxlength: e.max_length } : {}),
        placeholder: plain(e.placeholder?.text ?? ''),
        oninput: (ev: Event) => set((ev.target as HTMLInputElement).value),
      };
      if (e.multiline) return h('textarea', { ...attrs, rows: 4 }, String(value ?? ''));
      return h('input', { ...attrs, type: 'text', value: String(value ?? '') });
    }
    case 'number_input':
      return h('input', {
        name,
        id: name,
        type: 'number',
        step: e.is_decimal_allowed ? 'any' : '1',
        min: e.min_value,
        max: e.max_value,
        value: value === null ? '' : String(value),
        oninput: (ev: Event) => set((ev.target as HTMLInputElement).value),
      });
    case 'static_select':
    case 'users_select': {
      const people = e.type === 'users_select';
      const choices = people
        ? ctx.people.map((p) => h('option', { value: p.id, selected: p.id === value }, p.name))
        : [
            ...(e.options ?? []).map((o) =>
              h('option', { value: o.value, selected: o.value === value }, plain(o.text.text)),
            ),
            ...(e.option_groups ?? []).map((g) =>
              h(
                'optgroup',
                { label: plain(g.label.text) },
                g.options.map((o) =>
                  h('option', { value: o.value, selected: o.value === value }, plain(o.text.text)),
                ),
              ),
            ),
          ];
      const el = h(
        'select',
        { name, id: name },
        h(
          'option',
          { value: '', selected: value === null },
          plain(e.placeholder?.text ?? (people ? 'Select a person' : 'Select an item')),
        ),
        choices,
      );
      el.addEventListener('change', () => {
        set(el.value);
        if (b.dispatch_action && el.value) ctx.dispatch(id, e.action_id ?? '', el.value);
      });
      return el;
    }
    case 'radio_buttons':
    case 'checkboxes': {
      const multiple = e.type === 'checkboxes';
      const chosen = new Set(
        String(value ?? '')
          .split(',')
          .filter(Boolean),
      );
      return h(
        'div',
        { class: 'choices', role: multiple ? 'group' : 'radiogroup' },
        optionsOf(e).map((o) =>
          h(
            'label',
            { class: 'choice' },
            h('input', {
              type: multiple ? 'checkbox' : 'radio',
              name,
              value: o.value,
              checked: chosen.has(o.value),
              onchange: (ev: Event) => {
                const box = ev.target as HTMLInputElement;
                if (!multiple) {
                  set(box.value);
                  // An input with dispatch_action sends the choice at once, as Slack does.
                  if (b.dispatch_action) ctx.dispatch(id, e.action_id ?? '', box.value);
                  return;
                }
                if (box.checked) chosen.add(o.value);
                else chosen.delete(o.value);
                set([...chosen].join(','));
              },
            }),
            h(
              'span',
              {},
              textObject(o.text, ctx),
              o.description ? h('small', {}, textObject(o.description, ctx)) : null,
            ),
          ),
        ),
      );
    }
    case 'multi_users_select':
      // Several people: drawn as a box per person, answered as their ids, comma-separated.
      return control(
        b,
        {
          ...e,
          type: 'checkboxes',
          options: ctx.people.map((p) => ({ text: { type: 'plain_text', text: p.name }, value: p.id })),
          initial_options: [],
        },
        ctx,
      );
    case 'datepicker':
      return h('input', {
        name,
        id: name,
        type: 'date',
        value: String(value ?? ''),
        onchange: (ev: Event) => set((ev.target as HTMLInputElement).value),
      });
    case 'datetimepicker': {
      const local = typeof value === 'number' ? toLocal(value, ctx.zone) : { date: '', time: '' };
      const date = h('input', { name: `${name}:date`, type: 'date', value: local.date });
      const time = h('input', { name: `${name}:time`, type: 'time', value: local.time });
      const update = () => set(fromLocal(date.value, time.value, ctx.zone));
      date.addEventListener('change', update);
      time.addEventListener('change', update);
      return h('div', { class: 'datetime' }, date, time);
    }
    case 'file_input': {
      // Each chosen file goes as "name" newline "data: URL"; the sandbox uploads it to its Slack.
      const picker = h('input', { name, id: name, type: 'file', multiple: true });
      picker.addEventListener('change', async () => {
        const files = [...(picker.files ?? [])].slice(0, 10);
        const read = (f: File) =>
          new Promise<string>((done) => {
            const r = new FileReader();
            r.onload = () => done(`${f.name}\n${String(r.result)}`);
            r.readAsDataURL(f);
          });
        set(files.length > 0 ? (await Promise.all(files.map(read))).join('\n') : null);
      });
      return picker;
    }
    default:
      return h('span', { class: 'unsupported' }, `[${e.type}: not drawn by the sandbox]`);
  }
}

function input(b: KitBlock, ctx: ModalContext): Child {
  const id = b.block_id ?? '';
  const error = ctx.errors[id];
  return h(
    'div',
    { class: `kit-input${error ? ' has-error' : ''}`, 'data-block': id },
    h(
      'label',
      { class: 'kit-label', for: `${id}:${b.element?.action_id ?? ''}` },
      plain(b.label?.text ?? ''),
      b.optional ? h('span', { class: 'optional' }, ' (optional)') : null,
    ),
    b.element ? control(b, b.element, ctx) : null,
    b.hint ? h('div', { class: 'kit-hint' }, plain(b.hint.text)) : null,
    error ? h('div', { class: 'kit-error', role: 'alert' }, error) : null,
  );
}

/** The answers to send, and the required questions left empty (Slack's client stops those). */
export function answersOf(
  view: KitView,
  ctx: ModalContext,
): { answers: Record<string, FormAnswer>; missing: string[] } {
  const inputs = (view.blocks ?? []).filter((b) => b.type === 'input' && b.block_id);
  const answers: Record<string, FormAnswer> = {};
  const missing: string[] = [];
  for (const b of inputs) {
    const id = b.block_id ?? '';
    const value = current(b, ctx);
    if (id in ctx.values) answers[id] = value;
    if (!b.optional && (value === null || value === '')) missing.push(id);
  }
  return { answers, missing };
}

export function modal(shown: ShownView, ctx: ModalContext): HTMLElement {
  const view = shown.view as KitView;
  const send = (ev: Event) => {
    ev.preventDefault();
    const { answers, missing } = answersOf(view, ctx);
    if (missing.length > 0) ctx.showErrors(Object.fromEntries(missing.map((id) => [id, REQUIRED])));
    else ctx.submit(answers);
  };
  return h(
    'div',
    { class: 'overlay', 'data-view': shown.id },
    h(
      'form',
      {
        class: 'modal',
        role: 'dialog',
        'aria-modal': 'true',
        'aria-label': plain(view.title?.text ?? ''),
        onsubmit: send,
        novalidate: true,
      },
      h(
        'header',
        {},
        shown.depth > 1
          ? h(
              'button',
              { type: 'button', class: 'icon', 'aria-label': 'Back', onclick: () => ctx.close(false) },
              '←',
            )
          : null,
        h('h2', {}, plain(view.title?.text ?? '')),
        h(
          'button',
          { type: 'button', class: 'icon', 'aria-label': 'Close', onclick: () => ctx.close(true) },
          '✕',
        ),
      ),
      h(
        'div',
        { class: 'modal-body' },
        blocks(view.blocks ?? [], ctx, (b) => input(b, ctx)),
      ),
      h(
        'footer',
        {},
        h(
          'button',
          { type: 'button', class: 'secondary', onclick: () => ctx.close(false) },
          plain(view.close?.text ?? (view.submit ? 'Cancel' : 'Close')),
        ),
        view.submit ? h('button', { type: 'submit', class: 'primary' }, plain(view.submit.text)) : null,
      ),
    ),
  );
}
