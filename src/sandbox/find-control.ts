/**
 * Finds a control by what a person reads on it ("Triage", "Done", an option in a menu), the way
 * the guided tour and a rehearsal script name them. Pure: the page uses it to point, the server to click.
 */

interface Text {
  text?: string;
}
interface Option {
  text?: Text;
  value?: string;
}
interface Element {
  type?: string;
  action_id?: string;
  text?: Text;
  placeholder?: Text;
  options?: Option[];
  option_groups?: { options?: Option[] }[];
}
interface Block {
  type?: string;
  block_id?: string;
  accessory?: Element;
  elements?: Element[];
  element?: Element;
}

export interface FoundControl {
  blockId: string;
  actionId: string;
  /** The option picked, when the label is a menu's option. */
  option?: string;
}

/** The first control in `blocks` labelled `label` (a button's text, or a menu option's text). */
export function findControl(blocks: unknown[], label: string): FoundControl | undefined {
  const wanted = label.trim().toLowerCase();
  const same = (t?: Text) => (t?.text ?? '').trim().toLowerCase() === wanted;
  for (const b of blocks as Block[]) {
    const elements = [
      ...(b.elements ?? []),
      ...(b.accessory ? [b.accessory] : []),
      ...(b.element ? [b.element] : []),
    ];
    for (const e of elements) {
      if (!b.block_id || !e.action_id) continue;
      if (e.type === 'button' && same(e.text)) return { blockId: b.block_id, actionId: e.action_id };
      const options = [...(e.options ?? []), ...(e.option_groups ?? []).flatMap((g) => g.options ?? [])];
      const option = options.find((o) => same(o.text));
      if (option?.value !== undefined)
        return { blockId: b.block_id, actionId: e.action_id, option: option.value };
      if (same(e.placeholder)) return { blockId: b.block_id, actionId: e.action_id };
    }
  }
  return undefined;
}

/** Does this message (its text or blocks) mention `reference`? */
export function mentions(message: { text?: string; blocks?: unknown[] }, reference: string): boolean {
  return (message.text ?? '').includes(reference) || JSON.stringify(message.blocks ?? []).includes(reference);
}
