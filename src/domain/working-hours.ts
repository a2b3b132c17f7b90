import { TZDate } from '@date-fns/tz';
import { getHours, isWeekend } from 'date-fns';

/** Non-urgent reminders wait for the recipient's working day, in their own time zone. */
export function inWorkingHours(at: Date, timeZone: string, [start, end]: [number, number]): boolean {
  const local = new TZDate(at, timeZone);
  const hour = getHours(local);
  return !isWeekend(local) && hour >= start && hour < end;
}
