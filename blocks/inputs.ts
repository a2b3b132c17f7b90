import type { InputBlock } from '@slack/types';
import { plain } from './text';

/** Every input in Vigil's forms uses this action id; the block id names the question. */
export const FIELD_ACTION = 'value';

export interface TextInputOptions {
  optional?: boolean;
  multiline?: boolean;
  max?: number;
  hint?: string;
  placeholder?: string;
  initial?: string;
}

/** A text question; what the person already typed (`initial`) is drawn again, within the limit. */
export function textInput(id: string, label: string, opts: TextInputOptions = {}): InputBlock {
  const max = opts.max ?? 3000;
  return {
    type: 'input',
    block_id: id,
    optional: opts.optional ?? false,
    label: plain(label, 2000),
    ...(opts.hint ? { hint: plain(opts.hint, 2000) } : {}),
    element: {
      type: 'plain_text_input',
      action_id: FIELD_ACTION,
      multiline: opts.multiline ?? false,
      max_length: max,
      ...(opts.initial ? { initial_value: opts.initial.slice(0, max) } : {}),
      ...(opts.placeholder ? { placeholder: plain(opts.placeholder, 150) } : {}),
    },
  };
}
