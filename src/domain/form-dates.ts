import { TZDate } from '@date-fns/tz';
import { z } from 'zod';

/**
 * The dates a person can mean in a form: none before 1990 (nothing in the register is older) and
 * none after the end of next year (a due date can be far off, not decades). Slack's pickers offer
 * any date, and a forged request any number: a date outside this range, or one no calendar has,
 * is a field error on its question, never a failure further on.
 */
export const EARLIEST_YEAR = 1990;

const NOT_A_DATE = 'That is not a date on the calendar.';

function dateSchema(now: Date, required: string, yearOf: (d: Date) => number) {
  const lastYear = now.getUTCFullYear() + 1;
  return z
    .date({ error: (issue) => (issue.input instanceof Date ? NOT_A_DATE : required) })
    .refine((d) => yearOf(d) >= EARLIEST_YEAR && yearOf(d) <= lastYear, {
      message: `Please choose a date between ${EARLIEST_YEAR} and ${lastYear}.`,
    });
}

/** A moment (a date and time picker's answer; an invalid Date when it was no calendar date). */
export const formDate = (now: Date, required: string) => dateSchema(now, required, (d) => d.getUTCFullYear());

/** The same, for a question that may be left empty. */
export const optionalFormDate = (now: Date) =>
  formDate(now, NOT_A_DATE)
    .nullish()
    .transform((d) => d ?? null);

/**
 * A day (a date picker's answer), stored as the end of that day in the organisation's zone: its
 * year is that of the day itself, so next year's last day is in range wherever the organisation is.
 */
export const optionalFormDay = (now: Date, timeZone: string) =>
  dateSchema(now, NOT_A_DATE, (d) => new TZDate(d.getTime() - 1, timeZone).getFullYear())
    .nullish()
    .transform((d) => d ?? null);
