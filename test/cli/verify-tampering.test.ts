import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { closeDatabase, type Db, openDatabase } from '../../db/client';
import { run as verify } from '../../src/cli/verify';
import { takeCheckpoint } from '../../src/services/checkpoints';
import { seedReport } from '../helpers/seed';
import {
  dropGuards,
  forgeAppendedEvent,
  recomputeChainPublicly,
  restoreGuards,
  storedEvents,
  tamper,
} from '../helpers/tamper';
import { testClock } from '../helpers/world';

/**
 * Each tampering the hostile test did to the database, run through `npm run vigil -- verify` as an
 * operator would: the command names the event and its reference, and exits 1.
 */
const clock = testClock('2026-03-10T09:00:00Z');
const saved = process.env.DATABASE_PATH;
let dir: string;
let databasePath: string;
let stdout: string;
let db: Db;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-verify-'));
  databasePath = join(dir, 'vigil.db');
  process.env.DATABASE_PATH = databasePath;
  stdout = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  clock.set('2026-03-10T09:00:00Z');
  db = openDatabase(databasePath);
  for (let n = 1; n <= 4; n++) {
    clock.advance(60_000);
    seedReport(db, clock, { title: `Report ${n}` });
  }
});

afterEach(() => {
  closeDatabase(db);
  vi.restoreAllMocks();
  process.exitCode = undefined;
  if (saved === undefined) delete process.env.DATABASE_PATH;
  else process.env.DATABASE_PATH = saved;
});

async function verdict(...args: string[]): Promise<{ exitCode: number; lines: string[] }> {
  stdout = '';
  await verify(args);
  return { exitCode: Number(process.exitCode ?? 0), lines: stdout.trimEnd().split('\n') };
}

const checkpoint = () => takeCheckpoint({ db, clock }, 'closure');
const KEYED =
  'its hash does not match its content under the audit key (edited, forged, or written without the key)';

