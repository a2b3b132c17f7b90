/**
 * Slack's `<!date^…^{token}|fallback>` as a reader's client shows it: in the reader's own zone,
 * "today" and "tomorrow" where the token is `_pretty`, and `{ago}` against the sandbox clock.
 */

const parts = (at: Date, zone: string, opts: Intl.DateTimeFormatOptions) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: zone, ...opts }).format(at);

const SUFFIX: Record<number, string> = { 1: 'st', 2: 'nd', 3: 'rd' };
const ordinal = (n: number) => `${n}${n % 100 >= 11 && n % 100 <= 13 ? 'th' : (SUFFIX[n % 10] ?? 'th')}`;

function dayNumber(at: Date, zone: string): number {
  const [y, m, d] = parts(at, zone, { year: 'numeric', month: '2-digit', day: '2-digit' })
    .split('/')
    .reverse()
    .map(Number);
  return Date.UTC(y ?? 0, (m ?? 1) - 1, d ?? 1) / 86_400_000;
}

function pretty(at: Date, zone: string, now: Date): string | undefined {
  const diff = dayNumber(at, zone) - dayNumber(now, zone);
  return diff === 0 ? 'today' : diff === 1 ? 'tomorrow' : diff === -1 ? 'yesterday' : undefined;
}

const month = (at: Date, zone: string, style: 'long' | 'short') => parts(at, zone, { month: style });
const day = (at: Date, zone: string) => Number(parts(at, zone, { day: 'numeric' }));
const year = (at: Date, zone: string) => parts(at, zone, { year: 'numeric' });

function distance(ms: number): string {
  const abs = Math.abs(ms);
  const units: [number, string][] = [
    [86_400_000 * 365, 'year'],
    [86_400_000 * 30, 'month'],
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
  ];
  for (const [size, unit] of units) {
    const n = Math.floor(abs / size);
    if (n >= 1) return `${n} ${unit}${n === 1 ? '' : 's'}`;
  }
  return 'a few seconds';
}

function token(name: string, at: Date, zone: string, now: Date): string {
  const long = () =>
    `${parts(at, zone, { weekday: 'long' })}, ${month(at, zone, 'long')} ${ordinal(day(at, zone))}, ${year(at, zone)}`;
  const medium = () => `${month(at, zone, 'long')} ${ordinal(day(at, zone))}, ${year(at, zone)}`;
  const short = () => `${month(at, zone, 'short')} ${day(at, zone)}, ${year(at, zone)}`;
  switch (name) {
    case 'date_num':
      return parts(at, zone, { year: 'numeric', month: '2-digit', day: '2-digit' })
        .split('/')
        .reverse()
        .join('-');
    case 'date':
      return medium();
    case 'date_short':
      return short();
    case 'date_long':
      return long();
    case 'date_pretty':
      return pretty(at, zone, now) ?? medium();
    case 'date_short_pretty':
      return pretty(at, zone, now) ?? short();
    case 'date_long_pretty':
      return pretty(at, zone, now) ?? long();
    case 'time':
      return parts(at, zone, { hour: '2-digit', minute: '2-digit', hour12: false });
    case 'time_secs':
      return parts(at, zone, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
    case 'ago': {
      const ms = at.getTime() - now.getTime();
      return ms >= 0 ? `in ${distance(ms)}` : `${distance(ms)} ago`;
    }
    default:
      return `{${name}}`;
  }
}

/** Fills a date token's format ("{date_short_pretty} at {time}") for a reader in `zone`. */
export function formatSlackDate(seconds: number, format: string, zone: string, now: Date): string {
  const at = new Date(seconds * 1000);
  return format.replace(/\{([a-z_]+)\}/g, (_, name: string) => token(name, at, zone, now));
}

/** The time shown beside a message's author, as the reader's client shows it. */
export function messageTime(ms: number, zone: string): string {
  return parts(new Date(ms), zone, { hour: '2-digit', minute: '2-digit', hour12: false });
}

/** The sandbox clock in the top bar. */
export function clockText(ms: number, zone: string): string {
  return parts(new Date(ms), zone, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  });
}

/** The line between days in a conversation ("Wednesday, 2 December"). */
export function dayText(ms: number, zone: string): string {
  return parts(new Date(ms), zone, { weekday: 'long', day: 'numeric', month: 'long' });
}
