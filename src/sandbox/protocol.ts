/**
 * What the sandbox page and its server say to each other. Types only: the browser bundle imports
 * them too, so nothing here may pull in Node code.
 */

export interface Persona {
  id: string;
  name: string;
  title: string;
  tz: string;
}

export interface Conversation {
  /** The channel id, or the person's D… id for their DM with Vigil. */
  id: string;
  kind: 'channel' | 'dm';
  name: string;
  isPrivate: boolean;
}

export interface SharedFile {
  id: string;
  name: string;
  title: string;
  size: number;
  /** Where the page fetches it (an image is shown inline). */
  url: string;
  image: boolean;
}

/** A message as the persona's client shows it: the bot's, a person's, an ephemeral answer, or a file. */
export interface ShownMessage {
  /** Sort key and id: the message's ts (an ephemeral or a file gets one in the same order). */
  ts: string;
  /** Set on thread replies: the parent's ts. */
  threadTs?: string;
  userId: string;
  author: string;
  isBot: boolean;
  /** Sandbox time it arrived (ms), for the time beside the author. */
  at: number;
  text: string;
  blocks: unknown[];
  ephemeral: boolean;
  file?: SharedFile;
  replyCount: number;
}

export interface ShownView {
  id: string;
  hash: string;
  view: Record<string, unknown>;
  /** How many views are open (Slack stacks up to 3); more than 1 shows a back arrow. */
  depth: number;
}

export interface Refusal {
  at: number;
  method: string;
  error: string;
  /** Slack's `response_metadata.messages`: which limit, where (json-pointer). */
  problems: string[];
}

/** What the app's manifest offers people: its slash commands and shortcuts. */
export interface AppFeatures {
  commands: { command: string; hint: string }[];
  globalShortcuts: { callbackId: string; name: string }[];
  messageShortcuts: { callbackId: string; name: string }[];
}

export interface SandboxState {
  version: number;
  /** Sandbox time (ms): Vigil's clock, which the page can move forward. */
  now: number;
  orgName: string;
  app: AppFeatures;
  me: string;
  people: Persona[];
  conversations: Conversation[];
  messages: Record<string, ShownMessage[]>;
  home: ShownView | null;
  modal: ShownView | null;
  refusals: Refusal[];
}

/** An answer to one input of a form, keyed by block id (as fill-view.ts takes them). */
export type FormAnswer = string | number | null;

export type Surface = { conversation: string; ts: string } | { viewId: string };

export type Act =
  | { type: 'command'; conversation: string; text: string }
  | { type: 'post'; conversation: string; text: string; threadTs?: string }
  | {
      type: 'click';
      surface: Surface;
      blockId: string;
      actionId: string;
      option?: string;
      user?: string;
      /** The form's answers so far, when the control is in a form (dispatch_action). */
      answers?: Record<string, FormAnswer>;
    }
  | { type: 'submit'; viewId: string; answers: Record<string, FormAnswer> }
  | { type: 'close'; viewId: string; all: boolean }
  | { type: 'home' }
  | { type: 'shortcut'; callbackId: string }
  | { type: 'messageShortcut'; conversation: string; ts: string; callbackId: string };

export interface ActResult {
  ok: boolean;
  /** Why Slack would not send it, or what went wrong, in words for the page. */
  error?: string;
  /** A form's errors by block id (response_action: errors). */
  errors?: Record<string, string>;
}

export type Advance = 'hour' | 'day' | 'workday' | 'month';

export interface TourStep {
  index: number;
  title: string;
  /** What the visitor does, in words (names, not IDs). */
  instruction: string;
  persona: string;
  /** The conversation or surface the page shows for this step. */
  where: { conversation: string } | { home: true } | { modal: true } | { none: true };
  /** Label of the control to point at, if any. */
  label?: string;
}
