import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asc } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { auditKeyPath } from '../../db/audit-key';
import { closeDatabase, type Db, openDatabase } from '../../db/client';
import { incidents } from '../../db/schema';
import { run as backup } from '../../src/cli/backup';
import { UsageError } from '../../src/cli/usage-error';
import { run as verify } from '../../src/cli/verify';
import { slashCommand } from '../../src/local-slack/payloads';
import { verifyAuditTrail } from '../../src/services/verify-audit';
import { seedReport } from '../helpers/seed';
import { createWorld, PEOPLE, testClock, type World } from '../helpers/world';

const clock = testClock('2026-03-10T09:00:00Z');
const saved = { DATABASE_PATH: process.env.DATABASE_PATH, ORG_TIME_ZONE: process.env.ORG_TIME_ZONE };
let dir: string;
let databasePath: string;
let stdout: string[];
const open: Db[] = [];

function openDb(path: string): Db {
  const db = openDatabase(path);
  open.push(db);
  return db;
}

/** A report with a long description, so a few hundred of them fill a few hundred pages. */
function fileReport(db: Db, n: number) {
  clock.advance(60_000);
  return seedReport(db, clock, { title: `Report ${n}`, description: `Detail ${n} `.repeat(250) });
}

const references = (db: Db) =>
  db
    .select({ reference: incidents.reference })
    .from(incidents)
    .orderBy(asc(incidents.id))
    .all()
    .map((r) => r.reference);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-backup-'));
  databasePath = join(dir, 'vigil.db');
  process.env.DATABASE_PATH = databasePath;
  process.env.ORG_TIME_ZONE = 'Europe/London';
  stdout = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk));
    return true;
  });
});

let world: World | undefined;

