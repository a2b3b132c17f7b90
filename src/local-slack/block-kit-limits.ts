/**
 * Offline Block Kit validator modelled on the limits Slack enforces (see /work/shared/slack-facts.md §4).
 *
 * Every problem is reported the way Slack reports it in `response_metadata.messages`:
 *   '[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]'
 *
 * A few problems are not `invalid_blocks` / `invalid_arguments` in Slack but dedicated error codes. They are
 * reported with the code right after the `[ERROR] ` prefix (see {@link LIMIT_ERROR_CODES} and
 * {@link slackErrorCode}):
 *   '[ERROR] no_text: must provide text or blocks [json-pointer:/]'
 */

export type Surface = 'message' | 'modal' | 'home';

/** Error codes that Slack returns instead of the generic invalid_blocks / invalid_arguments. */
export const LIMIT_ERROR_CODES = [
  'no_text',
  'msg_too_long',
  'msg_blocks_too_long',
  'view_too_large',
] as const;
export type LimitErrorCode = (typeof LIMIT_ERROR_CODES)[number];

export const LIMITS = {
  blocksPerMessage: 50,
  blocksPerView: 100,
  messageText: 40000,
  cumulativeBlockText: 12000,
  markdownBlockText: 12000,
  textObject: 3000,
  sectionFields: 10,
  sectionField: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  blockId: 255,
  actionId: 255,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  accessibilityLabel: 75,
  optionText: 75,
  optionValue: 150,
  optionDescription: 75,
  selectOptions: 100,
  optionGroups: 100,
  optionGroupLabel: 75,
  overflowOptions: 5,
  checkboxOptions: 10,
  radioOptions: 10,
  placeholder: 150,
  inputLabel: 2000,
  inputHint: 2000,
  plainTextInputLength: 3000,
  imageUrl: 3000,
  altText: 2000,
  imageTitle: 2000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  viewTitle: 24,
  viewButton: 24,
  privateMetadata: 3000,
  callbackId: 255,
  externalId: 255,
  viewBytes: 250 * 1024,
} as const;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Formats one Slack-style problem line. */
export function problem(message: string, pointer: string): string {
  return `[ERROR] ${message} [json-pointer:${pointer === '' ? '/' : pointer}]`;
}

/** Picks the Slack error code for a list of problems: a dedicated code only when it is the sole kind of problem. */
export function slackErrorCode(problems: readonly string[], fallback: string): string {
  const codes = problems.map((p) => LIMIT_ERROR_CODES.find((code) => p.startsWith(`[ERROR] ${code}:`)));
  if (codes.length > 0 && codes.every((c) => c !== undefined)) return codes[0] ?? fallback;
  return fallback;
}

/** Slack's `errors` array repeats the messages without the `[ERROR] ` prefix. */
export function stripSeverity(problems: readonly string[]): string[] {
  return problems.map((p) => p.replace(/^\[(ERROR|WARN)\] /, ''));
}

// ---------------------------------------------------------------------------------------------------------------
// Context shared while walking one surface

interface Walk {
  readonly surface: Surface;
  readonly out: string[];
  readonly blockIds: Map<string, string>;
  /** total characters of visible text (for msg_blocks_too_long) */
  textChars: number;
}

function tooLong(max: number): string {
  return `must be less than ${max + 1} characters`;
}

function checkString(
  w: Walk,
  value: unknown,
  ptr: string,
  opts: { max?: number; min?: number; required?: boolean; countText?: boolean } = {},
): value is string {
  if (value === undefined) {
    if (opts.required) w.out.push(problem(`missing required field: ${lastSegment(ptr)}`, parent(ptr)));
    return false;
  }
  if (typeof value !== 'string') {
    w.out.push(problem('must be a string', ptr));
    return false;
  }
  const min = opts.min ?? 0;
  if (value.length < min) w.out.push(problem(`must be more than ${min - 1} characters`, ptr));
  if (opts.max !== undefined && value.length > opts.max) w.out.push(problem(tooLong(opts.max), ptr));
  if (opts.countText) w.textChars += value.length;
  return true;
}

