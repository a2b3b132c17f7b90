/** Block Kit blocks and their controls, drawn as Slack's client draws them (messages, Home, forms). */
import type { Persona } from '../protocol';
import { type Child, h } from './dom';
import type { Confirm, KitBlock, KitElement, TextObject } from './kit';
import { optionsOf } from './kit';
import { mrkdwn, plain, type TextContext } from './mrkdwn';

export interface Control {
  blockId: string;
  actionId: string;
  option?: string;
  user?: string;
}

export interface BlockContext extends TextContext {
  people: Persona[];
  /** Sends what the person did with a control on this surface. */
  act(control: Control): void;
  /** Asks first, as Slack does for a control with a `confirm` object. */
  confirm(c: Confirm, then: () => void): void;
}

export function textObject(t: TextObject | undefined, ctx: TextContext): Child {
  if (!t) return null;
  return t.type === 'mrkdwn' ? mrkdwn(t.text, ctx) : plain(t.text, t.emoji !== false);
}

function button(e: KitElement, blockId: string, ctx: BlockContext): HTMLElement {
  const label = plain(e.text?.text ?? '');
  const go = () => ctx.act({ blockId, actionId: e.action_id ?? '' });
  return h(
    'button',
    {
      class: `kit-button ${e.style ?? ''}`,
      type: 'button',
      'data-label': label,
      onclick: () => (e.confirm ? ctx.confirm(e.confirm, go) : go()),
    },
    label,
  );
}

function overflow(e: KitElement, blockId: string, ctx: BlockContext): HTMLElement {
  const menu = h(
    'div',
    { class: 'menu', role: 'menu', hidden: true },
    (e.options ?? []).map((o) =>
      h(
        'button',
        {
          type: 'button',
          role: 'menuitem',
          'data-label': plain(o.text.text),
          onclick: () => {
            menu.hidden = true;
            const go = () => ctx.act({ blockId, actionId: e.action_id ?? '', option: o.value });
            return e.confirm ? ctx.confirm(e.confirm, go) : go();
          },
        },
        plain(o.text.text),
      ),
    ),
  );
  const toggle = h(
    'button',
    {
      type: 'button',
      class: 'overflow',
      'aria-label': 'More actions',
      onclick: () => {
        menu.hidden = !menu.hidden;
      },
    },
    '⋮',
  );
  return h('span', { class: 'overflow-wrap' }, toggle, menu);
}

function select(e: KitElement, blockId: string, ctx: BlockContext): HTMLElement {
  const people = e.type === 'users_select';
  const placeholder = h(
    'option',
    { value: '', disabled: true },
    plain(e.placeholder?.text ?? (people ? 'Select a person' : 'Select an item')),
  );
  const options = people
    ? ctx.people.map((p) => h('option', { value: p.id, selected: p.id === e.initial_user }, p.name))
    : [
        ...(e.options ?? []).map((o) =>
          h('option', { value: o.value, selected: o.value === e.initial_option?.value }, plain(o.text.text)),
        ),
        ...(e.option_groups ?? []).map((g) =>
          h(
            'optgroup',
            { label: plain(g.label.text) },
            g.options.map((o) =>
              h(
                'option',
                { value: o.value, selected: o.value === e.initial_option?.value },
                plain(o.text.text),
              ),
            ),
          ),
        ),
      ];
  const hasInitial = people
    ? Boolean(e.initial_user)
    : optionsOf(e).some((o) => o.value === e.initial_option?.value);
  if (!hasInitial) placeholder.setAttribute('selected', '');
  const el = h('select', { class: 'kit-select', 'data-action': e.action_id ?? '' }, placeholder, options);
  el.addEventListener('change', () => {
    const go = () =>
      ctx.act({
        blockId,
        actionId: e.action_id ?? '',
        ...(people ? { user: el.value } : { option: el.value }),
      });
    if (e.confirm) ctx.confirm(e.confirm, go);
    else go();
  });
  return el;
}

/** An interactive element outside an input block (a message's, Home's, or a form's actions). */
export function element(e: KitElement, blockId: string, ctx: BlockContext): Child {
  switch (e.type) {
    case 'button':
      return button(e, blockId, ctx);
    case 'overflow':
      return overflow(e, blockId, ctx);
    case 'static_select':
    case 'users_select':
      return select(e, blockId, ctx);
    case 'image':
      return h('span', { class: 'kit-image', title: e.alt_text ?? '' }, '🖼');
    default:
      return h('span', { class: 'unsupported' }, `[${e.type}: not drawn by the sandbox]`);
  }
}

const isText = (x: KitElement | TextObject): x is TextObject =>
  x.type === 'mrkdwn' || x.type === 'plain_text';

/** One block; `input` draws input blocks (only forms have them). */
export function block(b: KitBlock, ctx: BlockContext, input?: (b: KitBlock) => Child): Child {
  const id = b.block_id ?? '';
  switch (b.type) {
    case 'section':
      return h(
        'div',
        { class: 'kit-section', 'data-block': id },
        h(
          'div',
          { class: 'kit-section-body' },
          b.text ? h('div', { class: 'kit-text' }, textObject(b.text, ctx)) : null,
          b.fields
            ? h(
                'div',
                { class: 'kit-fields' },
                b.fields.map((f) => h('div', {}, textObject(f, ctx))),
              )
            : null,
        ),
        b.accessory ? h('div', { class: 'kit-accessory' }, element(b.accessory, id, ctx)) : null,
      );
    case 'header':
      return h('h3', { class: 'kit-header' }, textObject(b.text, ctx));
    case 'context':
      return h(
        'div',
        { class: 'kit-context' },
        (b.elements ?? []).map((e) => (isText(e) ? h('span', {}, textObject(e, ctx)) : element(e, id, ctx))),
      );
    case 'divider':
      return h('hr', { class: 'kit-divider' });
    case 'actions':
      return h(
        'div',
        { class: 'kit-actions', 'data-block': id },
        (b.elements ?? []).map((e) => (isText(e) ? null : element(e, id, ctx))),
      );
    case 'input':
      return input ? input(b) : null;
    default:
      return h('div', { class: 'unsupported' }, `[${b.type} block: not drawn by the sandbox]`);
  }
}

export function blocks(list: KitBlock[], ctx: BlockContext, input?: (b: KitBlock) => Child): HTMLElement {
  return h(
    'div',
    { class: 'kit' },
    list.map((b) => block(b, ctx, input)),
  );
}
