import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { closeDatabase, type Db, openDatabase } from '../../db/client';
import { run as verify } from '../../src/cli/verify';
import { loadConfig } from '../../src/config';
import { addAction } from '../../src/domain/add-action';
import { markResolved, submitCausalAnalysis } from '../../src/domain/follow-through';
import { actorFor } from '../../src/domain/roles';
import { triageIncident } from '../../src/domain/triage';
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
import { PEOPLE, TEST_ENV, testClock } from '../helpers/world';

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
      `audit trail intact: 4 events; the register matches it (4 incidents); checked against 1 checkpoint, the newest of 2026-03-10T09:04:00.000Z: 4 events through event 4 (${databasePath}.checkpoints line 1, database checkpoint 1)`,
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
        'audit trail NOT intact: 3 problems in 2 events; no checkpoint to check against yet',
        '  after event 2: event ids up to 4 were given out, but the trail ends at event 2: events at its end were deleted',
        '  INC-2026-0003: in the register but not in the audit trail: no event records it (added behind Vigil’s back)',
        '  INC-2026-0004: in the register but not in the audit trail: no event records it (added behind Vigil’s back)',
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
        `audit trail NOT intact: 3 problems in 2 events; checked against 1 checkpoint, the newest of 2026-03-10T09:04:00.000Z: 4 events through event 4 (${databasePath}.checkpoints line 1)`,
        `  checkpoint of 2026-03-10T09:04:00.000Z (${databasePath}.checkpoints line 1): it counted 4 events up to event 4, but the trail ends at event 2 with 2: events at its end were deleted (truncated)`,
        '  INC-2026-0003: in the register but not in the audit trail: no event records it (added behind Vigil’s back)',
        '  INC-2026-0004: in the register but not in the audit trail: no event records it (added behind Vigil’s back)',
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
    // The attacker deletes the last report with its event, the newest checkpoint line and every trace.
    tamper(db, 'DELETE FROM incident_events WHERE id = 5');
    db.$client.pragma('foreign_keys = OFF');
    for (const table of ['notifications', 'outbox', 'incidents'])
      db.$client
        .prepare(`DELETE FROM ${table} WHERE ${table === 'incidents' ? 'id' : 'incident_id'} = 5`)
        .run();
    db.$client.prepare('UPDATE reference_counters SET last_seq = 4').run();
    db.$client.pragma('foreign_keys = ON');
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

  it('a dropped trigger of the evidence register', async () => {
    db.$client.exec('DROP TRIGGER evidence_no_update');
    expect(await verdict()).toEqual({
      exitCode: 1,
      lines: [
        'audit trail NOT intact: 1 problem in 4 events; no checkpoint to check against yet',
        "  trigger evidence_no_update: missing: evidence can be changed without a trace (dropped behind Vigil's back)",
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

describe('npm run vigil -- verify replays the trail against the register, and finds', () => {
  const config = loadConfig(TEST_ENV);
  const ctx = () => ({ db, clock, config });
  const as = (id: string, security = false) => actorFor(config, id, security);
  const ref = 'INC-2026-0005';
  let id: number;

  /** A fifth report worked through triage, an action, resolution and a causal analysis. */
  beforeEach(() => {
    clock.advance(60_000);
    id = seedReport(db, clock, { title: 'Payroll file emailed out', personalData: 'yes' }).id;
    clock.advance(60_000);
    triageIncident(
      ctx(),
      as(PEOPLE.siro, true),
      { incidentId: id },
      {
        outcome: 'incident',
        rationale: 'Payroll data left the organisation',
        duplicateOf: null,
        severity: 'high',
        priority: 'P2',
        awareAt: clock.now(),
        facts: [],
      },
    );
    addAction(
      ctx(),
      as(PEOPLE.siro, true),
      { incidentId: id },
      { kind: 'corrective', description: 'Recall the email', ownerId: PEOPLE.staff2, dueAt: null },
    );
    markResolved(
      ctx(),
      as(PEOPLE.hodFinance),
      { incidentId: id },
      { restoredAt: clock.now(), how: 'Recalled' },
    );
    submitCausalAnalysis(
      ctx(),
      as(PEOPLE.hodFinance),
      { incidentId: id },
      {
        rootCause: 'Autocomplete',
        contributingFactors: null,
        technicalMeasures: 'Turn it off',
        administrativeMeasures: null,
        costAndResources: 'None',
      },
    );
  });

  const problems = async () => {
    const { exitCode, lines } = await verdict();
    expect(exitCode).toBe(1);
    return lines.slice(1);
  };
  const lastEventOf = (incidentId: number) =>
    Number(
      db.$client
        .prepare('SELECT max(id) FROM incident_events WHERE incident_id = ?')
        .pluck(true)
        .get(incidentId),
    );
  const edited = (field: string, is: string, was: string) =>
    `  ${ref}: ${field} is "${is}" in the register, but "${was}" in the trail (event ${lastEventOf(id)}): changed without an audit event`;

  it('nothing when every row is as the trail left it', async () => {
    expect(await verdict()).toEqual({
      exitCode: 0,
      lines: [
        'audit trail intact: 9 events; the register matches it (5 incidents); no checkpoint to check against yet',
      ],
    });
  });

  it('an incident’s status, severity and IRM edited in the register', async () => {
    db.$client
      .prepare("UPDATE incidents SET status = 'closed', severity = 'low', irm_id = 'UFORGER' WHERE id = ?")
      .run(id);
    expect(await problems()).toEqual([
      edited('status', 'closed', 'resolved'),
      edited('severity', 'low', 'high'),
      `  ${ref}: IRM is "UFORGER" in the register, but "${PEOPLE.hodFinance}" in the trail (event ${lastEventOf(id)}): changed without an audit event`,
    ]);
  });

  it('a regulator notification marked done without an event', async () => {
    db.$client
      .prepare(
        "UPDATE notifications SET status = 'done', done_by = 'USIRO', done_at = 0 WHERE incident_id = ? AND kind = 'regulator'",
      )
      .run(id);
    expect(await problems()).toEqual([edited('notification to the regulator', 'done', 'pending')]);
  });

  it('an action’s state edited, and an action added behind Vigil’s back', async () => {
    db.$client.prepare("UPDATE actions SET status = 'done' WHERE incident_id = ?").run(id);
    const action = Number(
      db.$client.prepare('SELECT id FROM actions WHERE incident_id = ?').pluck(true).get(id),
    );
    db.$client
      .prepare(
        "INSERT INTO actions (incident_id, kind, description, owner_id, status, created_by, created_at) VALUES (?, 'corrective', 'Made up', 'USTAFF2', 'done', 'USIRO', 0)",
      )
      .run(id);
    expect(await problems()).toEqual([
      edited(`action ${action}`, 'done', 'open'),
      `  ${ref}: action ${action + 1} is in the register but not in the trail: added without an audit event`,
    ]);
  });

  it('a review’s decision edited, and a review deleted', async () => {
    const review = Number(
      db.$client.prepare('SELECT id FROM reviews WHERE incident_id = ?').pluck(true).get(id),
    );
    db.$client
      .prepare("UPDATE reviews SET decision = 'approved', decided_by = 'USIRO' WHERE id = ?")
      .run(review);
    expect(await problems()).toEqual([edited(`review ${review}`, 'approved', 'pending')]);
    db.$client.prepare('DELETE FROM reviews WHERE id = ?').run(review);
    expect(await problems()).toEqual([
      `  ${ref}: review ${review} is in the trail (event ${lastEventOf(id)}) but not in the register: deleted`,
    ]);
  });

  it('a whole incident deleted from the register, and one that has no events', async () => {
    db.$client.pragma('foreign_keys = OFF');
    for (const table of ['notifications', 'actions', 'reviews', 'outbox', 'message_duties', 'duty_messages'])
      db.$client.prepare(`DELETE FROM ${table} WHERE incident_id = ?`).run(id);
    db.$client.prepare('DELETE FROM incidents WHERE id = ?').run(id);
    db.$client
      .prepare(
        "INSERT INTO incidents (reference, year, seq, source, kind, category, title, description, discovered_at, aware_at, reported_at, department, reporter_id, status, created_at, updated_at) VALUES ('INC-2026-0006', 2026, 6, 'command', 'incident', 'device_loss', 'Made up', 'Made up', 0, 0, 0, 'Finance', 'USTAFF1', 'closed', 0, 0)",
      )
      .run();
    db.$client.prepare('UPDATE reference_counters SET last_seq = 6').run();
    db.$client.pragma('foreign_keys = ON');
    expect(await problems()).toEqual([
      '  INC-2026-0006: in the register but not in the audit trail: no event records it (added behind Vigil’s back)',
      `  ${ref}: in the audit trail (5 events) but not in the register: deleted behind Vigil’s back`,
    ]);
  });
});
