import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { registerAuditKey, resolveAuditKey } from './audit-key';
import { flushGroupCommit } from './group-commit';
import * as schema from './schema';
import { cacheStatements } from './statement-cache';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

const migrationsFolder = resolve(dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface OpenOptions {
  /** AUDIT_KEY as configured; without it, the key file beside the database (created on first use). */
  auditKey?: string;
}

/**
 * Opens (creating if needed) and migrates the database, and gives this connection the audit key
 * (see audit-key.ts). `:memory:` gives a private test database with a key of its own.
 */
export function openDatabase(path: string, opts: OpenOptions = {}): Db {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  // FULL syncs the WAL at every commit: a reference shown to a reporter survives a power cut, not
  // only a crash. Measured: about 4 ms more per report on this machine's disk (median 4 → 9 ms).
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder });
  try {
    registerAuditKey(sqlite, resolveAuditKey(sqlite, path, opts.auditKey));
  } catch (err) {
    sqlite.close();
    throw err;
  }
  cacheStatements(sqlite);
  return db;
}

export function closeDatabase(db: Db): void {
  if (!db.$client.open) return;
  flushGroupCommit(db);
  db.$client.close();
}