afterEach(async () => {
  await world?.stop();
  world = undefined;
  vi.restoreAllMocks();
  process.exitCode = undefined;
  for (const db of open.splice(0)) closeDatabase(db);
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

describe('npm run vigil -- backup', () => {
  it('copies the database while another connection keeps filing reports', async () => {
    const writer = openDb(databasePath);
    for (let n = 1; n <= 300; n++) fileReport(writer, n);
    const target = join(dir, 'backups', 'nightly', 'vigil-copy.db');

    let finished = false;
    const copying = backup([target]).finally(() => {
      finished = true;
    });
    // Between every step of the copy, the "app" commits another report.
    let during = 0;
    while (!finished) {
      fileReport(writer, 1000 + during++);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await copying;
    expect(during).toBeGreaterThan(2);

    const [line] = stdout;
    const match = /^backup written to (.+) \((\d+) pages, (\d+) bytes\)\n$/.exec(line ?? '');
    expect(match?.[1]).toBe(target);
    const pages = Number(match?.[2]);
    expect(pages).toBeGreaterThan(100); // more than one step of the copy
    expect(Number(match?.[3])).toBe(statSync(target).size);

    // Every report committed before the copy finished is in it, with an intact audit trail.
    const existing = references(writer);
    // The key is kept apart from the database; the copy is checked with it.
    copyFileSync(auditKeyPath(databasePath), auditKeyPath(target));
    const copy = openDb(target);
    expect(references(copy)).toEqual(existing);
    expect(existing).toHaveLength(300 + during);
    expect(verifyAuditTrail(copy)).toMatchObject({ ok: true, events: existing.length });
  });

  it('restores to a file a running app serves: incidents are found and numbering continues', async () => {
    const writer = openDb(databasePath);
    for (let n = 1; n <= 5; n++) fileReport(writer, n);
    const target = join(dir, 'vigil-backup.db');
    await backup([target]);
    closeDatabase(writer);

    // Restoring is copying the backup into place; the app is started on it.
    const restored = join(dir, 'restored', 'vigil.db');
    mkdirSync(join(dir, 'restored'));
    copyFileSync(target, restored);
    // The audit key is not in the backup: without it the restored trail cannot be extended.
    expect(() => openDatabase(restored)).toThrow(/written with an audit key, but there is none/);
    copyFileSync(auditKeyPath(databasePath), auditKeyPath(restored));
    world = await createWorld({ databasePath: restored, clock: testClock('2026-03-11T09:00:00Z') });
    const res = await world.slack.command(
      slashCommand({
        command: '/incident',
        text: 'INC-2026-0004',
        userId: PEOPLE.siro,
        triggerId: world.fake.issueTrigger(PEOPLE.siro),
        responseUrl: world.fake.responseUrl(),
      }),
    );
    expect(res.status).toBe(200);
    const shown = JSON.stringify(res.json());
    expect(shown).toContain('INC-2026-0004 · Report 4');
    expect(shown).toContain('Detail 4');
    await world.report(PEOPLE.staff);
    expect(references(world.db)).toEqual([
      'INC-2026-0001',
      'INC-2026-0002',
      'INC-2026-0003',
      'INC-2026-0004',
      'INC-2026-0005',
      'INC-2026-0006',
    ]);
    expect(verifyAuditTrail(world.db)).toMatchObject({ ok: true, events: 6 });
  });

  it('refuses to overwrite an existing file, and leaves it as it was', async () => {
    closeDatabase(openDatabase(databasePath));
    const target = join(dir, 'precious.db');
    writeFileSync(target, 'yesterday’s backup');
    await expect(backup([target])).rejects.toThrow(`${target} already exists; refusing to overwrite it`);
    expect(readFileSync(target, 'utf8')).toBe('yesterday’s backup');
    expect(stdout).toEqual([]);
  });

  it('refuses the live database itself as the target', async () => {
    const db = openDb(databasePath);
    fileReport(db, 1);
    await expect(backup([databasePath])).rejects.toThrow(/already exists/);
    expect(references(db)).toHaveLength(1);
  });

  it('answers a missing or extra file name with usage', async () => {
    await expect(backup([])).rejects.toThrow(UsageError);
    await expect(backup([join(dir, 'a.db'), join(dir, 'b.db')])).rejects.toThrow(UsageError);
    await expect(backup(['--force', join(dir, 'a.db')])).rejects.toMatchObject({
      code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION',
    });
    expect(existsSync(join(dir, 'a.db'))).toBe(false);
  });

  it('does not back up an empty database made up at a mistyped DATABASE_PATH', async () => {
    process.env.DATABASE_PATH = join(dir, 'vigil-typo.db');
    await expect(backup([join(dir, 'copy.db')])).rejects.toThrow(/no database at .*vigil-typo\.db/);
    expect(existsSync(join(dir, 'vigil-typo.db'))).toBe(false);
    expect(existsSync(join(dir, 'copy.db'))).toBe(false);
  });
});

describe('the database file', () => {
  it('is opened in WAL mode, synced at every commit, with foreign keys and a busy timeout', () => {
    const db = openDb(databasePath);
    expect(db.$client.pragma('journal_mode', { simple: true })).toBe('wal');
    // 2 = FULL: a reference shown to a reporter survives a power cut, not only a crash.
    expect(db.$client.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.$client.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.$client.pragma('busy_timeout', { simple: true })).toBe(5000);
  });
});

describe('npm run vigil -- verify', () => {
  it('prints the intact line and leaves the exit code at 0', async () => {
    const db = openDb(databasePath);
    for (let n = 1; n <= 3; n++) fileReport(db, n);
    await verify([]);
    expect(stdout).toEqual([
      'audit trail intact: 3 events; the register matches it (3 incidents); no checkpoint to check against yet\n',
    ]);
    expect(process.exitCode ?? 0).toBe(0);
  });

  it('names the broken event and its incident, exits 1 and prints no content', async () => {
    const db = openDb(databasePath);
    for (let n = 1; n <= 3; n++) fileReport(db, n);
    db.$client.exec('DROP TRIGGER incident_events_no_update');
    db.$client
      .prepare('UPDATE incident_events SET summary = ? WHERE id = 2')
      .run('Reported by <@UNOBODY> (nobody)');
    await verify([]);
    expect(stdout).toEqual([
      'audit trail NOT intact: 2 problems in 3 events; no checkpoint to check against yet\n' +
        "  trigger incident_events_no_update: missing: incident_events can be changed without a trace (dropped behind Vigil's back)\n" +
        '  event 2 (INC-2026-0002): its hash does not match its content under the audit key (edited, forged, or written without the key)\n',
    ]);
    expect(process.exitCode).toBe(1);
  });

  it('takes no arguments and does not invent a database', async () => {
    await expect(verify(['extra'])).rejects.toMatchObject({ code: 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL' });
    await expect(verify([])).rejects.toThrow(/no database at/);
    expect(existsSync(databasePath)).toBe(false);
    expect(stdout).toEqual([]);
  });
});
