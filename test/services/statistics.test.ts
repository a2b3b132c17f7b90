import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, type Db, openDatabase } from '../../db/client';
import {
  actions,
  type Incident,
  incidents,
  type NewIncident,
  type Notification,
  notifications,
} from '../../db/schema';
import { computeStatistics, previousPeriod } from '../../src/services/statistics';
import { seedReport } from '../helpers/seed';
import { testClock } from '../helpers/world';

/*
 * The fixture, all times UTC. London: GMT until 2026-03-29 01:00Z, BST (UTC+1) after. Auckland:
 * NZDT (UTC+13) until 2026-04-05 (02:00 NZST), NZST (UTC+12) after.
 *
 *        reported (R)        kind       category          dept     cause      severity/outcome
 * C   2026-01-15T09:00Z  incident   malware           Eng      -          high
 * A   2026-02-10T10:00Z  incident   device_loss       Fin      theft      low
 * B   2026-02-28T23:30Z  near_miss  misdelivery       Eng      misplaced  untriaged   (March in NZ)
 * I1  2026-03-01T00:00Z  incident   device_loss       Fin      theft      high        (first instant of March)
 * I2  2026-03-05T12:00Z  incident   device_loss       Fin      theft      medium      personal data
 * I3  2026-03-10T09:00Z  near_miss  misdelivery       Eng      misplaced  low
 * I4  2026-03-20T15:00Z  incident   malware           Eng      other      critical
 * I5  2026-03-29T00:30Z  weakness   policy_violation  R&D      -          untriaged   (before the DST change)
 * I6  2026-03-29T12:00Z  incident   device_loss       Fin      theft      low         (after it) personal data
 * I7  2026-03-31T12:00Z  near_miss  misdelivery       Fin      misplaced  low         personal data (April in NZ)
 * I8  2026-03-31T23:30Z  incident   unauthorised_use  R&D      breach     high        personal data (00:30 BST 1 Apr)
 * I9  2026-04-10T10:00Z  incident   device_loss       Eng      theft      duplicate of I6
 * I10 2026-04-15T08:00Z  incident   other             Fin      destroyed  not an incident
 * I11 2026-04-20T16:00Z  near_miss  device_loss       Eng      misplaced  untriaged   personal data
 * I12 2026-04-28T10:00Z  incident   intrusion         Eng      breach     critical
 * I13 2026-04-30T23:00Z  incident   device_loss       Fin      -          untriaged   personal data (00:00 BST 1 May)
 * I14 2026-05-05T10:00Z  incident   device_loss       Fin      -          untriaged
 *
 * Durations in hours (occurred = R − o; triaged = R + t; resolved = triaged + r; closed = R + c):
 *        occ→rep  rep→triage  triage→res  rep→close  triage→close
 * I1     4        2           10          100        98
 * I2     1        1           20          50         49
 * I3     24       3           -           -          -
 * I4     48       5           30          -          -
 * I6     6        4           6           200        196
 * I7     -        8           -           -          -
 * I8     10       6           40          -          -
 * I9     -        1           -           (1: a dismissal, not counted)
 * I10    -        2           -           (2: a dismissal, not counted)
 * I12    2        1           12          30         29
 */

const H = 3_600_000;
const NOW = new Date('2026-05-10T00:00:00Z');
/** London March + April 2026: 1 March 00:00 GMT to 1 May 00:00 BST. */
const MAR_APR = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-04-30T23:00:00Z') };

let db: Db;
const ids: Record<string, number> = {};

function report(name: string, reportedAt: string, input: Record<string, unknown>): Date {
  const incident = seedReport(db, testClock(reportedAt), input);
  ids[name] = incident.id;
  return incident.reportedAt;
}

function set(name: string, patch: Partial<NewIncident>): void {
  db.update(incidents)
    .set(patch)
    .where(eq(incidents.id, ids[name] ?? -1))
    .run();
}

