import { createHmac, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type Database from 'better-sqlite3';

/**
 * The audit chain's key. It is never stored in the database: whoever holds only the database file
 * cannot compute an event's hash, so cannot append, edit or re-chain events without it showing.
 */

/** The SQL function the connection gets; `directOnly`, so no trigger or view in the file can call it. */
export const AUDIT_MAC_FUNCTION = 'vigil_audit_mac';

const KEY_TEXT = /^[0-9a-fA-F]{64}$/;

export class AuditKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditKeyError';
  }
}

/** `<DATABASE_PATH>.audit-key`: beside the database, so a backup plan that forgets it is visible. */
export const auditKeyPath = (databasePath: string): string => `${resolve(databasePath)}.audit-key`;

/** The key as AUDIT_KEY or the key file gives it: 64 hex characters (32 bytes). */
export function parseAuditKey(text: string): Buffer | null {
  const t = text.trim();
  return KEY_TEXT.test(t) ? Buffer.from(t, 'hex') : null;
}

/**
 * The key for this database: AUDIT_KEY if set; a fresh one for a private `:memory:` database; else
 * the key file beside the database, created on first use. A key is never made up for a chain that
 * already has keyed events: that would only hide that the real key is missing.
 */
export function resolveAuditKey(
  sqlite: Database.Database,
  databasePath: string,
  configured?: string,
): Buffer {
  if (configured !== undefined) {
    const key = parseAuditKey(configured);
    if (!key)
      throw new AuditKeyError('AUDIT_KEY must be 64 hex characters (e.g. from `openssl rand -hex 32`)');
    return key;
  }
  if (databasePath === ':memory:') return randomBytes(32);
  const path = auditKeyPath(databasePath);
  const existing = readKeyFile(path);
  if (existing) return existing;
  if (hasKeyedEvents(sqlite))
    throw new AuditKeyError(
      `the audit trail was written with an audit key, but there is none: no AUDIT_KEY and no ${path}. ` +
        'Restore the key file from your copy (or set AUDIT_KEY to it); a new key would not prove anything.',
    );
  return createKeyFile(path);
}

/** Makes the key available to SQL on this connection only (the database file never sees it). */
export function registerAuditKey(sqlite: Database.Database, key: Buffer): void {
  sqlite.function(AUDIT_MAC_FUNCTION, { deterministic: true, directOnly: true }, (text: unknown) =>
    createHmac('sha256', key).update(String(text)).digest('hex'),
  );
}

function readKeyFile(path: string): Buffer | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    throw new AuditKeyError(
      `cannot read the audit key file ${path} (${code ?? String(err)}): give the user running Vigil read access, or set AUDIT_KEY`,
    );
  }
  const key = parseAuditKey(text);
  if (!key)
    throw new AuditKeyError(
      `the audit key file ${path} is malformed (expected 64 hex characters): restore it from your copy, or set AUDIT_KEY`,
    );
  return key;
}

/**
 * Writes a new key readable by its owner only. Written beside the target and linked into place,
 * so a second process starting at the same moment reads the one key that won, never half of one.
 */
function createKeyFile(path: string): Buffer {
  const key = randomBytes(32);
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temporary, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  const fd = openSync(temporary, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temporary, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const theirs = readKeyFile(path);
    if (!theirs) throw err;
    return theirs;
  } finally {
    rmSync(temporary, { force: true });
  }
  syncDirectory(dirname(path));
  return key;
}

/** The new name is durable only once its folder is synced. */
function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Whether any event was hashed with a key (after the boundary the migration recorded). */
function hasKeyedEvents(sqlite: Database.Database): boolean {
  const row = sqlite
    .prepare(
      'SELECT (SELECT max(id) FROM incident_events) AS last, (SELECT legacy_through FROM audit_chain WHERE id = 1) AS legacy',
    )
    .get() as { last: number | null; legacy: number | null };
  if (row.last === null) return false;
  // Without the boundary record nothing says which events were public: assume a key was used.
  return row.legacy === null || row.last > row.legacy;
}