function checkBoolean(w: Walk, value: unknown, ptr: string): void {
  if (value !== undefined && typeof value !== 'boolean') w.out.push(problem('must be a boolean', ptr));
}

function checkArray(
  w: Walk,
  value: unknown,
  ptr: string,
  opts: { min?: number; max?: number; required?: boolean },
): value is unknown[] {
  if (value === undefined) {
    if (opts.required) w.out.push(problem(`missing required field: ${lastSegment(ptr)}`, parent(ptr)));
    return false;
  }
  if (!Array.isArray(value)) {
    w.out.push(problem('must be an array', ptr));
    return false;
  }
  if (opts.min !== undefined && value.length < opts.min) {
    w.out.push(problem(`must provide at least ${opts.min} item${opts.min === 1 ? '' : 's'}`, ptr));
  }
  if (opts.max !== undefined && value.length > opts.max) {
    w.out.push(problem(`no more than ${opts.max} items allowed`, ptr));
  }
  return true;
}

function lastSegment(ptr: string): string {
  const i = ptr.lastIndexOf('/');
  return ptr.slice(i + 1);
}

function parent(ptr: string): string {
  const i = ptr.lastIndexOf('/');
  return i <= 0 ? '/' : ptr.slice(0, i);
}

function requireObject(w: Walk, value: unknown, ptr: string, required: boolean): value is Json {
  if (value === undefined) {
    if (required) w.out.push(problem(`missing required field: ${lastSegment(ptr)}`, parent(ptr)));
    return false;
  }
  if (!isObject(value)) {
    w.out.push(problem('must provide an object', ptr));
    return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// Composition objects

interface TextOpts {
  max?: number;
  plainOnly?: boolean;
  required?: boolean;
}

function textObject(w: Walk, value: unknown, ptr: string, opts: TextOpts = {}): value is Json {
  if (!requireObject(w, value, ptr, opts.required ?? false)) return false;
  const type = value.type;
  if (type !== 'plain_text' && type !== 'mrkdwn') {
    w.out.push(problem('must be one of: plain_text, mrkdwn', `${ptr}/type`));
  } else if (opts.plainOnly && type !== 'plain_text') {
    w.out.push(problem('must be plain_text', `${ptr}/type`));
  }
  checkString(w, value.text, `${ptr}/text`, {
    required: true,
    min: 1,
    max: opts.max ?? LIMITS.textObject,
    countText: true,
  });
  if (type === 'plain_text') checkBoolean(w, value.emoji, `${ptr}/emoji`);
  if (type === 'mrkdwn') checkBoolean(w, value.verbatim, `${ptr}/verbatim`);
  return true;
}

function confirmObject(w: Walk, value: unknown, ptr: string): void {
  if (!requireObject(w, value, ptr, false)) return;
  textObject(w, value.title, `${ptr}/title`, { plainOnly: true, max: LIMITS.confirmTitle, required: true });
  textObject(w, value.text, `${ptr}/text`, { max: LIMITS.confirmText, required: true });
  textObject(w, value.confirm, `${ptr}/confirm`, {
    plainOnly: true,
    max: LIMITS.confirmButton,
    required: true,
  });
  textObject(w, value.deny, `${ptr}/deny`, { plainOnly: true, max: LIMITS.confirmButton, required: true });
  if (value.style !== undefined && value.style !== 'primary' && value.style !== 'danger') {
    w.out.push(problem('must be one of: primary, danger', `${ptr}/style`));
  }
}

function optionObject(w: Walk, value: unknown, ptr: string, plainOnly: boolean, allowUrl: boolean): void {
  if (!requireObject(w, value, ptr, true)) return;
  textObject(w, value.text, `${ptr}/text`, { plainOnly, max: LIMITS.optionText, required: true });
  checkString(w, value.value, `${ptr}/value`, { required: true, min: 1, max: LIMITS.optionValue });
  textObject(w, value.description, `${ptr}/description`, { plainOnly, max: LIMITS.optionDescription });
  if (value.url !== undefined) {
    if (!allowUrl) w.out.push(problem('url is only allowed in overflow menu options', `${ptr}/url`));
    checkString(w, value.url, `${ptr}/url`, { min: 1, max: LIMITS.url });
  }
}

function optionKey(option: unknown): string | undefined {
  if (!isObject(option)) return undefined;
  const text = isObject(option.text) ? option.text.text : undefined;
  return JSON.stringify([option.value, text]);
}

function checkInitialOptions(
  w: Walk,
  element: Json,
  allOptions: unknown[],
  ptr: string,
  plainOnly: boolean,
  field: 'initial_option' | 'initial_options',
): void {
  const value = element[field];
  if (value === undefined) return;
  const known = new Set(allOptions.map(optionKey));
  const list = field === 'initial_option' ? [value] : value;
  if (!Array.isArray(list)) {
    w.out.push(problem('must be an array', `${ptr}/${field}`));
    return;
  }
  list.forEach((opt, i) => {
    const p = field === 'initial_option' ? `${ptr}/${field}` : `${ptr}/${field}/${i}`;
    optionObject(w, opt, p, plainOnly, false);
    if (isObject(opt) && !known.has(optionKey(opt))) {
      w.out.push(problem('must match one of the provided options', p));
    }
  });
}

function placeholder(w: Walk, element: Json, ptr: string): void {
  textObject(w, element.placeholder, `${ptr}/placeholder`, { plainOnly: true, max: LIMITS.placeholder });
}

// ---------------------------------------------------------------------------------------------------------------
// Block elements

const SELECT_TYPES = new Set([
  'static_select',
  'external_select',
  'users_select',
  'conversations_select',
  'channels_select',
]);
const MULTI_SELECT_TYPES = new Set([
  'multi_static_select',
  'multi_external_select',
  'multi_users_select',
  'multi_conversations_select',
  'multi_channels_select',
]);

const INTERACTIVE_COMMON = [
  'button',
  'checkboxes',
  'datepicker',
  'overflow',
  'radio_buttons',
  'timepicker',
  'workflow_button',
  ...SELECT_TYPES,
  ...MULTI_SELECT_TYPES,
];

const ACCESSORY_TYPES = new Set([...INTERACTIVE_COMMON, 'image']);
const ACTIONS_TYPES = new Set([...INTERACTIVE_COMMON, 'datetimepicker', 'rich_text_input']);
const INPUT_TYPES = new Set([
  'checkboxes',
  'datepicker',
  'datetimepicker',
  'email_text_input',
  'file_input',
  'number_input',
  'plain_text_input',
  'radio_buttons',
  'rich_text_input',
  'timepicker',
  'url_text_input',
  ...SELECT_TYPES,
  ...MULTI_SELECT_TYPES,
]);

function isValidDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

function checkNumericString(w: Walk, value: unknown, ptr: string, decimal: boolean): void {
  if (value === undefined) return;
  if (typeof value !== 'string') {
    w.out.push(problem('must be a string', ptr));
    return;
  }
  const re = decimal ? /^-?\d+(\.\d+)?$/ : /^-?\d+$/;
  if (!re.test(value)) w.out.push(problem(decimal ? 'must be a number' : 'must be an integer', ptr));
}

function element(
  w: Walk,
  value: unknown,
  ptr: string,
  allowed: ReadonlySet<string>,
  where: string,
): string | undefined {
  if (!requireObject(w, value, ptr, true)) return undefined;
  const type = value.type;
  if (typeof type !== 'string') {
    w.out.push(problem('missing required field: type', ptr));
    return undefined;
  }
  if (!allowed.has(type)) {
    w.out.push(problem(`element type ${type} is not allowed in ${where}`, `${ptr}/type`));
    return undefined;
  }
  if (type !== 'image') checkString(w, value.action_id, `${ptr}/action_id`, { min: 1, max: LIMITS.actionId });
  if (value.confirm !== undefined) confirmObject(w, value.confirm, `${ptr}/confirm`);
  checkBoolean(w, value.focus_on_load, `${ptr}/focus_on_load`);

  switch (type) {
    case 'button': {
      textObject(w, value.text, `${ptr}/text`, { plainOnly: true, max: LIMITS.buttonText, required: true });
      checkString(w, value.value, `${ptr}/value`, { min: 1, max: LIMITS.buttonValue });
      checkString(w, value.url, `${ptr}/url`, { min: 1, max: LIMITS.url });
      checkString(w, value.accessibility_label, `${ptr}/accessibility_label`, {
        min: 1,
        max: LIMITS.accessibilityLabel,
      });
      if (value.style !== undefined && value.style !== 'primary' && value.style !== 'danger') {
        w.out.push(problem('must be one of: primary, danger', `${ptr}/style`));
      }
      break;
    }
    case 'workflow_button': {
      textObject(w, value.text, `${ptr}/text`, { plainOnly: true, max: LIMITS.buttonText, required: true });
      requireObject(w, value.workflow, `${ptr}/workflow`, true);
      break;
    }
    case 'checkboxes':
    case 'radio_buttons': {
      const max = type === 'checkboxes' ? LIMITS.checkboxOptions : LIMITS.radioOptions;
      if (checkArray(w, value.options, `${ptr}/options`, { min: 1, max, required: true })) {
        value.options.forEach((o, i) => {
          optionObject(w, o, `${ptr}/options/${i}`, false, false);
        });
        checkInitialOptions(
          w,
          value,
          value.options,
          ptr,
          false,
          type === 'checkboxes' ? 'initial_options' : 'initial_option',
        );
      }
      break;
    }
    case 'overflow': {
      if (
        checkArray(w, value.options, `${ptr}/options`, {
          min: 1,
          max: LIMITS.overflowOptions,
          required: true,
        })
      ) {
        value.options.forEach((o, i) => {
          optionObject(w, o, `${ptr}/options/${i}`, true, true);
        });
      }
      break;
    }
    case 'datepicker': {
      placeholder(w, value, ptr);
      if (checkString(w, value.initial_date, `${ptr}/initial_date`) && !isValidDate(value.initial_date)) {
        w.out.push(problem('must be a valid date in the format YYYY-MM-DD', `${ptr}/initial_date`));
      }
      break;
    }
    case 'timepicker': {
      placeholder(w, value, ptr);
      if (
        checkString(w, value.initial_time, `${ptr}/initial_time`) &&
        !/^([01]\d|2[0-3]):[0-5]\d$/.test(value.initial_time)
      ) {
        w.out.push(problem('must be a valid time in the format HH:mm', `${ptr}/initial_time`));
      }
      checkString(w, value.timezone, `${ptr}/timezone`, { min: 1 });
      break;
    }
    case 'datetimepicker': {
      const v = value.initial_date_time;
      if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 9999999999)) {
        w.out.push(problem('must be a UNIX timestamp in seconds (integer)', `${ptr}/initial_date_time`));
      }
      break;
    }
    case 'image': {
      if (value.image_url === undefined && value.slack_file === undefined) {
        w.out.push(problem('must provide either image_url or slack_file', ptr));
      }
      checkString(w, value.image_url, `${ptr}/image_url`, { min: 1, max: LIMITS.imageUrl });
      checkString(w, value.alt_text, `${ptr}/alt_text`, { required: true, min: 1, max: LIMITS.altText });
      break;
    }
    case 'plain_text_input': {
      placeholder(w, value, ptr);
      checkString(w, value.initial_value, `${ptr}/initial_value`);
      checkBoolean(w, value.multiline, `${ptr}/multiline`);
      const { min_length: minLength, max_length: maxLength } = value;
      if (
        minLength !== undefined &&
        (typeof minLength !== 'number' ||
          !Number.isInteger(minLength) ||
          minLength < 0 ||
          minLength > LIMITS.plainTextInputLength)
      ) {
        w.out.push(
          problem(`must be an integer between 0 and ${LIMITS.plainTextInputLength}`, `${ptr}/min_length`),
        );
      }
      if (
        maxLength !== undefined &&
        (typeof maxLength !== 'number' ||
          !Number.isInteger(maxLength) ||
          maxLength < 1 ||
          maxLength > LIMITS.plainTextInputLength)
      ) {
        w.out.push(
          problem(`must be an integer between 1 and ${LIMITS.plainTextInputLength}`, `${ptr}/max_length`),
        );
      }
      if (typeof minLength === 'number' && typeof maxLength === 'number' && minLength > maxLength) {
        w.out.push(problem('min_length must not be greater than max_length', `${ptr}/min_length`));
      }
      break;
    }
    case 'email_text_input':
    case 'url_text_input': {
      placeholder(w, value, ptr);
      checkString(w, value.initial_value, `${ptr}/initial_value`);
      break;
    }
    case 'number_input': {
      placeholder(w, value, ptr);
      if (value.is_decimal_allowed === undefined) {
        w.out.push(problem('missing required field: is_decimal_allowed', ptr));
      } else {
        checkBoolean(w, value.is_decimal_allowed, `${ptr}/is_decimal_allowed`);
      }
      const decimal = value.is_decimal_allowed === true;
      checkNumericString(w, value.initial_value, `${ptr}/initial_value`, decimal);
      checkNumericString(w, value.min_value, `${ptr}/min_value`, decimal);
      checkNumericString(w, value.max_value, `${ptr}/max_value`, decimal);
      break;
    }
    case 'rich_text_input': {
      placeholder(w, value, ptr);
      break;
    }
    case 'file_input': {
      const n = value.max_files;
      if (n !== undefined && (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 10)) {
        w.out.push(problem('must be an integer between 1 and 10', `${ptr}/max_files`));
      }
      break;
    }
    default: {
      // select menus
      placeholder(w, value, ptr);
      const isMulti = MULTI_SELECT_TYPES.has(type);
      if (isMulti && value.max_selected_items !== undefined) {
        const n = value.max_selected_items;
        if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
          w.out.push(problem('must be an integer greater than 0', `${ptr}/max_selected_items`));
        }
      }
      if (type === 'static_select' || type === 'multi_static_select') {
        staticSelect(w, value, ptr, isMulti);
      } else if (type === 'external_select' || type === 'multi_external_select') {
        const initial = isMulti ? value.initial_options : value.initial_option;
        if (isMulti && checkArray(w, initial, `${ptr}/initial_options`, {})) {
          initial.forEach((o, i) => {
            optionObject(w, o, `${ptr}/initial_options/${i}`, true, false);
          });
        } else if (!isMulti && initial !== undefined) {
          optionObject(w, initial, `${ptr}/initial_option`, true, false);
        }
      }
    }
  }
  return type;
}

