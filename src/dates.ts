import { TZDate } from '@date-fns/tz';
import { addDays, format, isValid, parseISO, startOfDay, startOfMonth, subMonths } from 'date-fns';

/**
 * A calendar date or time given by a person: `2026-03-01` means that calendar day in the organisation's zone; a full
 * ISO 8601 time must carry its offset so nobody guesses which zone was meant.
 */
export function parseOrgDate(text: string, orgTimeZone: string, end: 'start' | 'end'): Date {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const [y, m, d] = text.split('-').map(Number) as [number, number, number];
    const day = startOfDay(new TZDate(y, m - 1, d, orgTimeZone));
    // TZDate rolls 2026-13-01 over into 2027 and 2026-02-30 into March: only a date it keeps is one.
    if (!isValid(day) || day.getFullYear() !== y || day.getMonth() !== m - 1 || day.getDate() !== d)
      throw new Error(`"${text}" is not a calendar date`);
    return new Date((end === 'end' ? addDays(day, 1) : day).getTime());
  }
  if (!/(Z|[+-]\d{2}:?\d{2})$/.test(text))
    throw new Error(`"${text}" needs a time zone offset, e.g. 2026-03-01T09:00:00Z`);
  const at = parseISO(text);
  if (!isValid(at)) throw new Error(`"${text}" is not an ISO 8601 time`);
  return at;
}

export interface Period {
  from: Date;
  to: Date;
}

/** The calendar month before the one `now` falls in, in the organisation's zone, as [from, to). */
export function previousMonth(now: Date, timeZone: string): Period {
  const thisMonth = startOfMonth(new TZDate(now.getTime(), timeZone));
  return { from: new Date(subMonths(thisMonth, 1).getTime()), to: new Date(thisMonth.getTime()) };
}

/**
 * A period as people say it: `last-month` (the default), `2026-03`, `2026-Q1`, `2026`, or
 * `2026-01-01..2026-03-31` (both days included), in the organisation's zone.
 */
export function parsePeriod(text: string | undefined, now: Date, timeZone: string): Period {
  const t = (text ?? '').trim().toLowerCase();
  const at = (y: number, m: number) => new Date(new TZDate(y, m, 1, timeZone).getTime());
  if (t === '' || t === 'last-month') return previousMonth(now, timeZone);
  let m = /^(\d{4})-(\d{2})$/.exec(t);
  if (m) {
    const month = Number(m[2]);
    // TZDate would roll 2026-13 over into January 2027 and 2026-00 back into December 2025.
    if (month < 1 || month > 12)
      throw new Error(
        `"${text}" is not a month: give it as YYYY-MM with the month from 01 to 12, e.g. 2026-03`,
      );
    return { from: at(Number(m[1]), month - 1), to: at(Number(m[1]), month) };
  }
  m = /^(\d{4})-q([1-4])$/.exec(t);
  if (m) return { from: at(Number(m[1]), (Number(m[2]) - 1) * 3), to: at(Number(m[1]), Number(m[2]) * 3) };
  m = /^(\d{4})$/.exec(t);
  if (m) return { from: at(Number(m[1]), 0), to: at(Number(m[1]) + 1, 0) };
  m = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(t);
  if (m?.[1] && m[2]) {
    const period = { from: parseOrgDate(m[1], timeZone, 'start'), to: parseOrgDate(m[2], timeZone, 'end') };
    if (period.to <= period.from) throw new Error('the period ends before it starts');
    return period;
  }
  throw new Error(
    `"${text}" is not a period: try last-month, 2026-03, 2026-Q1, 2026 or 2026-01-01..2026-03-31`,
  );
}

/**
 * A duration as people read it: minutes under an hour, hours to one decimal under two days, days
 * to one decimal after that ("45 min", "3.3 h", "4.2 d"); a dash when there is none.
 */
export function formatHours(hours: number | null): string {
  if (hours === null || !Number.isFinite(hours)) return '–';
  if (hours < 1) return `${Math.round(hours * 60)} min`;
  if (hours < 48) return `${hours.toFixed(1)} h`;
  return `${(hours / 24).toFixed(1)} d`;
}

/**
 * The calendar day a due time falls due, in `timeZone`: a due date is stored as the end of its day
 * (the instant after its last millisecond), so the day is that of the millisecond before.
 */
export function dueDay(dueAt: Date, timeZone: string, pattern = 'd MMM yyyy'): string {
  return format(new TZDate(dueAt.getTime() - 1, timeZone), pattern);
}

/** The last moment of a due day, for Slack's date formatting (which shows the viewer's zone). */
export const dueDayEnd = (dueAt: Date): Date => new Date(dueAt.getTime() - 1);
