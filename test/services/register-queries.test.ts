import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { closeDatabase, type Db, openDatabase } from '../../db/client';
import { loadConfig } from '../../src/config';
import { backfillDuties } from '../../src/services/duty-backfill';
import { exportRegister } from '../../src/services/export';
import { computeStatistics } from '../../src/services/statistics';
import { seedReport } from '../helpers/seed';
import { TEST_ENV, testClock } from '../helpers/world';

/** Every SQL text the callback has SQLite prepare on this connection. */
async function statementsOf(db: Db, run: () => Promise<unknown> | unknown): Promise<string[]> {
  const sqlite = db.$client;
  const prepare = sqlite.prepare;
  const seen = new Set<string>();
  sqlite.prepare = ((source: string) => {
    seen.add(source);
    return prepare.call(sqlite, source);
  }) as typeof sqlite.prepare;
  try {
    await run();
  } finally {
    sqlite.prepare = prepare;
  }
  return [...seen];
}

/** The plan's lines that read a whole table row by row (a covering index walked in order is not one). */
function tableScans(db: Db, source: string): string[] {
  const count = (source.match(/\?/g) ?? []).length;
  const plan = db.$client.prepare(`EXPLAIN QUERY PLAN ${source}`).all(...Array(count).fill(0)) as {
    detail: string;
  }[];
  return plan.map((p) => p.detail).filter((d) => /^SCAN (?!.*(USING|VIRTUAL TABLE|CONSTANT ROW))/.test(d));
}

describe('the register at scale (issue 15)', () => {
  it('computes the statistics, exports the register and catches up on duties at start-up through indexes, never a scan of a table', async () => {
    const clock = testClock(new Date('2026-06-01T09:00:00Z'));
    const db = openDatabase(':memory:');
    seedReport(db, clock, { title: 'Laptop left on a train' });
    const now = clock.now();
    const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
    const sources = await statementsOf(db, async () => {
      computeStatistics(db, {
        from: new Date('2025-06-01T00:00:00Z'),
        to: now,
        now,
        orgTimeZone: 'Europe/London',
      });
      await exportRegister(db, sink, { format: 'csv' });
      await exportRegister(db, sink, { format: 'json', from: new Date('2026-01-01T00:00:00Z') });
      backfillDuties(db, loadConfig(TEST_ENV), { all: false });
    });
    expect(sources.filter((s) => /from incidents/i.test(s)).length).toBeGreaterThan(5);
    for (const source of sources.filter((s) => /^\s*(select|with)\b/i.test(s)))
      expect(tableScans(db, source), source).toEqual([]);
    closeDatabase(db);
  });
});