function staticSelect(w: Walk, value: Json, ptr: string, isMulti: boolean): void {
  const hasOptions = value.options !== undefined;
  const hasGroups = value.option_groups !== undefined;
  if (hasOptions === hasGroups) {
    w.out.push(problem('must provide exactly one of options or option_groups', ptr));
  }
  const all: unknown[] = [];
  if (hasOptions && checkArray(w, value.options, `${ptr}/options`, { min: 1, max: LIMITS.selectOptions })) {
    value.options.forEach((o, i) => {
      optionObject(w, o, `${ptr}/options/${i}`, true, false);
      all.push(o);
    });
  }
  if (
    hasGroups &&
    checkArray(w, value.option_groups, `${ptr}/option_groups`, { min: 1, max: LIMITS.optionGroups })
  ) {
    value.option_groups.forEach((g, gi) => {
      const gp = `${ptr}/option_groups/${gi}`;
      if (!requireObject(w, g, gp, true)) return;
      textObject(w, g.label, `${gp}/label`, {
        plainOnly: true,
        max: LIMITS.optionGroupLabel,
        required: true,
      });
      if (checkArray(w, g.options, `${gp}/options`, { min: 1, max: LIMITS.selectOptions, required: true })) {
        g.options.forEach((o, i) => {
          optionObject(w, o, `${gp}/options/${i}`, true, false);
          all.push(o);
        });
      }
    });
  }
  checkInitialOptions(w, value, all, ptr, true, isMulti ? 'initial_options' : 'initial_option');
}

