import type { ViewOutput } from '@slack/bolt';
import type { KnownBlock, ModalView } from '@slack/types';
import { md, plain } from '../../blocks/text';
import { unescapeSlackText, type ViewStateValues } from './view-state';

const NOTE_BLOCK = 'stale_note';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The offered option with this value, so Slack sees exactly the option it drew. */
function offered(element: Json, value: unknown): Json | undefined {
  const options = Array.isArray(element.options) ? element.options.filter(isObject) : [];
  return options.find((o) => o.value === value);
}

/** An input block drawn again with the answer the person gave, or with none if they gave none. */
function withAnswer(block: Json, values: ViewStateValues): Json {
  const element = isObject(block.element) ? { ...block.element } : null;
  const blockId = typeof block.block_id === 'string' ? block.block_id : '';
  const actionId = element && typeof element.action_id === 'string' ? element.action_id : '';
  const state = values[blockId]?.[actionId];
  if (block.type !== 'input' || !element || !state) return block;
  const set = (key: string, value: unknown) => {
    if (value === null || value === undefined || (Array.isArray(value) && value.length === 0))
      delete element[key];
    else element[key] = value;
  };
  switch (state.type) {
    case 'plain_text_input':
      set('initial_value', state.value ? unescapeSlackText(state.value) : null);
      break;
    case 'radio_buttons':
    case 'static_select':
      set('initial_option', offered(element, state.selected_option?.value));
      break;
    case 'checkboxes': {
      const chosen = (state.selected_options ?? []).map((o) => offered(element, o.value));
      set('initial_options', chosen.filter(isObject));
      break;
    }
    case 'datetimepicker':
      set('initial_date_time', state.selected_date_time);
      break;
    case 'datepicker':
      set('initial_date', state.selected_date);
      break;
    case 'users_select':
      set('initial_user', state.selected_user);
      break;
  }
  return { ...block, element };
}

/**
 * The submitted form again, with the person's answers, new metadata (the version they now see)
 * and a note of what changed, for `response_action: 'update'`: nothing they typed is lost, and
 * saving again applies to the incident as it is now.
 */
export function formAgain(view: ViewOutput, privateMetadata: string, note: string): ModalView {
  // These are the blocks Vigil drew, echoed back by Slack; only their initial values change.
  const blocks = (view.blocks as unknown[])
    .filter(isObject)
    .filter((b) => b.block_id !== NOTE_BLOCK)
    .map((b) => withAnswer(b, view.state.values)) as unknown as KnownBlock[];
  return {
    type: 'modal',
    callback_id: view.callback_id,
    title: plain(view.title.text, 24),
    ...(view.submit ? { submit: plain(view.submit.text, 24) } : {}),
    ...(view.close ? { close: plain(view.close.text, 24) } : {}),
    private_metadata: privateMetadata,
    blocks: [{ type: 'section', block_id: NOTE_BLOCK, text: md(note, 1500) }, ...blocks],
  };
}
