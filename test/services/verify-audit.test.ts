import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDatabase, type Db, openDatabase } from '../../db/client';
import { appendEvent, eventHash } from '../../src/domain/audit';
import { verifyAuditTrail } from '../../src/services/verify-audit';
import { seedReport } from '../helpers/seed';
import { testClock } from '../helpers/world';

let db: Db;
const clock = testClock('2026-03-10T09:00:00Z');

beforeEach(() => {
  db = openDatabase(':memory:');
});
afterEach(() => closeDatabase(db));

/** Three reports, one audit event each: events 1, 2 and 3 belong to incidents 1, 2 and 3. */
function seedThree(): number[] {
  return [1, 2, 3].map((n) => {
    clock.advance(60_000);
    return seedReport(db, clock, { title: `Report ${n}`, description: `Secret detail ${n}` }).id;
  });
}

/** What an attacker with the file can do: the append-only triggers are just SQL. */
function tamper(sql: string, ...params: unknown[]): void {
  db.$client.exec('DROP TRIGGER IF EXISTS incident_events_no_update');
  db.$client.exec('DROP TRIGGER IF EXISTS incident_events_no_delete');
  db.$client.prepare(sql).run(...params);
}

function eventIds(): number[] {
  return db.$client
    .prepare('SELECT id FROM incident_events ORDER BY id')
    .all()
    .map((r) => (r as { id: number }).id);
}

describe('verifyAuditTrail', () => {
  it('accepts an empty trail and an intact one', () => {
    expect(verifyAuditTrail(db)).toEqual({ ok: true, events: 0 });
    seedThree();
    expect(verifyAuditTrail(db)).toEqual({ ok: true, events: 3 });
  });

  it('the append-only triggers are in place, so tampering below really goes behind the app’s back', () => {
    seedThree();
    expect(() => db.$client.prepare('UPDATE incident_events SET summary = ? WHERE id = 2').run('x')).toThrow(
      /append-only/,
    );
    expect(() => db.$client.prepare('DELETE FROM incident_events WHERE id = 2').run()).toThrow(/append-only/);
  });

  it('catches a row edited in place, at that row, without echoing its content', () => {
    const [, second] = seedThree();
    tamper('UPDATE incident_events SET summary = ? WHERE id = 2', 'Reported by <@UINNOCENT> (nothing)');
    const verdict = verifyAuditTrail(db);
    expect(verdict).toEqual({
      ok: false,
      events: 2,
      brokenAt: { eventId: 2, incidentId: second, reason: 'hash does not match its content (edited?)' },
    });
    expect(JSON.stringify(verdict)).not.toMatch(/UINNOCENT|Secret detail|Report 2/);
  });

  it.each([
    [
      'a JSON field',
      `UPDATE incident_events SET after = json_set(after, '$.department', 'HR') WHERE id = 3`,
      3,
    ],
    ['the time', 'UPDATE incident_events SET at = at + 1 WHERE id = 1', 1],
    ['the actor', `UPDATE incident_events SET actor_id = 'USOMEONE' WHERE id = 2`, 2],
  ])('catches an edit to %s', (_, sql, eventId) => {
    seedThree();
    tamper(sql);
    expect(verifyAuditTrail(db)).toMatchObject({
      ok: false,
      brokenAt: { eventId, reason: 'hash does not match its content (edited?)' },
    });
  });

  it('reports JSON edited into something unreadable instead of crashing', () => {
    seedThree();
    tamper(`UPDATE incident_events SET after = '{"reference": "INC-' WHERE id = 2`);
    expect(verifyAuditTrail(db)).toMatchObject({
      ok: false,
      brokenAt: { eventId: 2, reason: 'content is not valid JSON (edited?)' },
    });
  });

  it('catches an edited row whose own hash was recomputed, at the next row', () => {
    const [, , third] = seedThree();
    const row = db.$client.prepare('SELECT * FROM incident_events WHERE id = 2').get() as {
      incident_id: number;
      at: number;
      actor_id: string;
      type: string;
      after: string;
      prev_hash: string;
    };
    const forged = {
      incidentId: row.incident_id,
      at: new Date(row.at),
      actorId: 'UFORGER',
      type: row.type,
      before: null,
      after: JSON.parse(row.after) as Record<string, unknown>,
      summary: 'Reported by <@UFORGER> (/report-incident)',
    };
    tamper(
      'UPDATE incident_events SET actor_id = ?, summary = ?, hash = ? WHERE id = 2',
      forged.actorId,
      forged.summary,
      eventHash(row.prev_hash, forged),
    );
    expect(verifyAuditTrail(db)).toEqual({
      ok: false,
      events: 3,
      brokenAt: {
        eventId: 3,
        incidentId: third,
        reason: 'prev_hash does not match event 2 (deleted or inserted?)',
      },
    });
  });

  it('catches a deleted middle row at the row after it, naming the row before the gap', () => {
    const [, , third] = seedThree();
    tamper('DELETE FROM incident_events WHERE id = 2');
    expect(eventIds()).toEqual([1, 3]);
    expect(verifyAuditTrail(db)).toEqual({
      ok: false,
      events: 2,
      brokenAt: {
        eventId: 3,
        incidentId: third,
        reason: 'prev_hash does not match event 1 (deleted or inserted?)',
      },
    });
  });

  it('catches a deleted first row', () => {
    const [, second] = seedThree();
    tamper('DELETE FROM incident_events WHERE id = 1');
    expect(verifyAuditTrail(db)).toEqual({
      ok: false,
      events: 1,
      brokenAt: {
        eventId: 2,
        incidentId: second,
        reason: 'prev_hash does not match the start of the chain (deleted or inserted?)',
      },
    });
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
      expect(verifyAuditTrail(db)).toEqual({ ok: true, events: TOTAL });
    });

    it('carries the chain across a page boundary', () => {
      // Page one is events 1 to 1000; page two starts at 1002 and must chain onto 1000.
      tamper('DELETE FROM incident_events WHERE id = 1001');
      expect(verifyAuditTrail(db)).toMatchObject({
        ok: false,
        events: 1001,
        brokenAt: { eventId: 1002, reason: 'prev_hash does not match event 1000 (deleted or inserted?)' },
      });
    });

    it('finds the first of several breaks, on a later page', () => {
      tamper(`UPDATE incident_events SET summary = 'x' WHERE id IN (1500, 2400)`);
      tamper('DELETE FROM incident_events WHERE id = 2000');
      expect(verifyAuditTrail(db)).toMatchObject({ ok: false, events: 1500, brokenAt: { eventId: 1500 } });
    });
  });
});
