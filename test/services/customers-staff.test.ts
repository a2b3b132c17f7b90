/**
 * Issue 13 item 4: customers and staff are asked and recorded separately. Only customers affected
 * owes them a notice (seed 003 §5.7); either escalates (§5.6). The register and the statistics keep both.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterEach, describe, expect, it } from 'vitest';
import { registerRow } from '../../src/services/export';
import { computeStatistics } from '../../src/services/statistics';
import { createWorld, PEOPLE, testClock, type World } from '../helpers/world';

let running: World | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

describe('customers and staff affected, recorded separately', () => {
  it('exports both answers and counts each in the statistics', async () => {
    const world = await createWorld({ clock: testClock('2026-03-12T10:00:00Z') });
    running = world;
    await world.report(PEOPLE.staff, { customersAffected: 'no', staffAffected: 'yes' });
    await world.report(PEOPLE.staff2, { customersAffected: 'yes', staffAffected: 'yes' });
    await world.report(PEOPLE.staff2, { title: 'Tailgating', customersAffected: 'no', staffAffected: 'no' });
    await world.vigil.outbox.drain();

    expect(registerRow(world.db, 1)).toMatchObject({
      customers_or_staff_affected: 'yes',
      customers_affected: 'no',
      staff_affected: 'yes',
    });
    expect(registerRow(world.db, 3)).toMatchObject({
      customers_or_staff_affected: 'no',
      customers_affected: 'no',
      staff_affected: 'no',
    });
    const stats = computeStatistics(world.db, {
      from: new Date('2026-03-01T00:00:00Z'),
      to: new Date('2026-04-01T00:00:00Z'),
      now: world.clock.now(),
      orgTimeZone: 'Europe/London',
    });
    expect(stats.affected).toEqual({ customers: 1, staff: 2 });
  });
});

describe('migration 0016 (one question split in two)', () => {
  it("keeps an old report's combined answer as the customers' answer; staff is no only when it was no", () => {
    const folder = mkdtempSync(join(tmpdir(), 'vigil-split-migrations-'));
    cpSync(resolve('db/migrations'), folder, { recursive: true });
    const journalPath = join(folder, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
    const split = journal.entries.findIndex((e) => e.tag.endsWith('_customers_staff_split'));
    writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, split) }));
    const sqlite = new Database(':memory:');
    migrate(drizzle(sqlite), { migrationsFolder: folder });
    const at = Date.parse('2026-03-01T09:00:00Z');
    for (const [n, answer] of [
      [1, 'yes'],
      [2, 'no'],
      [3, 'unknown'],
    ] as const)
      sqlite
        .prepare(
          `INSERT INTO incidents (id, reference, year, seq, source, kind, category, title, description, discovered_at,
             aware_at, reported_at, department, reporter_id, created_at, updated_at, customers_or_staff_affected)
           VALUES (?, ?, 2026, ?, 'command', 'incident', 'device_loss', 'Old', 'Old', ?, ?, ?, 'Finance', 'USTAFF1', ?, ?, ?)`,
        )
        .run(n, `INC-2026-000${n}`, n, at, at, at, at, at, answer);
    migrate(drizzle(sqlite), { migrationsFolder: resolve('db/migrations') });
    expect(
      sqlite
        .prepare(
          'SELECT customers_or_staff_affected AS c_or_s, customers_affected AS c, staff_affected AS s FROM incidents ORDER BY id',
        )
        .all(),
    ).toEqual([
      { c_or_s: 'yes', c: 'yes', s: 'unknown' },
      { c_or_s: 'no', c: 'no', s: 'no' },
      { c_or_s: 'unknown', c: 'unknown', s: 'unknown' },
    ]);
    sqlite.close();
  });
});
