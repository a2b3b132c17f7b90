import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDatabase, type Db, openDatabase } from '../../db/client';
import { takeCheckpoint } from '../../src/services/checkpoints';
import { evidencePack } from '../../src/services/evidence';
import { seedReport } from '../helpers/seed';
import { dropGuards, forgeAppendedEvent, restoreGuards } from '../helpers/tamper';
import { testClock } from '../helpers/world';

const clock = testClock('2026-03-10T09:00:00Z');
let db: Db;
let databasePath: string;

beforeEach(() => {
  databasePath = join(mkdtempSync(join(tmpdir(), 'vigil-evidence-')), 'vigil.db');
  db = openDatabase(databasePath);
});
afterEach(() => closeDatabase(db));

interface Pack {
  integrity: {
    ok: boolean;
    problems: { where: string; what: string }[];
    lastCheckpoint: { at: string; events: number; lastId: number; sources: string[] } | null;
    eventsAfterLastCheckpoint: number;
  };
  auditTrail: { id: number }[];
}

describe('the evidence pack', () => {
  it('states the integrity check it passed and the checkpoint the trail was compared with', () => {
    const first = seedReport(db, clock);
    seedReport(db, clock);
    takeCheckpoint({ db, clock }, 'closure');
    clock.advance(60_000);
    const pack = evidencePack(db, first, clock.now());
    const json = JSON.parse(pack.json) as Pack;
    expect(json.integrity).toEqual({
      ok: true,
      checked:
        "this incident's audit events, the append-only triggers, the trail against the newest checkpoint, and its register rows against the state its trail records",
      problems: [],
      lastCheckpoint: {
        at: '2026-03-10T09:00:00.000Z',
        events: 2,
        lastId: 2,
        head: expect.stringMatching(/^[0-9a-f]{64}$/),
        reason: 'closure',
        mac: expect.stringMatching(/^[0-9a-f]{64}$/),
        sources: [`${databasePath}.checkpoints line 1`, 'database checkpoint 1'],
      },
      eventsAfterLastCheckpoint: 0,
      register: 'matches',
    });
    expect(pack.markdown).toContain(
      'Its status, severity, IRM, notifications, actions and reviews in the register are as its trail left them.',
    );
    expect(pack.markdown).toContain(
      '## Integrity\n\nChecked when this pack was generated: each of its 1 audit events matches its hash under the audit key and links to the event before it, the append-only triggers are in place, and the trail matches the newest checkpoint published outside the database: 2026-03-10T09:00:00.000Z, 2 events through event 2',
    );
  });

  it('says plainly when a forged event sits in the incident’s trail (an id of 0, a made-up hash)', () => {
    seedReport(db, clock);
    const second = seedReport(db, clock);
    dropGuards(db);
    forgeAppendedEvent(db, {
      id: 0,
      incidentId: second.id,
      at: clock.now(),
      actorId: 'USIRO',
      type: 'notification_recorded',
      after: { kind: 'regulator', status: 'done' },
      summary: 'The regulator was notified.',
    });
    restoreGuards(db);
    const pack = evidencePack(db, second, clock.now());
    const json = JSON.parse(pack.json) as Pack;
    expect(json.auditTrail.map((e) => e.id)).toEqual([0, 2]);
    expect(json.integrity.ok).toBe(false);
    expect(json.integrity.problems).toEqual([
      {
        where: 'event 0 (INC-2026-0002)',
        what: 'its id is not positive: Vigil never writes such an event (inserted behind its back)',
      },
      {
        where: 'event 0 (INC-2026-0002)',
        what: 'its hash does not match its content under the audit key (edited, forged, or written without the key)',
      },
    ]);
    expect(pack.markdown).toContain('**Checked when this pack was generated: 2 problems found.**');
    expect(pack.markdown).toContain('no checkpoint has been published yet');
  });

  it('says when the register no longer says what the trail does (a status edited behind Vigil’s back)', () => {
    const first = seedReport(db, clock);
    db.$client.prepare("UPDATE incidents SET status = 'closed' WHERE id = ?").run(first.id);
    const pack = evidencePack(db, first, clock.now());
    const json = JSON.parse(pack.json) as Pack & { integrity: { register: string } };
    expect(json.integrity.ok).toBe(false);
    expect(json.integrity.register).toBe('differs');
    expect(json.integrity.problems).toEqual([
      {
        where: 'INC-2026-0001',
        what: 'status is "closed" in the register, but "reported" in the trail (event 1): changed without an audit event',
      },
    ]);
    expect(pack.markdown).toContain('**Checked when this pack was generated: 1 problem found.**');
  });
});
