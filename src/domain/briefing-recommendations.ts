import { TZDate } from '@date-fns/tz';
import { addBusinessDays } from 'date-fns';
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { periodicReports } from '../../db/schema';
import type { Config } from '../config';
import { enqueue } from './deliveries';
import { type Tx, writeTransaction } from './tx';

/** The longest recommendations Slack's form accepts, checked again here. */
export const RECOMMENDATIONS_MAX = 2500;

export type RecommendationResult = { outcome: 'written' } | { outcome: 'refused'; reason: string };

/** The refusal for anyone else; it names the role, which the briefing's readers know anyway. */
export const notAWriter = (config: Config) =>
  config.briefing.writersAre === 'management_rep'
    ? 'Only the Management Representative writes the briefing’s recommendations.'
    : 'Only the SIRO writes the briefing’s recommendations.';

/** When a month's briefing goes without recommendations: its wait, in the organisation's working days. */
export function briefingDeadline(config: Config, dueAt: Date): Date {
  const local = new TZDate(dueAt.getTime(), config.orgTimeZone);
  return new Date(addBusinessDays(local, config.briefing.waitWorkingDays).getTime());
}

/** Queues the briefing (and its chart) for each Managing Director, once: the row's release is the lock. */
export function releaseBriefing(tx: Tx, config: Config, period: string, now: Date): boolean {
  const released =
    tx
      .update(periodicReports)
      .set({ releasedAt: now })
      .where(and(eq(periodicReports.period, period), isNull(periodicReports.releasedAt)))
      .run().changes > 0;
  if (!released) return false;
  for (const userId of config.roles.md) {
    enqueue(tx, { kind: 'monthly_report', incidentId: null, userId, period }, now);
    enqueue(tx, { kind: 'monthly_chart', incidentId: null, userId, period }, now);
  }
  return true;
}

/** Briefings whose wait for recommendations is over go to the Managing Director without them. */
export function releaseOverdueBriefings(tx: Tx, config: Config, now: Date): string[] {
  return tx
    .select({ period: periodicReports.period, sentAt: periodicReports.sentAt })
    .from(periodicReports)
    .where(isNull(periodicReports.releasedAt))
    .all()
    .filter((r) => briefingDeadline(config, r.sentAt) <= now)
    .filter((r) => releaseBriefing(tx, config, r.period, now))
    .map((r) => r.period);
}

/**
 * Seed 000 Rep.4.4: the IRM or Management Representative (MANAGEMENT_REP_USER_IDS, else the SIRO)
 * writes recommendations before the briefing is sent; writing them sends it. Only they may, and
 * only while it waits; the period from the form is a hint, re-read here.
 */
export function writeRecommendations(
  db: Db,
  config: Config,
  userId: string,
  period: string,
  text: string,
  now: Date,
): RecommendationResult {
  if (!config.briefing.writers.includes(userId)) return { outcome: 'refused', reason: notAWriter(config) };
  const written = text.trim();
  if (written === '') return { outcome: 'refused', reason: 'Please write the recommendations.' };
  if (written.length > RECOMMENDATIONS_MAX)
    return { outcome: 'refused', reason: `Please keep them under ${RECOMMENDATIONS_MAX} characters.` };
  return writeTransaction(db, (tx) => {
    const row = tx.select().from(periodicReports).where(eq(periodicReports.period, period)).get();
    if (!row) return { outcome: 'refused', reason: 'There is no briefing for that month.' };
    if (row.releasedAt)
      return {
        outcome: 'refused',
        reason: 'That briefing has already gone to the Managing Director.',
      };
    tx.update(periodicReports)
      .set({ recommendations: written, recommendedBy: userId, recommendedAt: now })
      .where(eq(periodicReports.period, period))
      .run();
    releaseBriefing(tx, config, period, now);
    return { outcome: 'written' };
  });
}
