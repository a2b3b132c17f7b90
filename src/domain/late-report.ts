import type { Incident } from '../../db/schema';

/**
 * Seed 000 Rep.1: staff report "immediately" when an incident is found (seed 003 §4.1 "promptly"). Lateness is measured there,
 * from discovery to the report, against LATE_REPORT_HOURS.
 */
export function reportDelayHours(i: Pick<Incident, 'discoveredAt' | 'reportedAt'>): number {
  return Math.max(0, (i.reportedAt.getTime() - i.discoveredAt.getTime()) / 3_600_000);
}

/** Reported later after its discovery than the organisation allows; null when it was in time. */
export function lateReport(
  i: Pick<Incident, 'discoveredAt' | 'reportedAt'>,
  limitHours: number,
): { delayHours: number; limitHours: number } | null {
  const delayHours = reportDelayHours(i);
  return delayHours > limitHours ? { delayHours, limitHours } : null;
}
