import { TZDate } from '@date-fns/tz';
import { addDays, isValid, parseISO, startOfDay } from 'date-fns';

/**
 * A calendar date or time given by a person: `2026-03-01` means that calendar day in the organisation's zone; a full
 * ISO 8601 time must carry its offset so nobody guesses which zone was meant.
 */
export function parseOrgDate(text: string, orgTimeZone: string, end: 'start' | 'end'): Date {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const [y, m, d] = text.split('-').map(Number) as [number, number, number];
    const day = startOfDay(new TZDate(y, m - 1, d, orgTimeZone));
    if (!isValid(day) || day.getDate() !== d) throw new Error(`"${text}" is not a calendar date`);
    return new Date((end === 'end' ? addDays(day, 1) : day).getTime());
  }
  if (!/(Z|[+-]\d{2}:?\d{2})$/.test(text))
    throw new Error(`"${text}" needs a time zone offset, e.g. 2026-03-01T09:00:00Z`);
  const at = parseISO(text);
  if (!isValid(at)) throw new Error(`"${text}" is not an ISO 8601 time`);
  return at;
}