const after = (r: Date, hours: number) => new Date(r.getTime() + hours * H);
const hoursBefore = (iso: string, hours: number) => new Date(new Date(iso).getTime() - hours * H);

/** Triage, resolution and closure as hours after the report, as in the table above. */
function progress(
  name: string,
  r: Date,
  p: { severity: Incident['severity']; triage: number; resolve?: number; close?: number },
): void {
  const triagedAt = after(r, p.triage);
  const resolvedAt = p.resolve === undefined ? null : after(triagedAt, p.resolve);
  const closedAt = p.close === undefined ? null : after(r, p.close);
  set(name, {
    severity: p.severity,
    triageOutcome: 'incident',
    triagedAt,
    resolvedAt,
    closedAt,
    status: closedAt ? 'closed' : resolvedAt ? 'resolved' : 'triaged',
  });
}

function setNotification(name: string, kind: Notification['kind'], patch: Partial<Notification>): void {
  const changed = db
    .update(notifications)
    .set(patch)
    .where(and(eq(notifications.incidentId, ids[name] ?? -1), eq(notifications.kind, kind)))
    .run();
  if (changed.changes !== 1) throw new Error(`${name} has no ${kind} notification`);
}

function addAction(name: string, status: 'open' | 'done' | 'not_doing', dueAt: string | null): void {
  db.insert(actions)
    .values({
      incidentId: ids[name] ?? -1,
      kind: 'corrective',
      description: 'Fix it',
      ownerId: 'UHODFIN',
      dueAt: dueAt ? new Date(dueAt) : null,
      status,
      createdBy: 'USIRO',
      createdAt: new Date('2026-03-01T00:00:00Z'),
      completedAt: status === 'done' ? new Date('2026-04-05T00:00:00Z') : null,
    })
    .run();
}

