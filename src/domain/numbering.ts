import { TZDate } from '@date-fns/tz';
import { getYear } from 'date-fns';
import { sql } from 'drizzle-orm';
import { prepared } from '../../db/prepared';
import { referenceCounters } from '../../db/schema';
import type { Tx } from './tx';

export interface Reference {
  year: number;
  seq: number;
  reference: string;
}

export function formatReference(year: number, seq: number): string {
  return `INC-${year}-${String(seq).padStart(4, '0')}`;
}

/** The reference year is the organisation's calendar year, not UTC's (seed 003 §5.4). */
export function referenceYear(at: Date, orgTimeZone: string): number {
  return getYear(new TZDate(at, orgTimeZone));
}

const nextSeq = prepared((db) =>
  db
    .insert(referenceCounters)
    .values({ year: sql.placeholder('year'), lastSeq: 1 })
    .onConflictDoUpdate({
      target: referenceCounters.year,
      set: { lastSeq: sql`${referenceCounters.lastSeq} + 1` },
    })
    .returning({ seq: referenceCounters.lastSeq })
    .prepare(),
);

/**
 * Takes the next number of the year. Must run inside the transaction that inserts the incident:
 * the counter row and the incident commit together, so a number is neither skipped nor reused.
 */
export function allocateReference(tx: Tx, year: number): Reference {
  const row = nextSeq(tx).get({ year });
  if (!row) throw new Error('no reference was allocated');
  return { year, seq: row.seq, reference: formatReference(year, row.seq) };
}

const REFERENCE_PATTERN = /^INC-(\d{4})-(\d{4,})$/i;

/**
 * What a mistyped reference most likely meant ("INC-2026-1", "inc 2026 12", "2026-0012" →
 * INC-2026-0001 …), by its form alone: whether such a record exists is not said here.
 */
export function nearestReference(text: string): string | null {
  const m = /^(?:INC)?[-\s_]*(\d{4})[-\s_]+(\d{1,8})$/i.exec(text.trim());
  return m ? formatReference(Number(m[1]), Number(m[2])) : null;
}

export function parseReference(text: string): string | null {
  const m = REFERENCE_PATTERN.exec(text.trim());
  return m ? formatReference(Number(m[1]), Number(m[2])) : null;
}
