import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditKeyError, auditKeyPath } from '../../db/audit-key';
import { closeDatabase, type Db, openDatabase } from '../../db/client';
import { assertAuditKeyFits } from '../../src/services/audit-key-check';
import { verifyAuditTrail } from '../../src/services/verify-audit';
import { legacyDatabase } from '../helpers/legacy-database';
import { seedReport } from '../helpers/seed';
import { recomputeChainPublicly, storedEvents } from '../helpers/tamper';
import { testClock } from '../helpers/world';

const clock = testClock('2026-03-10T09:00:00Z');
let dir: string;
let path: string;
const open: Db[] = [];

function openDb(opts: { auditKey?: string } = {}): Db {
  const db = openDatabase(path, opts);
  open.push(db);
  return db;
}
function closeAll(): void {
  for (const db of open.splice(0)) closeDatabase(db);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-key-'));
  path = join(dir, 'vigil.db');
});
afterEach(closeAll);

const problems = (db: Db) => verifyAuditTrail(db).problems.map((p) => `${p.where}: ${p.what}`);
const hexKey = () => randomBytes(32).toString('hex');

describe('the audit key', () => {
  it('is made on first use beside the database, readable by its owner only, and kept', () => {
    const db = openDb();
    const keyFile = auditKeyPath(path);
    expect(keyFile).toBe(`${path}.audit-key`);
    expect(readFileSync(keyFile, 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    seedReport(db, clock);
    closeAll();
    // Reopened, the same key checks the events written with it.
    const again = openDb();
    seedReport(again, clock);
    expect(verifyAuditTrail(again)).toMatchObject({ ok: true, events: 2, legacyEvents: 0 });
  });

  it('is never stored in the database', () => {
    const db = openDb();
    seedReport(db, clock);
    closeAll();
    const key = readFileSync(auditKeyPath(path), 'utf8').trim();
    const bytes = Buffer.concat([
      readFileSync(path),
      existsSync(`${path}-wal`) ? readFileSync(`${path}-wal`) : Buffer.alloc(0),
    ]);
    expect(bytes.includes(Buffer.from(key))).toBe(false);
    expect(bytes.includes(Buffer.from(key, 'hex'))).toBe(false);
  });

  it('comes from AUDIT_KEY when set: no file is made, and another key proves nothing', () => {
    const key = hexKey();
    const db = openDb({ auditKey: key });
    expect(existsSync(auditKeyPath(path))).toBe(false);
    seedReport(db, clock);
    seedReport(db, clock);
    closeAll();
    expect(verifyAuditTrail(openDb({ auditKey: key }))).toMatchObject({ ok: true, events: 2 });
    expect(problems(openDb({ auditKey: hexKey() }))).toEqual([
      'event 1 (INC-2026-0001): its hash does not match its content under the audit key (edited, forged, or written without the key)',
      'event 2 (INC-2026-0002): its hash does not match its content under the audit key (edited, forged, or written without the key)',
    ]);
  });

  it('is not made up for a trail already written with a key: the lost key is named instead', () => {
    const db = openDb({ auditKey: hexKey() });
    seedReport(db, clock);
    closeAll();
    expect(() => openDb()).toThrow(AuditKeyError);
    expect(() => openDb()).toThrow(
      `the audit trail was written with an audit key, but there is none: no AUDIT_KEY and no ${auditKeyPath(path)}`,
    );
    expect(existsSync(auditKeyPath(path))).toBe(false);
  });

  it('refuses a malformed or unreadable key file with a message that says what to do', () => {
    closeDatabase(openDatabase(path));
    writeFileSync(auditKeyPath(path), 'not a key\n');
    expect(() => openDb()).toThrow(
      `the audit key file ${auditKeyPath(path)} is malformed (expected 64 hex characters): restore it from your copy, or set AUDIT_KEY`,
    );
    const other = join(dir, 'other.db');
    mkdirSync(auditKeyPath(other));
    expect(() => openDatabase(other)).toThrow(
      /cannot read the audit key file .*other\.db\.audit-key \(EISDIR\)/,
    );
    expect(() => openDb({ auditKey: 'abc' })).toThrow('AUDIT_KEY must be 64 hex characters');
  });

  it('must fit the trail at start-up: a wrong key is refused before Vigil writes under it', () => {
    const key = hexKey();
    const db = openDb({ auditKey: key });
    expect(() => assertAuditKeyFits(db)).not.toThrow();
    seedReport(db, clock);
    expect(() => assertAuditKeyFits(db)).not.toThrow();
    closeAll();
    expect(() => assertAuditKeyFits(openDb({ auditKey: hexKey() }))).toThrow(
      /the audit key does not fit the audit trail: its newest event \(1\) was not written with it/,
    );
  });
});

describe('a database from before the key', () => {
  it('keeps its events, checked with the public formula, and the first keyed event chains onto them', () => {
    legacyDatabase(path, 3);
    const db = openDb();
    expect(db.$client.prepare('SELECT legacy_through FROM audit_chain').pluck().get()).toBe(3);
    expect(() => assertAuditKeyFits(db)).not.toThrow();
    seedReport(db, clock);
    const events = storedEvents(db);
    expect(events.map((e) => e.id)).toEqual([1, 2, 3, 4]);
    expect(events[3]?.prev_hash).toBe(events[2]?.hash);
    expect(verifyAuditTrail(db)).toMatchObject({ ok: true, events: 4, legacyEvents: 3 });
  });

  it('pins the old events with the first keyed one: rewriting them with the public formula shows', () => {
    legacyDatabase(path, 3);
    const db = openDb();
    seedReport(db, clock);
    // An attacker rewrites event 2 and re-chains the public part; the keyed event 4 cannot follow.
    recomputeChainPublicly(db, (e) => (e.id === 2 ? { ...e, actor_id: 'UFORGER' } : e), 3);
    expect(problems(db)).toEqual([
      'event 4 (INC-2026-0004): it does not chain onto event 3 before it (an event deleted, inserted or rewritten)',
    ]);
    // Re-chaining event 4 as well needs the key.
    recomputeChainPublicly(db, (e) => (e.id === 2 ? { ...e, actor_id: 'UFORGER' } : e));
    expect(problems(db)).toEqual([
      'event 4 (INC-2026-0004): its hash does not match its content under the audit key (edited, forged, or written without the key)',
    ]);
  });

  it('records where the key starts once: moving the boundary is refused by the database', () => {
    legacyDatabase(path, 2);
    const db = openDb();
    expect(() => db.$client.prepare('UPDATE audit_chain SET legacy_through = 10').run()).toThrow(/fixed/);
    expect(() => db.$client.prepare('DELETE FROM audit_chain').run()).toThrow(/fixed/);
  });
});