beforeAll(() => {
  db = openDatabase(':memory:');
  const fin = { category: 'device_loss', department: 'Finance' };

  report('C', '2026-01-15T09:00:00Z', { category: 'malware', department: 'Engineering' });
  set('C', { severity: 'high', triageOutcome: 'incident', status: 'triaged' });
  report('A', '2026-02-10T10:00:00Z', { ...fin, immediateCause: 'theft' });
  set('A', { severity: 'low', triageOutcome: 'incident', status: 'triaged' });
  report('B', '2026-02-28T23:30:00Z', {
    kind: 'near_miss',
    category: 'misdelivery',
    department: 'Engineering',
    immediateCause: 'misplaced',
  });

  const r1 = report('I1', '2026-03-01T00:00:00Z', {
    ...fin,
    immediateCause: 'theft',
    occurredAt: hoursBefore('2026-03-01T00:00:00Z', 4),
  });
  progress('I1', r1, { severity: 'high', triage: 2, resolve: 10, close: 100 });

  const r2 = report('I2', '2026-03-05T12:00:00Z', {
    ...fin,
    immediateCause: 'theft',
    personalData: 'yes',
    occurredAt: hoursBefore('2026-03-05T12:00:00Z', 1),
  });
  progress('I2', r2, { severity: 'medium', triage: 1, resolve: 20, close: 50 });

  const r3 = report('I3', '2026-03-10T09:00:00Z', {
    kind: 'near_miss',
    category: 'misdelivery',
    department: 'Engineering',
    immediateCause: 'misplaced',
    occurredAt: hoursBefore('2026-03-10T09:00:00Z', 24),
  });
  progress('I3', r3, { severity: 'low', triage: 3 });

  const r4 = report('I4', '2026-03-20T15:00:00Z', {
    category: 'malware',
    department: 'Engineering',
    immediateCause: 'other',
    occurredAt: hoursBefore('2026-03-20T15:00:00Z', 48),
  });
  progress('I4', r4, { severity: 'critical', triage: 5, resolve: 30 });

  report('I5', '2026-03-29T00:30:00Z', {
    kind: 'weakness',
    category: 'policy_violation',
    department: 'R&D <Labs>',
  });

  const r6 = report('I6', '2026-03-29T12:00:00Z', {
    ...fin,
    immediateCause: 'theft',
    personalData: 'yes',
    occurredAt: hoursBefore('2026-03-29T12:00:00Z', 6),
  });
  progress('I6', r6, { severity: 'low', triage: 4, resolve: 6, close: 200 });

  const r7 = report('I7', '2026-03-31T12:00:00Z', {
    kind: 'near_miss',
    category: 'misdelivery',
    department: 'Finance',
    immediateCause: 'misplaced',
    personalData: 'yes',
  });
  progress('I7', r7, { severity: 'low', triage: 8 });

  const r8 = report('I8', '2026-03-31T23:30:00Z', {
    category: 'unauthorised_use',
    department: 'R&D <Labs>',
    immediateCause: 'breach',
    personalData: 'yes',
    occurredAt: hoursBefore('2026-03-31T23:30:00Z', 10),
  });
  progress('I8', r8, { severity: 'high', triage: 6, resolve: 40 });

  const r9 = report('I9', '2026-04-10T10:00:00Z', {
    category: 'device_loss',
    department: 'Engineering',
    immediateCause: 'theft',
  });
  set('I9', {
    status: 'duplicate',
    triageOutcome: 'duplicate',
    duplicateOfId: ids.I6,
    triagedAt: after(r9, 1),
    closedAt: after(r9, 1),
  });

  const r10 = report('I10', '2026-04-15T08:00:00Z', {
    category: 'other',
    department: 'Finance',
    immediateCause: 'destroyed',
  });
  set('I10', {
    status: 'not_incident',
    triageOutcome: 'not_incident',
    triagedAt: after(r10, 2),
    closedAt: after(r10, 2),
  });

  report('I11', '2026-04-20T16:00:00Z', {
    kind: 'near_miss',
    category: 'device_loss',
    department: 'Engineering',
    immediateCause: 'misplaced',
    personalData: 'yes',
  });

  const r12 = report('I12', '2026-04-28T10:00:00Z', {
    category: 'intrusion',
    department: 'Engineering',
    immediateCause: 'breach',
    occurredAt: hoursBefore('2026-04-28T10:00:00Z', 2),
  });
  progress('I12', r12, { severity: 'critical', triage: 1, resolve: 12, close: 30 });

  report('I13', '2026-04-30T23:00:00Z', { ...fin, personalData: 'yes' });
  report('I14', '2026-05-05T10:00:00Z', fin);

  /*
   * Notifications. seedReport created regulator ones (due R + 72 h) for I2, I6, I7, I8, I11, I13
   * and CERT ones (due R + 24 h) for the network categories C, I4, I5, I12; all pending.
   *   I1  regulator (added): due R+72h, done exactly at R+72h  → met (on the deadline is in time)
   *   I2  regulator: done at R+48h                             → met
   *   I6  regulator: done at R+80h                             → missed (late)
   *   I7  regulator: pending, due moved to 2026-05-20 (> NOW)  → pending
   *   I8  regulator: not required                              → notRequired
   *   I11 regulator: pending, due 2026-04-23T16:00Z (< NOW)    → missed (overdue)
   *   I13 regulator: pending past due, but reported after the period → not counted
   *   I4  cert: pending, due 2026-03-21T15:00Z                 → missed
   *   I5  cert: pending, due 2026-03-30T00:30Z                 → missed
   *   I12 cert: done at R+10h (due R+24h)                      → met
   * regulator: met 2, missed 2, pending 1, notRequired 1; cert: met 1, missed 2.
   */
  db.insert(notifications)
    .values({
      incidentId: ids.I1 ?? -1,
      kind: 'regulator',
      dueAt: after(r1, 72),
      status: 'done',
      doneBy: 'USIRO',
      doneAt: after(r1, 72),
      createdAt: r1,
    })
    .run();
  setNotification('I2', 'regulator', { status: 'done', doneBy: 'USIRO', doneAt: after(r2, 48) });
  setNotification('I6', 'regulator', { status: 'done', doneBy: 'USIRO', doneAt: after(r6, 80) });
  setNotification('I7', 'regulator', { dueAt: new Date('2026-05-20T00:00:00Z') });
  setNotification('I8', 'regulator', { status: 'not_required', doneBy: 'USIRO', reason: 'Encrypted' });
  setNotification('I12', 'cert', { status: 'done', doneBy: 'UCIO', doneAt: after(r12, 10) });

  /*
   * Actions (NOW = 2026-05-10T00:00Z); overdue = open and due before NOW:
   *   I1  open, due 2026-04-01          → overdue, from the period
   *   I2  open, due 2026-06-01          → not yet due
   *   I6  done, due 2026-04-01          → done
   *   A   open, due 2026-03-01          → overdue (a report of the previous period)
   *   I12 open, no due date             → never overdue
   *   I4  not_doing, due 2026-04-01     → not open
   *   I13 open, due 2026-05-09T23:59Z   → overdue (reported after the period)
   *   I8  open, due exactly NOW         → not overdue (due_at < now is strict)
   * overdue 3, of which from the period 1.
   */
  addAction('I1', 'open', '2026-04-01T00:00:00Z');
  addAction('I2', 'open', '2026-06-01T00:00:00Z');
  addAction('I6', 'done', '2026-04-01T00:00:00Z');
  addAction('A', 'open', '2026-03-01T00:00:00Z');
  addAction('I12', 'open', null);
  addAction('I4', 'not_doing', '2026-04-01T00:00:00Z');
  addAction('I13', 'open', '2026-05-09T23:59:00Z');
  addAction('I8', 'open', NOW.toISOString());
});

