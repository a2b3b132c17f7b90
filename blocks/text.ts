import { TZDate } from '@date-fns/tz';
import type { MrkdwnElement, PlainTextElement } from '@slack/types';
import { format } from 'date-fns';

/**
 * Slack reads `&`, `<` and `>` as control characters in mrkdwn; escaping exactly these three
 * turns `<!channel>` or `<http://evil|bank>` typed by a user into harmless literal text.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Characters that make text show other than it reads: control characters (no keyboard types
 * \u0000–\u001f, but a forged payload can carry them) and the bidirectional overrides, embeddings
 * and isolates that reverse what follows them on the line ("Trojan Source"). Natural right-to-left
 * text needs none of them. Tabs and line breaks stay; zero-width joiners stay (emoji need them).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNDISPLAYABLE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

/**
 * User text as Slack should show it: what cannot be shown honestly becomes U+FFFD, so the reader
 * sees that something was there. Only for display; the register keeps what was typed.
 */
export function displayable(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(UNDISPLAYABLE, '\uFFFD');
}

export const TRUNCATION_MARK = '… (truncated)';

/** Cuts text to fit a Slack limit, saying so visibly rather than letting Slack reject the message. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - TRUNCATION_MARK.length);
  // Never split a surrogate pair or leave half an escape sequence behind.
  const safe = cut.replace(/[\uD800-\uDBFF]$/, '').replace(/&[a-z]{0,4}$/, '');
  return safe + TRUNCATION_MARK;
}

export function plain(text: string, max = 3000): PlainTextElement {
  const shown = displayable(text);
  return { type: 'plain_text', text: truncate(shown.length > 0 ? shown : ' ', max), emoji: true };
}

/** mrkdwn that Slack will not auto-link or turn into mentions: for anything containing user text. */
export function md(text: string, max = 3000): MrkdwnElement {
  return { type: 'mrkdwn', text: truncate(text.length > 0 ? text : ' ', max), verbatim: true };
}

/** User text for mrkdwn: escaped first, then truncated so the limit counts the escaped form. */
export function userText(text: string, max: number): string {
  return truncate(escapeMrkdwn(displayable(text)), max);
}

/** A date as the organisation reads it, e.g. "Mon 30 Mar 2026 11:00 Europe/London". */
export function orgDate(d: Date, timeZone: string): string {
  return `${format(new TZDate(d, timeZone), 'EEE d MMM yyyy HH:mm')} ${timeZone}`;
}

/** A date Slack shows in each reader's own time zone, falling back to the organisation's. */
export function slackDate(d: Date, timeZone = 'UTC', pattern = '{date_short_pretty} {time}'): string {
  return `<!date^${Math.floor(d.getTime() / 1000)}^${pattern}|${orgDate(d, timeZone)}>`;
}

export const mention = (userId: string) => `<@${userId}>`;
