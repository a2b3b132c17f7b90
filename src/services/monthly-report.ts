import { TZDate } from '@date-fns/tz';
import { addMonths, format, subMonths } from 'date-fns';
import { eq, lt } from 'drizzle-orm';
import {
  briefingRequestMessage,
  recommendationsBlock,
  repeatRootCausesBlock,
} from '../../blocks/briefing-recommendations';
import { lateNowBlocks } from '../../blocks/late-now';
import type { SlackMessage } from '../../blocks/reporter-receipt';
import { periodLabel, statisticsMessage } from '../../blocks/statistics-report';
import type { Db } from '../../db/client';
import { incidents, periodicReports } from '../../db/schema';
import type { Config } from '../config';
import { previousMonth } from '../dates';
import { releaseBriefing } from '../domain/briefing-recommendations';
import { enqueue } from '../domain/deliveries';
import { writeTransaction } from '../domain/tx';
import { lateNow } from './late-now';
import { repeatRootCauses } from './repeat-root-causes';
import { computeStatistics, countByMonthAndKind } from './statistics';
import { type TrendPoint, trendPng } from './trend-chart';

/**
 * Last month's briefing falls due: the Management Representative (or SIRO) is asked for
 * recommendations, once per month however many sweeps, restarts or instances run (the period's row
 * and the deliveries commit together); the briefing goes to the Managing Director when they are
 * written (domain/briefing-recommendations.ts) or, without them, when the wait is over. The month is
 * recorded only when there is someone to brief: with no Managing Director configured yet, or no
 * register last month, nothing is recorded, so the briefing still comes once there is.
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
    if (config.briefing.waitWorkingDays === 0) releaseBriefing(tx, config, period, now);
    else
      for (const userId of config.briefing.writers)
        enqueue(tx, { kind: 'briefing_request', incidentId: null, userId, period }, now);
    return period;
  });
}

/** The DM asking for the briefing's recommendations, drawn when it is delivered. */
export function briefingRequest(db: Db, config: Config, period: string): SlackMessage {
  const row = db.select().from(periodicReports).where(eq(periodicReports.period, period)).get();
  return briefingRequestMessage(config, period, row?.sentAt ?? new Date(0));
}

function monthOf(period: string, timeZone: string) {
  const [y, m] = period.split('-').map(Number) as [number, number];
  const from = new TZDate(y, m - 1, 1, timeZone);
  return { from: new Date(from.getTime()), to: new Date(addMonths(from, 1).getTime()) };
}

export function monthlyReportMessage(db: Db, config: Config, period: string, now: Date): SlackMessage {
  const month = monthOf(period, config.orgTimeZone);
  const stats = computeStatistics(db, {
    ...month,
    now,
    orgTimeZone: config.orgTimeZone,
    lateReportHours: config.lateReportHours,
  });
  const message = statisticsMessage(stats);
  // Seed 000 Rep.4.4: a briefing, so what is late now of every kind follows the month's figures,
  // then the recommendations (or plainly none), before the Acknowledge button that ends it.
  const late = lateNowBlocks(lateNow(db, config, now), period);
  const row = db.select().from(periodicReports).where(eq(periodicReports.period, period)).get();
  const recommendations = row ? [recommendationsBlock(config, row)] : [];
  return {
    text: `Monthly incident report, ${periodLabel(stats)}: ${message.text}`,
    blocks: [
      ...message.blocks,
      repeatRootCausesBlock(repeatRootCauses(db, month)),
      ...late.slice(0, -1),
      ...recommendations,
      ...late.slice(-1),
    ],
  };
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