afterAll(() => closeDatabase(db));

describe('computeStatistics over London March and April 2026', () => {
  const stats = () => computeStatistics(db, { ...MAR_APR, now: NOW, orgTimeZone: 'Europe/London' });

  it('counts the reports made in [from, to): I1 at the first instant is in, I13 at the end is out', () => {
    // I1..I12.
    expect(stats().total).toBe(12);
  });

  it('counts by calendar month in the organisation’s zone across the DST change', () => {
    // March (GMT, then BST from the 29th): I1..I7 = 7. April: I8 (00:30 BST on 1 April)..I12 = 5.
    // Months taken in UTC would put I8 in March (8 / 4).
    expect(stats().byMonth).toEqual([
      {
        month: '2026-03',
        from: new Date('2026-03-01T00:00:00Z'),
        to: new Date('2026-03-31T23:00:00Z'),
        count: 7,
      },
      {
        month: '2026-04',
        from: new Date('2026-03-31T23:00:00Z'),
        to: new Date('2026-04-30T23:00:00Z'),
        count: 5,
      },
    ]);
  });

  it('counts by kind, severity, category, category group and department', () => {
    const s = stats();
    // incident: I1 I2 I4 I6 I8 I9 I10 I12 = 8; near miss: I3 I7 I11 = 3; weakness: I5 = 1.
    expect(s.byKind).toEqual({ incident: 8, near_miss: 3, weakness: 1 });
    // critical I4 I12; high I1 I8; medium I2; low I3 I6 I7; untriaged I5 I11; dismissed I9 I10.
    expect(s.bySeverity).toEqual({ critical: 2, high: 2, medium: 1, low: 3, untriaged: 2, dismissed: 2 });
    // device_loss I1 I2 I6 I9 I11 = 5; misdelivery I3 I7 = 2; one each for the rest (ties by name).
    expect(s.byCategory.map((c) => [c.category, c.group, c.count])).toEqual([
      ['device_loss', 'leakage', 5],
      ['misdelivery', 'leakage', 2],
      ['intrusion', 'network', 1],
      ['malware', 'network', 1],
      ['other', 'other', 1],
      ['policy_violation', 'network', 1],
      ['unauthorised_use', 'leakage', 1],
    ]);
    expect(s.byCategory[0]?.label).toBe('Lost or stolen device, media or papers');
    // leakage 5 + 2 + 1 = 8; network: malware + policy_violation + intrusion = 3; other 1.
    expect(s.byCategoryGroup).toEqual({ network: 3, leakage: 8, customer: 0, other: 1 });
    // Finance I1 I2 I6 I7 I10 = 5; Engineering I3 I4 I9 I11 I12 = 5; R&D I5 I8 = 2.
    expect(s.byDepartment).toEqual([
      { department: 'Engineering', count: 5 },
      { department: 'Finance', count: 5 },
      { department: 'R&D <Labs>', count: 2 },
    ]);
  });

  it('gives the near-miss ratio as near misses / (incidents + near misses)', () => {
    // 3 / (8 + 3); the weakness is in neither.
    expect(stats().nearMissRatio).toBeCloseTo(3 / 11, 12);
  });

  it('gives median and 90th percentile durations by the nearest-rank method', () => {
    expect(stats().durations).toEqual({
      // 1 2 4 6 10 24 48 (n 7): median rank ⌈3.5⌉ = 4 → 6; p90 rank ⌈6.3⌉ = 7 → 48.
      occurrenceToReport: { count: 7, medianHours: 6, p90Hours: 48 },
      // 1 1 1 2 2 3 4 5 6 8 (n 10): median rank 5 → 2; p90 rank 9 → 6.
      reportToTriage: { count: 10, medianHours: 2, p90Hours: 6 },
      // 6 10 12 20 30 40 (n 6): median rank 3 → 12; p90 rank ⌈5.4⌉ = 6 → 40.
      triageToResolution: { count: 6, medianHours: 12, p90Hours: 40 },
      // closed − triaged: I12 29, I2 49, I1 98, I6 196 (n 4): median rank 2 → 49; p90 rank 4 → 196.
      triageToClosure: { count: 4, medianHours: 49, p90Hours: 196 },
      // 30 50 100 200 (n 4; dismissals I9, I10 left out): median rank 2 → 50; p90 rank ⌈3.6⌉ = 4 → 200.
      // With the dismissals it would be 1 2 30 50 100 200: median 30.
      reportToClosure: { count: 4, medianHours: 50, p90Hours: 200 },
    });
  });

  it('counts overdue actions in the register as of now, and those from the period', () => {
    expect(stats().overdueActions).toEqual({ count: 3, fromPeriod: 1 });
  });

  it('counts notification deadlines met and missed for the period’s reports', () => {
    const d = stats().notificationDeadlines;
    expect(d.regulator).toEqual({ met: 2, missed: 2, pending: 1, notRequired: 1 });
    expect(d.cert).toEqual({ met: 1, missed: 2, pending: 0, notRequired: 0 });
    expect(d.police).toEqual({ met: 0, missed: 0, pending: 0, notRequired: 0 });
    expect(d.customers).toEqual({ met: 0, missed: 0, pending: 0, notRequired: 0 });
  });

  it('lists immediate causes and categories reported twice or more, without duplicates', () => {
    // Causes without I9 (a duplicate): theft I1 I2 I6 = 3; misplaced I3 I7 I11 = 3; breach I8 I12 = 2;
    // other and destroyed once. Categories without I9: device_loss I1 I2 I6 I11 = 4; misdelivery 2.
    const { immediateCauses, categories } = stats().repeatCauses;
    expect(immediateCauses.map((c) => [c.cause, c.count])).toEqual([
      ['misplaced', 3],
      ['theft', 3],
      ['breach', 2],
    ]);
    expect(immediateCauses[1]?.label).toBe('Theft');
    expect(categories.map((c) => [c.category, c.group, c.count])).toEqual([
      ['device_loss', 'leakage', 4],
      ['misdelivery', 'leakage', 2],
    ]);
  });
});

