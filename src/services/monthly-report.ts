import { TZDate } from '@date-fns/tz';
import { addMonths, format, subMonths } from 'date-fns';
import { lt } from 'drizzle-orm';
import type { SlackMessage } from '../../blocks/reporter-receipt';
import { periodLabel, statisticsMessage } from '../../blocks/statistics-report';
import type { Db } from '../../db/client';
import { incidents, periodicReports } from '../../db/schema';
import type { Config } from '../config';
import { previousMonth } from '../dates';
import { enqueue } from '../domain/deliveries';
import { writeTransaction } from '../domain/tx';
import { computeStatistics, countByMonthAndKind } from './statistics';
import { type TrendPoint, trendPng } from './trend-chart';

/**
 * Queues last month's report for the Managing Director, once per month however many sweeps,
 * restarts or instances run (the period's row and the deliveries commit together). The month is
 * recorded only when a report is queued for someone: with no Managing Director configured yet, or
 * no register last month, nothing is recorded, so the report still goes once there is.
 */
export function queueMonthlyReport(db: Db, config: Config, now: Date): string | null {
  const month = previousMonth(now, config.orgTimeZone);
  const period = format(new TZDate(month.from.getTime(), config.orgTimeZone), 'yyyy-MM');
  if (config.roles.md.length === 0) return null;
  return writeTransaction(db, (tx) => {
    const hadRegister = tx
      .select({ id: incidents.id })
      .from(incidents)
      .where(lt(incidents.reportedAt, month.to))
      .limit(1)
      .get();
    if (!hadRegister) return null;
    const fresh =
      tx.insert(periodicReports).values({ period, sentAt: now }).onConflictDoNothing().run().changes > 0;
    if (!fresh) return null;
    for (const userId of config.roles.md) {
      enqueue(tx, { kind: 'monthly_report', incidentId: null, userId, period }, now);
      enqueue(tx, { kind: 'monthly_chart', incidentId: null, userId, period }, now);
    }
    return period;
  });
}

function monthOf(period: string, timeZone: string) {
  const [y, m] = period.split('-').map(Number) as [number, number];
  const from = new TZDate(y, m - 1, 1, timeZone);
  return { from: new Date(from.getTime()), to: new Date(addMonths(from, 1).getTime()) };
}

export function monthlyReportMessage(db: Db, config: Config, period: string, now: Date): SlackMessage {
  const stats = computeStatistics(db, {
    ...monthOf(period, config.orgTimeZone),
    now,
    orgTimeZone: config.orgTimeZone,
    lateReportHours: config.lateReportHours,
  });
  const message = statisticsMessage(stats);
  return { ...message, text: `Monthly incident report, ${periodLabel(stats)}: ${message.text}` };
}

/**
 * Twelve months to the reported one: incidents and weaknesses, with near misses stacked on top,
 * counted by one query over the twelve months.
 */
export function monthlyTrendChart(
  db: Db,
  config: Config,
  period: string,
): { png: Buffer; filename: string; title: string; altText: string } {
  const tz = config.orgTimeZone;
  const last = monthOf(period, tz);
  const from = new Date(subMonths(new TZDate(last.from.getTime(), tz), 11).getTime());
  const points: TrendPoint[] = countByMonthAndKind(db, { from, to: last.to }, tz).map((m) => ({
    label: format(new TZDate(m.from.getTime(), tz), 'MMM yy'),
    incidents: m.byKind.incident + m.byKind.weakness,
    nearMisses: m.byKind.near_miss,
  }));
  const title = `Reports per month to ${format(new TZDate(last.from.getTime(), tz), 'MMMM yyyy')}`;
  // What the chart shows, in words, for a screen reader (and anyone the image does not reach).
  const altText = `${title}. ${points
    .map((p) => `${p.label}: ${p.incidents} incidents and weaknesses, ${p.nearMisses} near misses`)
    .join('; ')}.`;
  return { png: trendPng(title, points), filename: `vigil-trend-${period}.png`, title, altText };
}
