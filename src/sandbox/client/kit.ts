/**
 * The parts of Block Kit that Vigil uses, as the page reads them. Anything else is drawn as a
 * note saying the sandbox does not draw it, so a new element is noticed rather than hidden.
 */
export interface TextObject {
  type: 'plain_text' | 'mrkdwn';
  text: string;
  emoji?: boolean;
}

export interface KitOption {
  text: TextObject;
  value: string;
  description?: TextObject;
}

export interface Confirm {
  title?: TextObject;
  text?: TextObject;
  confirm?: TextObject;
  deny?: TextObject;
  style?: 'primary' | 'danger';
}

export interface KitElement {
  type: string;
  action_id?: string;
  text?: TextObject;
  value?: string;
  url?: string;
  style?: 'primary' | 'danger';
  confirm?: Confirm;
  placeholder?: TextObject;
  options?: KitOption[];
  option_groups?: { label: TextObject; options: KitOption[] }[];
  initial_option?: KitOption;
  initial_options?: KitOption[];
  initial_user?: string;
  initial_users?: string[];
  initial_value?: string;
  initial_date?: string;
  initial_date_time?: number;
  multiline?: boolean;
  max_length?: number;
  min_length?: number;
  is_decimal_allowed?: boolean;
  min_value?: string;
  max_value?: string;
  image_url?: string;
  alt_text?: string;
}

export interface KitBlock {
  type: string;
  block_id?: string;
  text?: TextObject;
  fields?: TextObject[];
  accessory?: KitElement;
  elements?: (KitElement | TextObject)[];
  element?: KitElement;
  label?: TextObject;
  hint?: TextObject;
  optional?: boolean;
  dispatch_action?: boolean;
}

export interface KitView {
  id?: string;
  type?: string;
  title?: TextObject;
  submit?: TextObject | null;
  close?: TextObject | null;
  blocks?: KitBlock[];
}

/** Every option of a select, grouped or not. */
export const optionsOf = (e: KitElement): KitOption[] => [
  ...(e.options ?? []),
  ...(e.option_groups ?? []).flatMap((g) => g.options),
];