describe('the previous period', () => {
  it('compares March and April with January and February', () => {
    const s = computeStatistics(db, { ...MAR_APR, now: NOW, orgTimeZone: 'Europe/London' });
    // Two whole London months back: [1 Jan, 1 Mar) holds C, A, B (I1 is at 1 March and is not in it).
    expect(s.previous.period).toEqual({
      from: new Date('2026-01-01T00:00:00Z'),
      to: new Date('2026-03-01T00:00:00Z'),
    });
    expect(s.previous.total).toBe(3);
    expect(s.previous.byKind).toEqual({ incident: 2, near_miss: 1, weakness: 0 });
    expect(s.previous.bySeverity).toEqual({
      critical: 0,
      high: 1,
      medium: 0,
      low: 1,
      untriaged: 1,
      dismissed: 0,
    });
    expect(s.previous.byDepartment).toEqual([
      { department: 'Engineering', count: 2 },
      { department: 'Finance', count: 1 },
    ]);
    expect(s.previous.nearMissRatio).toBeCloseTo(1 / 3, 12);

    // 12 vs 3: +9, +300 %.
    expect(s.change.total).toEqual({ current: 12, previous: 3, change: 9, changePercent: 300 });
    expect(s.change.byKind).toEqual({
      incident: { current: 8, previous: 2, change: 6, changePercent: 300 },
      near_miss: { current: 3, previous: 1, change: 2, changePercent: 200 },
      weakness: { current: 1, previous: 0, change: 1, changePercent: null },
    });
    expect(s.change.bySeverity.high).toEqual({ current: 2, previous: 1, change: 1, changePercent: 100 });
    expect(s.change.bySeverity.critical).toEqual({ current: 2, previous: 0, change: 2, changePercent: null });
    // device_loss 5 vs 1 (A): +400 %; malware 1 vs 1 (C): 0 %.
    const cat = (c: string) => s.change.byCategory.find((x) => x.category === c);
    expect(cat('device_loss')).toMatchObject({ current: 5, previous: 1, change: 4, changePercent: 400 });
    expect(cat('malware')).toMatchObject({ current: 1, previous: 1, change: 0, changePercent: 0 });
    // network 3 vs 1 (C): +200 %.
    expect(s.change.byCategoryGroup.network).toEqual({
      current: 3,
      previous: 1,
      change: 2,
      changePercent: 200,
    });
    // Engineering 5 vs 2: +150 %; Finance 5 vs 1: +400 %; R&D 2 vs 0.
    expect(s.change.byDepartment).toEqual([
      { department: 'Engineering', current: 5, previous: 2, change: 3, changePercent: 150 },
      { department: 'Finance', current: 5, previous: 1, change: 4, changePercent: 400 },
      { department: 'R&D <Labs>', current: 2, previous: 0, change: 2, changePercent: null },
    ]);
    // 3/11 − 1/3 = −2/33.
    expect(s.change.nearMissRatio).toBeCloseTo(-2 / 33, 12);
  });

  it('compares a calendar month with the calendar month before, not the same number of hours', () => {
    // April (London) = [2026-03-31T23:00Z, 2026-04-30T23:00Z): I8..I12 = 5. March: I1..I7 = 7.
    // 30 days of hours back would start at 2026-03-01T23:00Z and miss I1 (6, −16.7 %).
    const s = computeStatistics(db, {
      from: new Date('2026-03-31T23:00:00Z'),
      to: new Date('2026-04-30T23:00:00Z'),
      now: NOW,
      orgTimeZone: 'Europe/London',
    });
    expect(s.previous.period.from).toEqual(new Date('2026-03-01T00:00:00Z'));
    // (5 − 7) / 7 = −28.57… → −28.6.
    expect(s.change.total).toEqual({ current: 5, previous: 7, change: -2, changePercent: -28.6 });
  });

  it('steps back whole days across a DST change, and exact lengths otherwise', () => {
    // 29 March 2026 in London is 23 hours long; the day before it is 24.
    expect(
      previousPeriod(
        { from: new Date('2026-03-29T00:00:00Z'), to: new Date('2026-03-29T23:00:00Z') },
        'Europe/London',
      ),
    ).toEqual({ from: new Date('2026-03-28T00:00:00Z'), to: new Date('2026-03-29T00:00:00Z') });
    expect(
      previousPeriod(
        { from: new Date('2026-03-01T10:00:00Z'), to: new Date('2026-03-02T10:00:00Z') },
        'Europe/London',
      ),
    ).toEqual({ from: new Date('2026-02-28T10:00:00Z'), to: new Date('2026-03-01T10:00:00Z') });
  });
});

