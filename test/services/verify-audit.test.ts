import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDatabase, type Db, openDatabase } from '../../db/client';
import { appendEvent } from '../../src/domain/audit';
import { verifyAuditTrail } from '../../src/services/verify-audit';
import { seedReport } from '../helpers/seed';
import {
  dropGuards,
  forgeAppendedEvent,
  publicHashOf,
  recomputeChainPublicly,
  restoreGuards,
  storedEvents,
  tamper,
} from '../helpers/tamper';
import { testClock } from '../helpers/world';

let db: Db;
const clock = testClock('2026-03-10T09:00:00Z');

beforeEach(() => {
  db = openDatabase(':memory:');
});
afterEach(() => closeDatabase(db));

/** Three reports, one audit event each: events 1, 2 and 3 belong to INC-2026-0001, -0002 and -0003. */
function seedThree(): void {
  for (const n of [1, 2, 3]) {
    clock.advance(60_000);
    seedReport(db, clock, { title: `Report ${n}`, description: `Secret detail ${n}` });
  }
}

const problems = () => verifyAuditTrail(db).problems.map((p) => `${p.where}: ${p.what}`);

const EDITED =
  'its hash does not match its content under the audit key (edited, forged, or written without the key)';

describe('verifyAuditTrail', () => {
  it('accepts an empty trail and an intact one', () => {
    expect(verifyAuditTrail(db)).toMatchObject({ ok: true, events: 0, problems: [] });
    seedThree();
    expect(verifyAuditTrail(db)).toMatchObject({ ok: true, events: 3, legacyEvents: 0, problems: [] });
  });

  it('the append-only triggers are in place, so tampering below really goes behind the app’s back', () => {
    seedThree();
    expect(() => db.$client.prepare('UPDATE incident_events SET summary = ? WHERE id = 2').run('x')).toThrow(
      /append-only/,
    );
    expect(() => db.$client.prepare('DELETE FROM incident_events WHERE id = 2').run()).toThrow(/append-only/);
    expect(() => db.$client.prepare('UPDATE audit_chain SET legacy_through = 99').run()).toThrow(/fixed/);
  });

  it('names a row edited in place, with its reference, without echoing its content', () => {
    seedThree();
    tamper(db, 'UPDATE incident_events SET summary = ? WHERE id = 2', 'Reported by <@UINNOCENT> (nothing)');
    const report = verifyAuditTrail(db);
    expect(report.ok).toBe(false);
    expect(problems()).toEqual([`event 2 (INC-2026-0002): ${EDITED}`]);
    expect(JSON.stringify(report)).not.toMatch(/UINNOCENT|Secret detail|Report 2/);
  });

  it.each([
    [
      'a JSON field',
      `UPDATE incident_events SET after = json_set(after, '$.department', 'HR') WHERE id = 3`,
      3,
      [],
    ],
    ['the time', 'UPDATE incident_events SET at = at + 1 WHERE id = 1', 1, []],
    ['the actor', `UPDATE incident_events SET actor_id = 'USOMEONE' WHERE id = 2`, 2, []],
    // INC-2026-0002 is then left with no event of its own.
    [
      'the incident it belongs to',
      'UPDATE incident_events SET incident_id = 1 WHERE id = 2',
      2,
      [
        'INC-2026-0002: in the register but not in the audit trail: no event records it (added behind Vigil’s back)',
      ],
    ],
  ])('names an edit to %s', (_, sql, eventId, more) => {
    seedThree();
    tamper(db, sql);
    expect(problems()).toEqual([
      expect.stringMatching(
        new RegExp(`^event ${eventId} \\(INC-2026-000\\d\\): ${EDITED.replace(/[()]/g, '\\$&')}$`),
      ),
      ...more,
    ]);
  });

  it('reports JSON edited into something unreadable instead of crashing', () => {
    seedThree();
    tamper(db, `UPDATE incident_events SET after = '{"reference": "INC-' WHERE id = 2`);
    expect(problems()).toEqual(['event 2 (INC-2026-0002): its content is not valid JSON (edited?)']);
  });

  it('names an edited row whose hash was recomputed with the public formula: the key is missing from it', () => {
    seedThree();
    const [, second] = storedEvents(db);
    if (!second) throw new Error('no event 2');
    const forged = { ...second, actor_id: 'UFORGER', summary: 'Reported by <@UFORGER> (/report-incident)' };
    tamper(
      db,
      'UPDATE incident_events SET actor_id = ?, summary = ?, hash = ? WHERE id = 2',
      forged.actor_id,
      forged.summary,
      publicHashOf(forged),
    );
    expect(problems()).toEqual([
      `event 2 (INC-2026-0002): ${EDITED}`,
      'event 3 (INC-2026-0003): it does not chain onto event 2 before it (an event deleted, inserted or rewritten)',
    ]);
  });

  it('names every event of a chain recomputed end to end with the public formula', () => {
    seedThree();
    recomputeChainPublicly(db, (e) => (e.id === 2 ? { ...e, actor_id: 'UFORGER' } : e));
    expect(problems()).toEqual([
      `event 1 (INC-2026-0001): ${EDITED}`,
      `event 2 (INC-2026-0002): ${EDITED}`,
      `event 3 (INC-2026-0003): ${EDITED}`,
    ]);
  });

  it('names a forged event appended to the end (a "regulator notified" that never happened)', () => {
    seedThree();
    forgeAppendedEvent(db, {
      incidentId: 2,
      at: clock.now(),
      actorId: 'USIRO',
      type: 'notification_recorded',
      after: { kind: 'regulator', status: 'done' },
      summary: 'The regulator was notified.',
    });
    expect(problems()).toEqual([`event 4 (INC-2026-0002): ${EDITED}`]);
  });

  it('names events with an id of zero or below, which Vigil never writes, and reads them first', () => {
    seedThree();
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
    db.$client
      .prepare(
        "INSERT INTO incident_events (id, incident_id, at, actor_id, type, summary, prev_hash, hash) VALUES (-5, 3, 0, 'U', 'x', 'x', 'garbage', 'garbage')",
      )
      .run();
    restoreGuards(db);
    const report = verifyAuditTrail(db);
    expect(report.events).toBe(5);
    expect(report.problems.map((p) => `${p.where}: ${p.what}`)).toEqual([
      'event -5 (INC-2026-0003): its id is not positive: Vigil never writes such an event (inserted behind its back)',
      'event -5 (INC-2026-0003): it does not chain onto the start of the trail (an event deleted, inserted or rewritten)',
      `event -5 (INC-2026-0003): ${EDITED}`,
      'event 0 (INC-2026-0002): its id is not positive: Vigil never writes such an event (inserted behind its back)',
      'event 0 (INC-2026-0002): it does not chain onto event -5 before it (an event deleted, inserted or rewritten)',
      `event 0 (INC-2026-0002): ${EDITED}`,
      'event 1 (INC-2026-0001): it does not chain onto event 0 before it (an event deleted, inserted or rewritten)',
    ]);
  });

  it('names a deleted middle row at the row after it, and the gap', () => {
    seedThree();
    tamper(db, 'DELETE FROM incident_events WHERE id = 2');
    expect(problems()).toEqual([
      'event 3 (INC-2026-0003): event 2 before it is missing (deleted?)',
      'event 3 (INC-2026-0003): it does not chain onto event 1 before it (an event deleted, inserted or rewritten)',
      'INC-2026-0002: in the register but not in the audit trail: no event records it (added behind Vigil’s back)',
    ]);
  });

  it('names a deleted first row', () => {
    seedThree();
    tamper(db, 'DELETE FROM incident_events WHERE id = 1');
    expect(problems()).toEqual([
      'event 2 (INC-2026-0002): event 1 before it is missing (deleted?)',
      'event 2 (INC-2026-0002): it does not chain onto the start of the trail (an event deleted, inserted or rewritten)',
      'INC-2026-0001: in the register but not in the audit trail: no event records it (added behind Vigil’s back)',
    ]);
  });

  it('notices a deleted tail from the highest id SQLite gave out', () => {
    seedThree();
    tamper(db, 'DELETE FROM incident_events WHERE id >= 2');
    expect(problems()).toEqual([
      'after event 1: event ids up to 3 were given out, but the trail ends at event 1: events at its end were deleted',
      'INC-2026-0002: in the register but not in the audit trail: no event records it (added behind Vigil’s back)',
      'INC-2026-0003: in the register but not in the audit trail: no event records it (added behind Vigil’s back)',
    ]);
  });

  it('names dropped, rewritten and foreign triggers', () => {
    seedThree();
    db.$client.exec('DROP TRIGGER incident_events_no_delete');
    db.$client.exec('DROP TRIGGER incident_events_no_update');
    db.$client.exec(
      'CREATE TRIGGER incident_events_no_update BEFORE UPDATE ON incident_events BEGIN SELECT 1; END',
    );
    db.$client.exec('CREATE TRIGGER sneaky AFTER INSERT ON incident_events BEGIN SELECT 1; END');
    expect(problems()).toEqual([
      'trigger incident_events_no_update: changed: it no longer only refuses the change',
      "trigger incident_events_no_delete: missing: incident_events can be changed without a trace (dropped behind Vigil's back)",
      "trigger sneaky: not Vigil's: it acts on incident_events",
    ]);
  });

  it('names a rewound reference counter, also for a year whose incident rows are gone', () => {
    seedThree();
    db.$client.prepare('UPDATE reference_counters SET last_seq = 1 WHERE year = 2026').run();
    expect(problems()).toEqual([
      'reference counter 2026: at 1, but INC-2026-0003 exists: the next report would reuse a reference (rewound?)',
    ]);
    db.$client.exec('PRAGMA foreign_keys = OFF');
    db.$client.prepare('DELETE FROM incidents WHERE id = 3').run();
    db.$client.prepare('UPDATE reference_counters SET last_seq = 2 WHERE year = 2026').run();
    // The trail still names INC-2026-0003.
    expect(problems()).toEqual([
      'reference counter 2026: at 2, but INC-2026-0003 exists: the next report would reuse a reference (rewound?)',
      'INC-2026-0003: in the audit trail (1 event) but not in the register: deleted behind Vigil’s back',
    ]);
    db.$client.prepare('DELETE FROM reference_counters').run();
    expect(problems()).toEqual([
      'reference counter 2026: missing, but INC-2026-0003 exists: the next report would reuse a reference (rewound?)',
      'INC-2026-0003: in the audit trail (1 event) but not in the register: deleted behind Vigil’s back',
    ]);
  });

  it('holds every event to the key when the record of where the keyed chain starts is gone', () => {
    seedThree();
    tamper(db, 'DELETE FROM audit_chain');
    expect(problems()).toEqual([
      'table audit_chain: the record of where the keyed chain starts is missing or damaged; every event is checked with the key',
    ]);
  });

  describe('over more than one page of 1000 events', () => {
    const TOTAL = 2500;

    beforeEach(() => {
      const { id: incidentId } = seedReport(db, clock);
      db.transaction((tx) => {
        for (let n = 2; n <= TOTAL; n++)
          appendEvent(tx, {
            incidentId,
            at: clock.now(),
            actorId: 'USIRO',
            type: 'comment',
            after: { n },
            summary: `Comment ${n}`,
          });
      });
    });

    it('reads every page', () => {
      expect(verifyAuditTrail(db)).toMatchObject({ ok: true, events: TOTAL });
    });

    it('carries the chain across a page boundary', () => {
      // Page one is events 1 to 1000; page two starts at 1002 and must chain onto 1000.
      tamper(db, 'DELETE FROM incident_events WHERE id = 1001');
      expect(problems()).toEqual([
        'event 1002 (INC-2026-0001): event 1001 before it is missing (deleted?)',
        'event 1002 (INC-2026-0001): it does not chain onto event 1000 before it (an event deleted, inserted or rewritten)',
      ]);
    });

    it('names each of several breaks, on later pages too', () => {
      tamper(db, `UPDATE incident_events SET summary = 'x' WHERE id IN (1500, 2400)`);
      tamper(db, 'DELETE FROM incident_events WHERE id = 2000');
      expect(problems()).toEqual([
        `event 1500 (INC-2026-0001): ${EDITED}`,
        'event 2001 (INC-2026-0001): event 2000 before it is missing (deleted?)',
        'event 2001 (INC-2026-0001): it does not chain onto event 1999 before it (an event deleted, inserted or rewritten)',
        `event 2400 (INC-2026-0001): ${EDITED}`,
      ]);
    });
  });
});
