import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import type { Period } from '../dates';

export interface RootCauseCount {
  /** The root cause as first written (user text: escape before mrkdwn). */
  text: string;
  count: number;
}

/** The same cause however it was typed: case, spacing and a closing full stop aside. */
const normalise = (text: string) =>
  text
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/[.\s]+$/, '')
    .trim();

/**
 * Seed 000 Rep.4.4: root causes found more than once in the period, from each incident's latest
 * causal analysis submitted in it (not one sent back; duplicates left out, as in the statistics).
 * Root causes are free text, so only the same words count as the same cause.
 */
export function repeatRootCauses(db: Db, period: Period): RootCauseCount[] {
  const rows = db.all<{ rootCause: string | null }>(sql`
    select json_extract(r.content, '$.rootCause') as rootCause
    from reviews r join incidents i on i.id = r.incident_id
    where r.type = 'causal_analysis' and r.decision is not 'returned'
      and i.triage_outcome is not 'duplicate'
      and r.submitted_at >= ${period.from.getTime()} and r.submitted_at < ${period.to.getTime()}
      and r.id = (select max(id) from reviews r2
                  where r2.incident_id = r.incident_id and r2.type = 'causal_analysis')`);
  const byCause = new Map<string, RootCauseCount>();
  for (const { rootCause } of rows) {
    if (!rootCause?.trim()) continue;
    const key = normalise(rootCause);
    const seen = byCause.get(key);
    if (seen) seen.count += 1;
    else byCause.set(key, { text: rootCause.trim(), count: 1 });
  }
  return [...byCause.values()]
    .filter((c) => c.count >= 2)
    .sort((a, b) => b.count - a.count || (a.text < b.text ? -1 : 1));
}
