import { TZDate } from '@date-fns/tz';
import { addDays, addMonths, isWeekend, setHours, startOfDay, startOfMonth } from 'date-fns';
import type { Clock } from '../clock';

/**
 * Vigil's clock in the sandbox: real time plus an offset that only grows, so a visitor can jump
 * ahead to see reminders, countdowns and overdue redraws without waiting days, and time still runs.
 */
export class SandboxClock implements Clock {
  private offsetMs = 0;

  constructor(
    private readonly realNow: () => number = Date.now,
    start?: Date,
  ) {
    if (start) this.offsetMs = start.getTime() - realNow();
  }

  now(): Date {
    return new Date(this.realNow() + this.offsetMs);
  }

  get offset(): number {
    return this.offsetMs;
  }

  /** Back to the starting time (a reset); real time when none was given. */
  restart(start?: Date): void {
    this.offsetMs = start ? start.getTime() - this.realNow() : 0;
  }

  /** Takes back an offset kept from an earlier run (never backwards: deadlines already drawn stay past). */
  restoreOffset(ms: number): void {
    this.offsetMs = Math.max(this.offsetMs, ms);
  }

  /** Moves forward to `to` (nothing happens if that is not in the future). */
  moveTo(to: Date): void {
    const by = to.getTime() - this.now().getTime();
    if (by > 0) this.offsetMs += by;
  }
}

export type Jump = 'hour' | 'day' | 'workday' | 'month';

/**
 * Where a jump lands. The next working day starts at the working day's first hour in the
 * organisation's zone, when non-urgent reminders go out; the next month at its first working
 * hour, when the monthly report is due.
 */
export function jumpTarget(now: Date, jump: Jump, timeZone: string, workdayStart: number): Date {
  if (jump === 'hour') return new Date(now.getTime() + 3_600_000);
  if (jump === 'day') return new Date(now.getTime() + 86_400_000);
  const local = new TZDate(now, timeZone);
  let day = jump === 'month' ? startOfMonth(addMonths(local, 1)) : addDays(startOfDay(local), 1);
  while (isWeekend(day)) day = addDays(day, 1);
  return new Date(setHours(day, workdayStart).getTime());
}