describe('npm run vigil -- verify finds', () => {
  it('nothing in an intact register, and says which checkpoint it compared with', async () => {
    checkpoint();
    const { exitCode, lines } = await verdict();
    expect(exitCode).toBe(0);
    expect(lines).toEqual([
      `audit trail intact: 4 events; checked against 1 checkpoint, the newest of 2026-03-10T09:04:00.000Z: 4 events through event 4 (${databasePath}.checkpoints line 1, database checkpoint 1)`,
    ]);
  });

  it('a forged event appended to the end', async () => {
    forgeAppendedEvent(db, {
      incidentId: 3,
      at: clock.now(),
      actorId: 'USIRO',
      type: 'notification_recorded',
      after: { kind: 'regulator', status: 'done' },
      summary: 'The regulator was notified.',
    });
    expect(await verdict()).toEqual({
      exitCode: 1,
      lines: [
        'audit trail NOT intact: 1 problem in 5 events; no checkpoint to check against yet',
        `  event 5 (INC-2026-0003): ${KEYED}`,
      ],
    });
  });

  it('a chain recomputed end to end with the public SHA-256 formula', async () => {
    recomputeChainPublicly(db, (e) => (e.id === 2 ? { ...e, actor_id: 'UFORGER' } : e));
    const { exitCode, lines } = await verdict();
    expect(exitCode).toBe(1);
    expect(lines.slice(1)).toEqual([1, 2, 3, 4].map((n) => `  event ${n} (INC-2026-000${n}): ${KEYED}`));
  });

  it('an edited event', async () => {
    tamper(db, `UPDATE incident_events SET after = json_set(after, '$.department', 'HR') WHERE id = 2`);
    expect(await verdict()).toEqual({
      exitCode: 1,
      lines: [
        'audit trail NOT intact: 1 problem in 4 events; no checkpoint to check against yet',
        `  event 2 (INC-2026-0002): ${KEYED}`,
      ],
    });
  });

  it('a deleted tail, from SQLite’s own record of the ids it gave out', async () => {
    tamper(db, 'DELETE FROM incident_events WHERE id >= 3');
    expect(await verdict()).toEqual({
      exitCode: 1,
      lines: [
        'audit trail NOT intact: 1 problem in 2 events; no checkpoint to check against yet',
        '  after event 2: event ids up to 4 were given out, but the trail ends at event 2: events at its end were deleted',
      ],
    });
  });

  it('a deleted tail whose traces were cleaned up, from the last checkpoint', async () => {
    checkpoint();
    tamper(db, 'DELETE FROM incident_events WHERE id >= 3');
    db.$client.prepare("UPDATE sqlite_sequence SET seq = 2 WHERE name = 'incident_events'").run();
    db.$client.prepare('DELETE FROM audit_checkpoints').run();
    expect(await verdict()).toEqual({
      exitCode: 1,
      lines: [
        `audit trail NOT intact: 1 problem in 2 events; checked against 1 checkpoint, the newest of 2026-03-10T09:04:00.000Z: 4 events through event 4 (${databasePath}.checkpoints line 1)`,
        `  checkpoint of 2026-03-10T09:04:00.000Z (${databasePath}.checkpoints line 1): it counted 4 events up to event 4, but the trail ends at event 2 with 2: events at its end were deleted (truncated)`,
      ],
    });
  });

  it('a deleted tail even when the checkpoint file lost its last lines too, from a copy of the Slack thread', async () => {
    checkpoint();
    const copy = join(dir, 'from-slack.jsonl');
    writeFileSync(copy, readFileSync(`${databasePath}.checkpoints`));
    clock.advance(60_000);
    seedReport(db, clock, { title: 'Report 5' });
    checkpoint();
    appendFileSync(copy, readFileSync(`${databasePath}.checkpoints`, 'utf8').split('\n')[1] ?? '');
    // The attacker deletes the last report's event, the newest checkpoint line and every trace.
    tamper(db, 'DELETE FROM incident_events WHERE id = 5');
    db.$client.prepare("UPDATE sqlite_sequence SET seq = 4 WHERE name = 'incident_events'").run();
    db.$client.prepare('DELETE FROM audit_checkpoints').run();
    writeFileSync(`${databasePath}.checkpoints`, `${readFileSync(copy, 'utf8').split('\n')[0]}\n`);
    expect((await verdict()).exitCode).toBe(0);
    const { exitCode, lines } = await verdict('--checkpoints', copy);
    expect(exitCode).toBe(1);
    expect(lines[1]).toBe(
      `  checkpoint of 2026-03-10T09:05:00.000Z (${copy} line 2): it counted 5 events up to event 5, but the trail ends at event 4 with 4: events at its end were deleted (truncated)`,
    );
  });

  it('an event with an id of zero or below', async () => {
    dropGuards(db);
    forgeAppendedEvent(db, {
      id: 0,
      incidentId: 2,
      at: clock.now(),
      actorId: 'USIRO',
      type: 'notification_recorded',
      after: { kind: 'regulator', status: 'done' },
      summary: 'The regulator was notified.',
    });
    restoreGuards(db);
    expect((await verdict()).lines).toEqual([
      'audit trail NOT intact: 3 problems in 5 events; no checkpoint to check against yet',
      '  event 0 (INC-2026-0002): its id is not positive: Vigil never writes such an event (inserted behind its back)',
      `  event 0 (INC-2026-0002): ${KEYED}`,
      '  event 1 (INC-2026-0001): it does not chain onto event 0 before it (an event deleted, inserted or rewritten)',
    ]);
    expect(process.exitCode).toBe(1);
  });

  it('a dropped trigger', async () => {
    db.$client.exec('DROP TRIGGER incident_events_no_delete');
    expect(await verdict()).toEqual({
      exitCode: 1,
      lines: [
        'audit trail NOT intact: 1 problem in 4 events; no checkpoint to check against yet',
        "  trigger incident_events_no_delete: missing: incident_events can be changed without a trace (dropped behind Vigil's back)",
      ],
    });
  });

  it('a rewound reference counter', async () => {
    db.$client.prepare('UPDATE reference_counters SET last_seq = 2').run();
    expect(await verdict()).toEqual({
      exitCode: 1,
      lines: [
        'audit trail NOT intact: 1 problem in 4 events; no checkpoint to check against yet',
        '  reference counter 2026: at 2, but INC-2026-0004 exists: the next report would reuse a reference (rewound?)',
      ],
    });
  });

  it('a trail passed off as written before the key, from the checkpoint it no longer matches', async () => {
    checkpoint();
    // Everything re-chained with the public formula, and the boundary moved to cover it.
    recomputeChainPublicly(db, (e) => (e.id === 2 ? { ...e, actor_id: 'UFORGER' } : e));
    tamper(db, 'UPDATE audit_chain SET legacy_through = 4');
    const { exitCode, lines } = await verdict();
    expect(exitCode).toBe(1);
    expect(lines.slice(1)).toEqual([
      `  checkpoint of 2026-03-10T09:04:00.000Z (${databasePath}.checkpoints line 1): event 4 no longer has the hash it recorded: the trail was rewritten since`,
    ]);
  });

  it('a checkpoint line made up without the key, and a deleted checkpoint file', async () => {
    checkpoint();
    const line = readFileSync(`${databasePath}.checkpoints`, 'utf8').trim();
    appendFileSync(`${databasePath}.checkpoints`, `${line.replace('"events":4', '"events":2')}\nnot json\n`);
    expect((await verdict()).lines.slice(1)).toEqual([
      `  ${databasePath}.checkpoints line 2: not signed with this audit key (forged, or from another database)`,
      `  ${databasePath}.checkpoints line 3: not a checkpoint (damaged or edited)`,
    ]);
    rmSync(`${databasePath}.checkpoints`);
    expect((await verdict()).lines.slice(1)).toEqual([
      `  ${databasePath}.checkpoints: missing, though 1 checkpoint was taken (deleted?)`,
    ]);
  });

  it('a database opened without its key: nothing to check it with, said plainly', async () => {
    closeDatabase(db);
    rmSync(`${databasePath}.audit-key`);
    await expect(verify([])).rejects.toThrow(/written with an audit key, but there is none/);
    db = openDatabase(':memory:');
    expect(storedEvents(db)).toEqual([]);
  });
});