// ---------------------------------------------------------------------------------------------------------------
// Blocks

const KNOWN_BLOCKS: Record<string, readonly Surface[]> = {
  section: ['message', 'modal', 'home'],
  header: ['message', 'modal', 'home'],
  context: ['message', 'modal', 'home'],
  actions: ['message', 'modal', 'home'],
  divider: ['message', 'modal', 'home'],
  input: ['message', 'modal', 'home'],
  image: ['message', 'modal', 'home'],
  rich_text: ['message', 'modal', 'home'],
  video: ['message', 'modal', 'home'],
  markdown: ['message'],
  file: ['message'],
};

function block(w: Walk, value: unknown, ptr: string): void {
  if (!requireObject(w, value, ptr, true)) return;
  const type = value.type;
  if (typeof type !== 'string') {
    w.out.push(problem('missing required field: type', ptr));
    return;
  }
  const surfaces = KNOWN_BLOCKS[type];
  if (surfaces === undefined) {
    w.out.push(problem(`unsupported block type: ${type}`, `${ptr}/type`));
    return;
  }
  if (!surfaces.includes(w.surface)) {
    w.out.push(problem(`block type ${type} is not allowed in a ${w.surface}`, `${ptr}/type`));
  }

  if (checkString(w, value.block_id, `${ptr}/block_id`, { min: 1, max: LIMITS.blockId })) {
    const first = w.blockIds.get(value.block_id);
    if (first !== undefined) {
      w.out.push(problem(`duplicate block_id (first used at ${first})`, `${ptr}/block_id`));
    } else {
      w.blockIds.set(value.block_id, `${ptr}/block_id`);
    }
  }

  switch (type) {
    case 'section': {
      if (value.text === undefined && value.fields === undefined) {
        w.out.push(problem('must provide either text or fields', ptr));
      }
      textObject(w, value.text, `${ptr}/text`, { max: LIMITS.textObject });
      if (checkArray(w, value.fields, `${ptr}/fields`, { min: 1, max: LIMITS.sectionFields })) {
        value.fields.forEach((f, i) => {
          textObject(w, f, `${ptr}/fields/${i}`, { max: LIMITS.sectionField, required: true });
        });
      }
      if (value.accessory !== undefined)
        element(w, value.accessory, `${ptr}/accessory`, ACCESSORY_TYPES, 'a section');
      checkBoolean(w, value.expand, `${ptr}/expand`);
      break;
    }
    case 'header': {
      textObject(w, value.text, `${ptr}/text`, { plainOnly: true, max: LIMITS.headerText, required: true });
      break;
    }
    case 'context': {
      if (
        checkArray(w, value.elements, `${ptr}/elements`, {
          min: 1,
          max: LIMITS.contextElements,
          required: true,
        })
      ) {
        value.elements.forEach((e, i) => {
          const ep = `${ptr}/elements/${i}`;
          if (isObject(e) && e.type === 'image') {
            element(w, e, ep, new Set(['image']), 'a context');
          } else {
            textObject(w, e, ep, { required: true });
          }
        });
      }
      break;
    }
    case 'actions': {
      if (
        checkArray(w, value.elements, `${ptr}/elements`, {
          min: 1,
          max: LIMITS.actionsElements,
          required: true,
        })
      ) {
        const actionIds = new Map<string, string>();
        value.elements.forEach((e, i) => {
          const ep = `${ptr}/elements/${i}`;
          element(w, e, ep, ACTIONS_TYPES, 'an actions block');
          if (isObject(e) && typeof e.action_id === 'string') {
            const first = actionIds.get(e.action_id);
            if (first !== undefined) {
              w.out.push(problem(`duplicate action_id (first used at ${first})`, `${ep}/action_id`));
            } else {
              actionIds.set(e.action_id, `${ep}/action_id`);
            }
          }
        });
      }
      break;
    }
    case 'divider':
      break;
    case 'input': {
      textObject(w, value.label, `${ptr}/label`, { plainOnly: true, max: LIMITS.inputLabel, required: true });
      textObject(w, value.hint, `${ptr}/hint`, { plainOnly: true, max: LIMITS.inputHint });
      element(w, value.element, `${ptr}/element`, INPUT_TYPES, 'an input block');
      checkBoolean(w, value.optional, `${ptr}/optional`);
      checkBoolean(w, value.dispatch_action, `${ptr}/dispatch_action`);
      break;
    }
    case 'image': {
      if (value.image_url === undefined && value.slack_file === undefined) {
        w.out.push(problem('must provide either image_url or slack_file', ptr));
      }
      checkString(w, value.image_url, `${ptr}/image_url`, { min: 1, max: LIMITS.imageUrl });
      checkString(w, value.alt_text, `${ptr}/alt_text`, { required: true, min: 1, max: LIMITS.altText });
      textObject(w, value.title, `${ptr}/title`, { plainOnly: true, max: LIMITS.imageTitle });
      break;
    }
    case 'rich_text': {
      // Light check: Slack's rich_text grammar is large; only the envelope and text lengths are checked.
      if (checkArray(w, value.elements, `${ptr}/elements`, { required: true })) {
        countRichText(w, value.elements);
      }
      break;
    }
    case 'markdown': {
      checkString(w, value.text, `${ptr}/text`, {
        required: true,
        min: 1,
        max: LIMITS.markdownBlockText,
        countText: true,
      });
      break;
    }
    case 'file': {
      checkString(w, value.external_id, `${ptr}/external_id`, { required: true, min: 1 });
      checkString(w, value.source, `${ptr}/source`, { required: true, min: 1 });
      break;
    }
    case 'video': {
      checkString(w, value.alt_text, `${ptr}/alt_text`, { required: true, min: 1 });
      textObject(w, value.title, `${ptr}/title`, { plainOnly: true, max: 200, required: true });
      checkString(w, value.thumbnail_url, `${ptr}/thumbnail_url`, { required: true, min: 1 });
      checkString(w, value.video_url, `${ptr}/video_url`, { required: true, min: 1 });
      break;
    }
  }
}