describe('months in Pacific/Auckland', () => {
  it('counts NZ calendar months, whose boundaries fall on the UTC day before', () => {
    // March NZ = [2026-02-28T11:00Z, 2026-03-31T11:00Z): B, I1..I6 = 7.
    // April NZ = [2026-03-31T11:00Z, 2026-04-30T12:00Z) (NZDT ends 5 April): I7..I12 = 6.
    // I13 (2026-04-30T23:00Z) is 1 May in NZ: out.
    const s = computeStatistics(db, {
      from: new Date('2026-02-28T11:00:00Z'),
      to: new Date('2026-04-30T12:00:00Z'),
      now: NOW,
      orgTimeZone: 'Pacific/Auckland',
    });
    expect(s.total).toBe(13);
    expect(s.byMonth.map((m) => [m.month, m.from.toISOString(), m.to.toISOString(), m.count])).toEqual([
      ['2026-03', '2026-02-28T11:00:00.000Z', '2026-03-31T11:00:00.000Z', 7],
      ['2026-04', '2026-03-31T11:00:00.000Z', '2026-04-30T12:00:00.000Z', 6],
    ]);
    // The two NZ months before: [1 Jan NZDT, 1 Mar NZDT) = [2025-12-31T11:00Z, 2026-02-28T11:00Z): C, A.
    expect(s.previous.period.from.toISOString()).toBe('2025-12-31T11:00:00.000Z');
    expect(s.previous.total).toBe(2);
  });

  it('clips the first and last month to a period that starts and ends mid-month', () => {
    // [2026-03-15T00:00Z, 2026-04-10T00:00Z) in NZ months: March part I4 I5 I6 = 3; April part I7 I8 = 2.
    const s = computeStatistics(db, {
      from: new Date('2026-03-15T00:00:00Z'),
      to: new Date('2026-04-10T00:00:00Z'),
      now: NOW,
      orgTimeZone: 'Pacific/Auckland',
    });
    expect(s.byMonth.map((m) => [m.month, m.from.toISOString(), m.to.toISOString(), m.count])).toEqual([
      ['2026-03', '2026-03-15T00:00:00.000Z', '2026-03-31T11:00:00.000Z', 3],
      ['2026-04', '2026-03-31T11:00:00.000Z', '2026-04-10T00:00:00.000Z', 2],
    ]);
  });
});

