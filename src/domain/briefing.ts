import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { periodicReports } from '../../db/schema';
import type { Config } from '../config';

export type Acknowledgement =
  | { outcome: 'acknowledged' }
  | { outcome: 'already'; by: string; at: Date }
  | { outcome: 'refused'; reason: string };

/**
 * Seed 000 Rep.4.4: the Managing Director acknowledges the monthly briefing. Once, by whoever of
 * them is first; the row keeps who and when. The period from the button is a hint, re-read here.
 */
export function acknowledgeBriefing(
  db: Db,
  config: Config,
  userId: string,
  period: string,
  now: Date,
): Acknowledgement {
  if (!config.roles.md.includes(userId))
    return { outcome: 'refused', reason: 'Only the Managing Director acknowledges the monthly briefing.' };
  const changed = db
    .update(periodicReports)
    .set({ acknowledgedBy: userId, acknowledgedAt: now })
    .where(and(eq(periodicReports.period, period), isNull(periodicReports.acknowledgedBy)))
    .run().changes;
  if (changed > 0) return { outcome: 'acknowledged' };
  const row = db.select().from(periodicReports).where(eq(periodicReports.period, period)).get();
  if (row?.acknowledgedBy && row.acknowledgedAt)
    return { outcome: 'already', by: row.acknowledgedBy, at: row.acknowledgedAt };
  return { outcome: 'refused', reason: 'There is no briefing for that month.' };
}
