import { TZDate } from '@date-fns/tz';
import type { MrkdwnElement, PlainTextElement } from '@slack/types';
import { format } from 'date-fns';
import { isSlackUserId } from '../src/domain/people-ids';

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

/**
 * `truncate` for mrkdwn we composed: never leaves half a `<@U…>`, `<!date^…>` or `<url|…>` token,
 * which Slack would show as raw text. User text inside is escaped, so every `<` opens one of ours.
 */
export function truncateMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = truncate(text, max).slice(0, -TRUNCATION_MARK.length);
  const open = cut.lastIndexOf('<');
  return (open > cut.lastIndexOf('>') ? cut.slice(0, open) : cut) + TRUNCATION_MARK;
}

export function plain(text: string, max = 3000): PlainTextElement {
  const shown = displayable(text);
  return { type: 'plain_text', text: truncate(shown.length > 0 ? shown : ' ', max), emoji: true };
}

/** mrkdwn that Slack will not auto-link or turn into mentions: for anything containing user text. */
export function md(text: string, max = 3000): MrkdwnElement {
  return { type: 'mrkdwn', text: truncateMrkdwn(text.length > 0 ? text : ' ', max), verbatim: true };
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

/** A mention, built only from a well-formed member id: anything else is named as nobody in particular. */
export const mention = (userId: string) => (isSlackUserId(userId) ? `<@${userId}>` : 'someone');

/**
 * Who owns an action, for mrkdwn: the person, or the team it was given to by its handle (plain
 * text: a `<!subteam^…>` mention would ping the whole group wherever the line is shown).
 */
export function ownerName(a: { ownerId: string; ownerGroupName?: string | null }): string {
  return /^S[A-Z0-9]+$/.test(a.ownerId)
    ? `the team @${escapeMrkdwn(displayable(a.ownerGroupName ?? a.ownerId))}`
    : mention(a.ownerId);
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * "2 days 22 hours": a deadline needs hours, not the rounded "3 days" of a casual distance. Counted
 * in elapsed time, never on a calendar, so no clock change in any zone can shift it by an hour.
 */
function timeBetween(a: Date, b: Date): string {
  const ms = Math.abs(b.getTime() - a.getTime());
  const days = Math.floor(ms / DAY);
  const hours = Math.floor((ms % DAY) / HOUR);
  const minutes = Math.floor((ms % HOUR) / MINUTE);
  const units: [number, string][] =
    days > 0
      ? [
          [days, 'day'],
          [hours, 'hour'],
        ]
      : [
          [hours, 'hour'],
          [minutes, 'minute'],
        ];
  const text = units
    .filter(([n]) => n > 0)
    .map(([n, unit]) => `${n} ${unit}${n === 1 ? '' : 's'}`)
    .join(' ');
  return text || 'less than a minute';
}

/**
 * "in 2 days 22 hours" / "3 hours ago", as Slack's `{ago}`: the reader's client keeps it current
 * without the message being edited. The fallback is the same distance as of drawing.
 */
function relativeTime(at: Date, now: Date): string {
  const distance = timeBetween(at, now);
  const fallback = at.getTime() >= now.getTime() ? `in ${distance}` : `${distance} ago`;
  return `<!date^${Math.floor(at.getTime() / 1000)}^{ago}|${fallback}>`;
}

/** "due in 3 days", or "*overdue*: due 3 hours ago" once the deadline has passed. */
export function dueIn(due: Date, now: Date): string {
  return `${due.getTime() > now.getTime() ? '' : '*overdue*: '}due ${relativeTime(due, now)}`;
}

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