describe('an empty period', () => {
  it('gives zeros and nulls, and still the register’s overdue actions', () => {
    const s = computeStatistics(db, {
      from: new Date('2025-06-01T00:00:00Z'),
      to: new Date('2025-07-01T00:00:00Z'),
      now: NOW,
      orgTimeZone: 'UTC',
    });
    expect(s.total).toBe(0);
    expect(s.byMonth).toEqual([
      {
        month: '2025-06',
        from: new Date('2025-06-01T00:00:00Z'),
        to: new Date('2025-07-01T00:00:00Z'),
        count: 0,
      },
    ]);
    expect(s.byKind).toEqual({ incident: 0, near_miss: 0, weakness: 0 });
    expect(s.bySeverity).toEqual({ critical: 0, high: 0, medium: 0, low: 0, untriaged: 0, dismissed: 0 });
    expect(s.byCategory).toEqual([]);
    expect(s.byDepartment).toEqual([]);
    expect(s.nearMissRatio).toBeNull();
    const none = { count: 0, medianHours: null, p90Hours: null };
    expect(s.durations).toEqual({
      occurrenceToReport: none,
      reportToTriage: none,
      triageToResolution: none,
      triageToClosure: none,
      reportToClosure: none,
    });
    expect(s.overdueActions).toEqual({ count: 3, fromPeriod: 0 });
    expect(s.notificationDeadlines.regulator).toEqual({ met: 0, missed: 0, pending: 0, notRequired: 0 });
    expect(s.repeatCauses).toEqual({ immediateCauses: [], categories: [] });
    expect(s.previous.period).toEqual({
      from: new Date('2025-05-01T00:00:00Z'),
      to: new Date('2025-06-01T00:00:00Z'),
    });
    expect(s.change.total).toEqual({ current: 0, previous: 0, change: 0, changePercent: null });
    expect(s.change.nearMissRatio).toBeNull();
  });

  it('refuses a period that ends before it starts', () => {
    expect(() =>
      computeStatistics(db, {
        from: new Date('2026-04-01T00:00:00Z'),
        to: new Date('2026-03-01T00:00:00Z'),
        now: NOW,
        orgTimeZone: 'UTC',
      }),
    ).toThrow(RangeError);
  });
});

