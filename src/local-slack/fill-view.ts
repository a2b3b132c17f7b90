/**
 * What a person's Slack client does with a modal: shows its input blocks, lets them answer, and
 * sends back view.state.values exactly as Slack shapes them. Answers must fit the view (an option
 * that is not offered, or a block that is not there, is a test error), so a test cannot pass with
 * a form that a real person could not fill.
 */

export type Answer = string | number | Date | null;

interface Element {
  type: string;
  action_id: string;
  initial_value?: string;
  initial_option?: { text: { text: string }; value: string };
  initial_date_time?: number;
  initial_user?: string;
  initial_users?: string[];
  initial_date?: string;
  initial_options?: { text: { text: string }; value: string }[];
  options?: { text: { type: string; text: string }; value: string }[];
  option_groups?: { options: { text: { type: string; text: string }; value: string }[] }[];
}

interface Block {
  type: string;
  block_id?: string;
  element?: Element;
}

/** Slack entity-encodes these three in typed text before it reaches the app. */
export function slackEncode(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function optionsOf(e: Element) {
  return [...(e.options ?? []), ...(e.option_groups ?? []).flatMap((g) => g.options)];
}

function stateValue(e: Element, answer: Answer | undefined): Record<string, unknown> {
  switch (e.type) {
    case 'plain_text_input':
    case 'number_input': {
      const v = answer === undefined ? (e.initial_value ?? null) : answer;
      return {
        type: e.type,
        value: v === null ? null : e.type === 'plain_text_input' ? slackEncode(String(v)) : String(v),
      };
    }
    case 'datetimepicker': {
      const v =
        answer === undefined
          ? (e.initial_date_time ?? null)
          : answer instanceof Date
            ? answer.getTime() / 1000
            : answer;
      return { type: e.type, selected_date_time: v === null ? null : Math.floor(Number(v)) };
    }
    case 'users_select':
      return { type: e.type, selected_user: answer === undefined ? (e.initial_user ?? null) : answer };
    case 'multi_users_select':
      // Answer with comma-separated member ids ('' or null: nobody).
      return {
        type: e.type,
        selected_users:
          answer === undefined
            ? (e.initial_users ?? [])
            : answer === null || answer === ''
              ? []
              : String(answer).split(','),
      };
    case 'static_select':
    case 'radio_buttons': {
      if (answer === undefined) return { type: e.type, selected_option: e.initial_option ?? null };
      if (answer === null) return { type: e.type, selected_option: null };
      const option = optionsOf(e).find((o) => o.value === String(answer));
      if (!option) throw new Error(`"${String(answer)}" is not offered by ${e.action_id}`);
      return {
        type: e.type,
        selected_option: { text: { ...option.text, emoji: true }, value: option.value },
      };
    }
    case 'datepicker':
      return { type: e.type, selected_date: answer === undefined ? (e.initial_date ?? null) : answer };
    case 'checkboxes': {
      // Answer with comma-separated option values ('' or null: none ticked).
      if (answer === undefined) return { type: e.type, selected_options: e.initial_options ?? [] };
      const wanted = answer === null || answer === '' ? [] : String(answer).split(',');
      const selected = wanted.map((value) => {
        const option = optionsOf(e).find((o) => o.value === value);
        if (!option) throw new Error(`"${value}" is not offered by ${e.action_id}`);
        return { text: { ...option.text, emoji: true }, value };
      });
      return { type: e.type, selected_options: selected };
    }
    case 'file_input':
      // Answer with comma-separated file ids, uploaded first (LocalSlack.uploadFromForm).
      return {
        type: e.type,
        files:
          answer === undefined || answer === null || answer === ''
            ? []
            : String(answer)
                .split(',')
                .map((id) => ({ id })),
      };
    default:
      throw new Error(`the test client cannot fill a ${e.type}`);
  }
}

export function stateFromView(
  view: { blocks?: unknown },
  answers: Record<string, Answer> = {},
): Record<string, Record<string, Record<string, unknown>>> {
  const blocks = (view.blocks ?? []) as Block[];
  const values: Record<string, Record<string, Record<string, unknown>>> = {};
  const seen = new Set<string>();
  for (const block of blocks) {
    if (block.type !== 'input' || !block.block_id || !block.element) continue;
    seen.add(block.block_id);
    values[block.block_id] = {
      [block.element.action_id]: stateValue(block.element, answers[block.block_id]),
    };
  }
  const missing = Object.keys(answers).filter((k) => !seen.has(k));
  if (missing.length > 0) throw new Error(`the view has no input for: ${missing.join(', ')}`);
  return values;
}
