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
  return { type: 'plain_text', text: truncate(text.length > 0 ? text : ' ', max), emoji: true };
}

/** mrkdwn that Slack will not auto-link or turn into mentions: for anything containing user text. */
export function md(text: string, max = 3000): MrkdwnElement {
  return { type: 'mrkdwn', text: truncate(text.length > 0 ? text : ' ', max), verbatim: true };
}

/** User text for mrkdwn: escaped first, then truncated so the limit counts the escaped form. */
export function userText(text: string, max: number): string {
  return truncate(escapeMrkdwn(text), max);
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

/**
 * As many items as fit in `max` characters, whole (never cut mid-link or mid-escape), then
 * "…and N more" for the rest: `total` counts every item, including any the caller never fetched.
 */
export function fitList(
  items: readonly string[],
  max: number,
  opts: { separator?: string; total?: number; empty?: string } = {},
): string {
  const separator = opts.separator ?? '\n';
  const total = Math.max(opts.total ?? items.length, items.length);
  if (total === 0) return opts.empty ?? '';
  // Room is kept for the longest tail there could be, so adding it never breaks the budget.
  const tail = (n: number) => `…and ${n} more`;
  const reserve = separator.length + tail(total).length;
  const shown: string[] = [];
  let length = 0;
  for (const item of items) {
    const added = (shown.length === 0 ? 0 : separator.length) + item.length;
    const last = shown.length + 1 === total;
    if (length + added + (last ? 0 : reserve) > max) break;
    shown.push(item);
    length += added;
  }
  const more = total - shown.length;
  return more === 0 ? shown.join(separator) : [...shown, tail(more)].join(separator);
}