describe('durations that run backwards', () => {
  it('leaves out a duration whose end was recorded before its start', () => {
    const own = openDatabase(':memory:');
    try {
      const at = (iso: string) => new Date(iso);
      const r1 = seedReport(own, testClock('2026-03-02T10:00:00Z'));
      const r2 = seedReport(own, testClock('2026-03-03T10:00:00Z'));
      const r3 = seedReport(own, testClock('2026-03-04T10:00:00Z'));
      const patch = (id: number, p: Partial<NewIncident>) =>
        own.update(incidents).set(p).where(eq(incidents.id, id)).run();
      // Operations were restored before the report was triaged: triage → resolution is −2 h.
      patch(r1.id, {
        severity: 'low',
        triageOutcome: 'incident',
        triagedAt: at('2026-03-02T14:00:00Z'),
        resolvedAt: at('2026-03-02T12:00:00Z'),
        status: 'resolved',
      });
      // Occurrence typed after the report (a mistaken date): occurrence → report is −5 h.
      patch(r2.id, {
        occurredAt: at('2026-03-03T15:00:00Z'),
        severity: 'low',
        triageOutcome: 'incident',
        triagedAt: at('2026-03-03T13:00:00Z'),
        resolvedAt: at('2026-03-03T16:00:00Z'),
        closedAt: at('2026-03-04T13:00:00Z'),
        status: 'closed',
      });
      // An ordinary one: 3 h to triage, 5 h to resolution, 24 h from triage to closure.
      patch(r3.id, {
        occurredAt: at('2026-03-04T09:00:00Z'),
        severity: 'low',
        triageOutcome: 'incident',
        triagedAt: at('2026-03-04T13:00:00Z'),
        resolvedAt: at('2026-03-04T18:00:00Z'),
        closedAt: at('2026-03-05T13:00:00Z'),
        status: 'closed',
      });
      const s = computeStatistics(own, {
        from: at('2026-03-01T00:00:00Z'),
        to: at('2026-04-01T00:00:00Z'),
        now: NOW,
        orgTimeZone: 'UTC',
      });
      expect(s.durations).toEqual({
        occurrenceToReport: { count: 1, medianHours: 1, p90Hours: 1 },
        reportToTriage: { count: 3, medianHours: 3, p90Hours: 4 },
        // r1's −2 h is left out: 3 h (r2) and 5 h (r3).
        triageToResolution: { count: 2, medianHours: 3, p90Hours: 5 },
        triageToClosure: { count: 2, medianHours: 24, p90Hours: 24 },
        reportToClosure: { count: 2, medianHours: 27, p90Hours: 27 },
      });
    } finally {
      closeDatabase(own);
    }
  });
});
