import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { GENESIS_HASH, publicEventHash } from '../../src/domain/audit';

/** The last migration before the audit key (0008 introduced it). */
const BEFORE_KEY = 7;

/**
 * A database as Vigil left it before the chain was keyed: migrated up to 0007, with `count` reports
 * whose events were hashed with the public formula. Opening it with today's openDatabase runs the
 * key's migration on it, as an upgrade would.
 */
export function legacyDatabase(path: string, count: number): void {
  const folder = mkdtempSync(join(tmpdir(), 'vigil-legacy-migrations-'));
  cpSync(resolve('db/migrations'), folder, { recursive: true });
  const journalPath = join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { idx: number }[] };
  journal.entries = journal.entries.filter((e) => e.idx <= BEFORE_KEY);
  writeFileSync(journalPath, JSON.stringify(journal));

  const sqlite = new Database(path);
  migrate(drizzle(sqlite), { migrationsFolder: folder });
  const at = Date.parse('2026-03-01T09:00:00Z');
  let prev = GENESIS_HASH;
  for (let n = 1; n <= count; n++) {
    const reference = `INC-2026-${String(n).padStart(4, '0')}`;
    sqlite
      .prepare(
        `INSERT INTO incidents (id, reference, year, seq, source, kind, category, title, description, discovered_at,
           aware_at, reported_at, department, reporter_id, created_at, updated_at)
         VALUES (?, ?, 2026, ?, 'command', 'incident', 'device_loss', ?, 'Legacy detail', ?, ?, ?, 'Finance', 'USTAFF1', ?, ?)`,
      )
      .run(n, reference, n, `Legacy report ${n}`, at, at, at, at, at);
    const event = {
      incidentId: n,
      at: new Date(at + n),
      actorId: 'USTAFF1',
      type: 'reported',
      before: null,
      after: { reference },
      summary: 'Reported by <@USTAFF1> (/report-incident)',
    };
    const hash = publicEventHash(prev, event);
    sqlite
      .prepare(
        'INSERT INTO incident_events (incident_id, at, actor_id, type, before, after, summary, prev_hash, hash) VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?)',
      )
      .run(
        n,
        event.at.getTime(),
        event.actorId,
        event.type,
        JSON.stringify(event.after),
        event.summary,
        prev,
        hash,
      );
    prev = hash;
  }
  sqlite.prepare('INSERT INTO reference_counters (year, last_seq) VALUES (2026, ?)').run(count);
  sqlite.close();
}