function countRichText(w: Walk, value: unknown): void {
  if (Array.isArray(value)) {
    for (const v of value) countRichText(w, v);
  } else if (isObject(value)) {
    if (typeof value.text === 'string') w.textChars += value.text.length;
    if (value.elements !== undefined) countRichText(w, value.elements);
  }
}

function walkBlocks(w: Walk, blocks: unknown, pointer: string): void {
  const max = w.surface === 'message' ? LIMITS.blocksPerMessage : LIMITS.blocksPerView;
  if (!Array.isArray(blocks)) {
    w.out.push(problem('must be an array', pointer));
    return;
  }
  if (blocks.length > max) w.out.push(problem(`no more than ${max} items allowed`, pointer));
  blocks.forEach((b, i) => {
    block(w, b, `${pointer}/${i}`);
  });
}

function newWalk(surface: Surface): Walk {
  return { surface, out: [], blockIds: new Map(), textChars: 0 };
}

// ---------------------------------------------------------------------------------------------------------------
// Public API

/** Validates an array of blocks for one surface; `pointer` defaults to '/blocks'. */
export function validateBlocks(blocks: unknown, surface: Surface, pointer = '/blocks'): string[] {
  const w = newWalk(surface);
  walkBlocks(w, blocks, pointer);
  return w.out;
}

