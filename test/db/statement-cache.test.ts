import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../db/client';
import { incidents } from '../../db/schema';

describe('statement cache', () => {
  it('reuses a statement drizzle left in raw mode for a caller that wants objects', () => {
    const db = openDatabase(':memory:');
    try {
      const query = db.select({ id: incidents.id }).from(incidents).where(eq(incidents.id, 1));
      expect(query.get()).toBeUndefined();
      const { sql } = query.toSQL();
      expect(db.$client.prepare(sql)).toBe(db.$client.prepare(sql));
      db.$client.exec(`insert into reference_counters (year, last_seq) values (2026, 7)`);
      const source = 'select year, last_seq from reference_counters where year = ?';
      // Same text twice: once as drizzle's typed select does it (raw rows), once plainly.
      expect(db.$client.prepare(source).raw().get(2026)).toEqual([2026, 7]);
      expect(db.$client.prepare(source).get(2026)).toEqual({ year: 2026, last_seq: 7 });
    } finally {
      closeDatabase(db);
    }
  });

  it('gives a fresh statement while the cached one is still being iterated', () => {
    const db = openDatabase(':memory:');
    try {
      db.$client.exec(`insert into reference_counters (year, last_seq) values (2025, 3), (2026, 7)`);
      const source = 'select year from reference_counters order by year';
      const seen: number[] = [];
      for (const row of db.$client.prepare(source).iterate() as Iterable<{ year: number }>) {
        seen.push(row.year, ...(db.$client.prepare(source).all() as { year: number }[]).map((r) => r.year));
      }
      expect(seen).toEqual([2025, 2025, 2026, 2026, 2025, 2026]);
    } finally {
      closeDatabase(db);
    }
  });
});