/** Validates chat.postMessage / chat.update / chat.postEphemeral content. */
export function validateMessage(args: { text?: unknown; blocks?: unknown }): string[] {
  const w = newWalk('message');
  const { text, blocks } = args;
  const hasText = typeof text === 'string' && text.length > 0;
  const hasBlocks = Array.isArray(blocks) && blocks.length > 0;
  if (!hasText && !hasBlocks) {
    w.out.push(problem('no_text: must provide text or blocks', '/'));
    return w.out;
  }
  if (text !== undefined && typeof text !== 'string') w.out.push(problem('must be a string', '/text'));
  if (typeof text === 'string' && text.length > LIMITS.messageText) {
    w.out.push(problem(`msg_too_long: ${tooLong(LIMITS.messageText)}`, '/text'));
  }
  if (blocks !== undefined) {
    walkBlocks(w, blocks, '/blocks');
    if (w.textChars > LIMITS.cumulativeBlockText) {
      w.out.push(
        problem(
          `msg_blocks_too_long: cumulative text of all blocks is ${w.textChars} characters, more than ${LIMITS.cumulativeBlockText}`,
          '/blocks',
        ),
      );
    }
  }
  return w.out;
}

/** Validates a modal or Home tab view (views.open / update / push / publish). Pointers start at '/view'. */
export function validateView(view: unknown): string[] {
  const ptr = '/view';
  if (!isObject(view)) return [problem('must provide an object', ptr)];
  const type = view.type;
  const surface: Surface | undefined = type === 'modal' ? 'modal' : type === 'home' ? 'home' : undefined;
  const w = newWalk(surface ?? 'modal');
  if (surface === undefined) w.out.push(problem('must be one of: modal, home', `${ptr}/type`));

  const titleRequired = surface !== 'home';
  textObject(w, view.title, `${ptr}/title`, {
    plainOnly: true,
    max: LIMITS.viewTitle,
    required: titleRequired,
  });
  textObject(w, view.submit, `${ptr}/submit`, { plainOnly: true, max: LIMITS.viewButton });
  textObject(w, view.close, `${ptr}/close`, { plainOnly: true, max: LIMITS.viewButton });

  if (view.blocks === undefined) {
    w.out.push(problem('missing required field: blocks', ptr));
  } else {
    walkBlocks(w, view.blocks, `${ptr}/blocks`);
    const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => isObject(b) && b.type === 'input');
    if (surface === 'modal' && hasInput && view.submit === undefined) {
      w.out.push(problem('submit is required when the view contains input blocks', `${ptr}/submit`));
    }
  }
  checkString(w, view.private_metadata, `${ptr}/private_metadata`, { max: LIMITS.privateMetadata });
  checkString(w, view.callback_id, `${ptr}/callback_id`, { max: LIMITS.callbackId });
  checkString(w, view.external_id, `${ptr}/external_id`, { max: LIMITS.externalId });
  checkBoolean(w, view.clear_on_close, `${ptr}/clear_on_close`);
  checkBoolean(w, view.notify_on_close, `${ptr}/notify_on_close`);
  checkBoolean(w, view.submit_disabled, `${ptr}/submit_disabled`);

  const bytes = Buffer.byteLength(JSON.stringify(view), 'utf8');
  if (bytes > LIMITS.viewBytes) {
    w.out.push(problem(`view_too_large: view is ${bytes} bytes, more than ${LIMITS.viewBytes}`, ptr));
  }
  return w.out;
}
