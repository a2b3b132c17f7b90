import { TZDate } from '@date-fns/tz';
import {
  addMonths,
  differenceInCalendarDays,
  differenceInCalendarMonths,
  startOfDay,
  startOfMonth,
  subDays,
  subMonths,
} from 'date-fns';
import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import {
  DURATION_INDEXES,
  type Incident,
  type IncidentKind,
  incidents,
  type Notification,
  type Severity,
} from '../../db/schema';
import { IMPACT_AREAS, type ImpactArea } from '../domain/business-impact';
import { CATEGORY_GROUPS, type CategoryGroup, findCategory } from '../domain/categories';
import { DEFAULT_BODY_IDS, type DefaultBodyId } from '../domain/outside-bodies';
import { IMMEDIATE_CAUSES } from '../domain/report-options';
import type { Tx } from '../domain/tx';

/**
 * Statistics for the management review (PRODUCT.md "The register"), computed in SQL over the
 * register: only aggregates leave the database, never the incident rows themselves.
 *
 * Every figure is about the reports made in a period, [from, to) on reported_at, except the
 * overdue-action count, which is a snapshot of the whole register at `now` (with the part that
 * belongs to the period's reports beside it).
 */

export interface StatisticsOptions {
  /** First instant of the period (inclusive). */
  from: Date;
  /** End of the period (exclusive). */
  to: Date;
  /** Decides what is overdue and which pending deadlines have passed. */
  now: Date;
  /** IANA zone whose calendar months the counts by month follow. */
  orgTimeZone: string;
  /** LATE_REPORT_HOURS: a report made later than this after discovery is late (default 24). */
  lateReportHours?: number;
}

export interface Period {
  from: Date;
  to: Date;
}

/** Severity as triaged; `untriaged` = no decision yet; `dismissed` = not an incident, or a duplicate. */
export type SeverityKey = Severity | 'untriaged' | 'dismissed';
/** An outside body: the four defaults always, and any declared body with obligations in the period. */
export type NotificationKind = Notification['kind'];
export type NotificationDeadlines = Record<DefaultBodyId, DeadlineOutcome> & Record<string, DeadlineOutcome>;

export interface MonthCount {
  /** The calendar month in the organisation's zone, `YYYY-MM`. */
  month: string;
  /** The part of the month inside the period: [from, to). */
  from: Date;
  to: Date;
  count: number;
}

export interface CategoryCount {
  category: string;
  label: string;
  group: CategoryGroup;
  count: number;
}

export interface DepartmentCount {
  department: string;
  count: number;
}

export interface CauseCount {
  cause: string;
  label: string;
  count: number;
}

/**
 * Nearest-rank percentiles of the durations present; `count` is how many reports had both times in
 * order. A negative duration (an end recorded before its start, e.g. operations restored before
 * the report was triaged) measures nothing and is left out.
 */
export interface DurationSummary {
  count: number;
  medianHours: number | null;
  p90Hours: number | null;
}

export interface Durations {
  /** occurred_at → reported_at, for reports that say when it occurred. */
  occurrenceToReport: DurationSummary;
  /** reported_at → triaged_at, every triage decision (dismissals included). */
  reportToTriage: DurationSummary;
  /** triaged_at → resolved_at (operations restored). */
  triageToResolution: DurationSummary;
  /** triaged_at → closed_at of incidents; a dismissal "closes" at triage and is left out. */
  triageToClosure: DurationSummary;
  /** reported_at → closed_at of incidents; a dismissal "closes" at triage and is left out. */
  reportToClosure: DurationSummary;
}

/**
 * External notification deadlines of the period's reports. met: done by the deadline; missed: done
 * after it, or still pending after it; pending: not done and not yet due; notRequired: a recorded
 * decision not to notify.
 */
export interface DeadlineOutcome {
  met: number;
  missed: number;
  pending: number;
  notRequired: number;
}

/** The counts that are compared with the previous period. */
export interface PeriodCounts {
  total: number;
  byKind: Record<IncidentKind, number>;
  bySeverity: Record<SeverityKey, number>;
  /** Categories with at least one report, most reported first. */
  byCategory: CategoryCount[];
  byCategoryGroup: Record<CategoryGroup, number>;
  /** Departments with at least one report, most reported first. */
  byDepartment: DepartmentCount[];
  /** near misses / (incidents + near misses); null when there were neither. */
  nearMissRatio: number | null;
}

export interface Change {
  current: number;
  previous: number;
  change: number;
  /** Rounded to one decimal place; null when the previous count was 0. */
  changePercent: number | null;
}

export interface Changes {
  total: Change;
  byKind: Record<IncidentKind, Change>;
  bySeverity: Record<SeverityKey, Change>;
  byCategory: (Change & { category: string; label: string; group: CategoryGroup })[];
  byCategoryGroup: Record<CategoryGroup, Change>;
  byDepartment: (Change & { department: string })[];
  /** Difference of the ratios (current − previous); null when either is null. */
  nearMissRatio: number | null;
}

export interface Statistics extends PeriodCounts {
  period: Period & { timeZone: string; now: Date };
  byMonth: MonthCount[];
  durations: Durations;
  overdueActions: {
    /** Open actions anywhere in the register whose due time is before `now`. */
    count: number;
    /** Of those, the ones on reports made in the period. */
    fromPeriod: number;
  };
  notificationDeadlines: NotificationDeadlines;
  /**
   * Seed 000 Rep.4.4: the period's reports by business impact (one report may count in several
   * areas), by immediate cause (every cause, not only repeats), and their estimated cost.
   */
  impact: {
    byArea: Record<ImpactArea, number>;
    byCause: CauseCount[];
    /** Sum of the estimates given, over `estimated` reports. */
    cost: { total: number; estimated: number };
  };
  /** Seed 000 Rep.1 "immediately": the period's reports made more than `limitHours` after discovery. */
  lateReports: { count: number; limitHours: number };
  /** Issue 13 item 4: the period's reports saying customers, and staff, are affected (one may say both). */
  affected: { customers: number; staff: number };
  /**
   * Immediate causes and categories reported twice or more in the period. A report triaged as a
   * duplicate is the same event again, so it is left out here: it would fake a repeat.
   */
  repeatCauses: { immediateCauses: CauseCount[]; categories: CategoryCount[] };
  /** The period before, of the same length: whole calendar months or days where the period is. */
  previous: PeriodCounts & { period: Period };
  change: Changes;
}

const KIND_KEYS: readonly IncidentKind[] = ['incident', 'near_miss', 'weakness'];
const SEVERITY_KEYS: readonly SeverityKey[] = ['critical', 'high', 'medium', 'low', 'untriaged', 'dismissed'];
const GROUP_KEYS = Object.keys(CATEGORY_GROUPS) as CategoryGroup[];
const NOTIFICATION_KEYS: readonly DefaultBodyId[] = DEFAULT_BODY_IDS;
const HOUR_MS = 3_600_000;
const DEFAULT_LATE_REPORT_HOURS = 24;

const ms = (d: Date) => d.getTime();
const zeros = <K extends string>(keys: readonly K[]) =>
  Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

function categoryOf(value: string): { label: string; group: CategoryGroup } {
  const c = findCategory(value);
  return c ? { label: c.label, group: c.group } : { label: value, group: 'other' };
}

/** Reports made in [from, to), for queries on incidents without an alias. */
const inPeriod = (p: Period) => sql`reported_at >= ${ms(p.from)} and reported_at < ${ms(p.to)}`;

/**
 * The calendar months of the organisation's zone that the period touches, each clipped to the
 * period. TZDate does the zone arithmetic, so months are right across DST changes.
 */
export function monthRanges(period: Period, timeZone: string): { month: string; from: Date; to: Date }[] {
  const out: { month: string; from: Date; to: Date }[] = [];
  let start = startOfMonth(new TZDate(ms(period.from), timeZone));
  while (ms(start) < ms(period.to)) {
    const next = addMonths(start, 1);
    out.push({
      month: `${start.getFullYear()}-${String(start.getMonth() + 1).padStart(2, '0')}`,
      from: new Date(Math.max(ms(start), ms(period.from))),
      to: new Date(Math.min(ms(next), ms(period.to))),
    });
    start = next;
  }
  return out;
}

/**
 * The period before, of the same length. Whole calendar months (in the organisation's zone) step
 * back by months, so March is compared with February; whole days step back by calendar days, so a
 * week across a DST change is compared with the week before; anything else by its exact length.
 */
export function previousPeriod(period: Period, timeZone: string): Period {
  const from = new TZDate(ms(period.from), timeZone);
  const to = new TZDate(ms(period.to), timeZone);
  const at = (d: Date) => new Date(ms(d));
  if (ms(startOfMonth(from)) === ms(from) && ms(startOfMonth(to)) === ms(to))
    return { from: at(subMonths(from, differenceInCalendarMonths(to, from))), to: at(period.from) };
  if (ms(startOfDay(from)) === ms(from) && ms(startOfDay(to)) === ms(to))
    return { from: at(subDays(from, differenceInCalendarDays(to, from))), to: at(period.from) };
  return { from: new Date(2 * ms(period.from) - ms(period.to)), to: at(period.from) };
}

/** One cell of a period's reports: every count by kind, severity, category and department rolls up from these. */
interface Cell {
  kind: IncidentKind;
  severity: SeverityKey;
  category: string;
  department: string;
  /** Triaged as a duplicate: the same event again, left out of repeat causes. */
  duplicate: boolean;
  n: number;
}

/** Dismissals first: a record triaged with a severity and later dismissed is not an incident. */
function severityKey(severity: Severity | null, outcome: Incident['triageOutcome']): SeverityKey {
  if (outcome === 'not_incident' || outcome === 'duplicate') return 'dismissed';
  return severity ?? 'untriaged';
}

/**
 * The reports of a period and of the one just before it, grouped by kind × category × department ×
 * severity × outcome in one pass over incidents_groups: the index is in that order, so SQLite
 * groups as it reads. The pass reads the whole index, checking reported_at in each entry, which
 * costs a fifth of sorting the period's rows as a range on reported_at would (measured at 100,000
 * incidents). The cells are aggregates, a few thousand at most, rolled up in JS.
 */
function periodCells(db: Tx, period: Period, before: Period): { current: Cell[]; previous: Cell[] } {
  const rows = db.all<{
    kind: IncidentKind;
    category: string;
    department: string;
    severity: Severity | null;
    outcome: Incident['triageOutcome'];
    current: number;
    previous: number;
  }>(sql`
    select kind, category, department, severity, triage_outcome as outcome,
      sum(reported_at >= ${ms(period.from)} and reported_at < ${ms(period.to)}) as current,
      sum(reported_at >= ${ms(before.from)} and reported_at < ${ms(before.to)}) as previous
    from incidents indexed by incidents_groups
    where reported_at >= ${Math.min(ms(period.from), ms(before.from))}
      and reported_at < ${Math.max(ms(period.to), ms(before.to))}
    group by kind, category, department, severity, triage_outcome`);
  const current: Cell[] = [];
  const previous: Cell[] = [];
  for (const r of rows) {
    const cell = {
      kind: r.kind,
      severity: severityKey(r.severity, r.outcome),
      category: r.category,
      department: r.department,
      duplicate: r.outcome === 'duplicate',
    };
    if (r.current > 0) current.push({ ...cell, n: r.current });
    if (r.previous > 0) previous.push({ ...cell, n: r.previous });
  }
  return { current, previous };
}

/** Sums `n` by key, most first, ties by key. */
function tally(cells: Cell[], key: (c: Cell) => string): [string, number][] {
  const out = new Map<string, number>();
  for (const c of cells) out.set(key(c), (out.get(key(c)) ?? 0) + c.n);
  return [...out].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function periodCounts(cells: Cell[]): PeriodCounts {
  const byKind = zeros(KIND_KEYS);
  const bySeverity = zeros(SEVERITY_KEYS);
  let total = 0;
  for (const c of cells) {
    byKind[c.kind] += c.n;
    bySeverity[c.severity] += c.n;
    total += c.n;
  }
  const byCategory = tally(cells, (c) => c.category).map(([category, count]) => ({
    category,
    ...categoryOf(category),
    count,
  }));
  const byCategoryGroup = zeros(GROUP_KEYS);
  for (const c of byCategory) byCategoryGroup[c.group] += c.count;
  const byDepartment = tally(cells, (c) => c.department).map(([department, count]) => ({
    department,
    count,
  }));
  const actual = byKind.incident + byKind.near_miss;
  return {
    total,
    byKind,
    bySeverity,
    byCategory,
    byCategoryGroup,
    byDepartment,
    nearMissRatio: actual === 0 ? null : byKind.near_miss / actual,
  };
}

/** The durations measured: those the schema keeps an index for (each is a key of Durations). */
type DurationKey = (typeof DURATION_INDEXES)[number]['key'] & keyof Durations;
const MEASURE_KEYS: readonly DurationKey[] = DURATION_INDEXES.map((d) => d.key);
const MEASURES = Object.fromEntries(DURATION_INDEXES.map((d) => [d.key, d])) as Record<
  DurationKey,
  (typeof DURATION_INDEXES)[number]
>;
const measure = (k: DurationKey) => MEASURES[k];

function monthRows<T>(
  db: Tx,
  period: Period,
  timeZone: string,
  columns: SQL,
): { months: ReturnType<typeof monthRanges>; rows: Map<number, T> } {
  const months = monthRanges(period, timeZone);
  const rows = new Map<number, T>();
  // One aggregate over each month's index range, joined with UNION ALL: no row is sorted or
  // grouped (a join on a table of months sorted every report by month). SQLite takes at most 500
  // selects in one compound statement.
  for (let first = 0; first < months.length; first += MONTHS_PER_QUERY) {
    const selects = months.slice(first, first + MONTHS_PER_QUERY).map(
      (m, i) => sql`select ${first + i} as idx, ${columns} from incidents i
          where i.reported_at >= ${ms(m.from)} and i.reported_at < ${ms(m.to)}`,
    );
    for (const r of db.all<T & { idx: number }>(sql.join(selects, sql` union all `))) rows.set(r.idx, r);
  }
  return { months, rows };
}
const MONTHS_PER_QUERY = 120;

/** What one pass over the period's reports counts besides the months (see countByMonth). */
interface PeriodFacts {
  late: number;
  customers: number;
  staff: number;
  cost: Statistics['impact']['cost'];
}

/**
 * Reports per calendar month of the organisation's zone (months without reports are 0) and, in
 * the same pass over incidents_statistics (which covers every column read), how many of them each
 * duration measures (the n its percentiles rank within), how many were reported late, who is
 * affected and the estimated cost: one read of the period instead of one per figure.
 */
function countByMonth(
  db: Tx,
  period: Period,
  timeZone: string,
  lateReportHours: number,
): { byMonth: MonthCount[]; measured: Record<DurationKey, number>; facts: PeriodFacts } {
  const { months, rows } = monthRows<
    { n: number; late: number | null; customers: number | null; staff: number | null } & {
      cost: number | null;
      estimated: number;
    } & Record<DurationKey, number>
  >(
    db,
    period,
    timeZone,
    sql`count(i.id) as n, ${sql.join(
      MEASURE_KEYS.map(
        (k) => sql`count(case when ${sql.raw(measure(k).where)} then 1 end) as ${sql.identifier(k)}`,
      ),
      sql`, `,
    )}, sum(i.reported_at - i.discovered_at > ${lateReportHours * HOUR_MS}) as late,
      sum(i.customers_affected = 'yes') as customers, sum(i.staff_affected = 'yes') as staff,
      sum(i.impact_cost) as cost, count(i.impact_cost) as estimated`,
  );
  const measured = Object.fromEntries(MEASURE_KEYS.map((k) => [k, 0])) as Record<DurationKey, number>;
  const facts: PeriodFacts = { late: 0, customers: 0, staff: 0, cost: { total: 0, estimated: 0 } };
  for (const r of rows.values()) {
    for (const k of MEASURE_KEYS) measured[k] += r[k] ?? 0;
    facts.late += r.late ?? 0;
    facts.customers += r.customers ?? 0;
    facts.staff += r.staff ?? 0;
    facts.cost.total += r.cost ?? 0;
    facts.cost.estimated += r.estimated;
  }
  return { byMonth: months.map((m, i) => ({ ...m, count: rows.get(i)?.n ?? 0 })), measured, facts };
}

/** The same by kind, for the monthly report's trend chart: one query for all its months. */
export function countByMonthAndKind(
  db: Tx,
  period: Period,
  timeZone: string,
): (MonthCount & { byKind: Record<IncidentKind, number> })[] {
  const { months, rows } = monthRows<{ n: number } & Record<IncidentKind, number | null>>(
    db,
    period,
    timeZone,
    sql`count(i.id) as n, sum(i.kind = 'incident') as incident, sum(i.kind = 'near_miss') as near_miss,
      sum(i.kind = 'weakness') as weakness`,
  );
  return months.map((m, i) => {
    const r = rows.get(i);
    return {
      ...m,
      count: r?.n ?? 0,
      byKind: { incident: r?.incident ?? 0, near_miss: r?.near_miss ?? 0, weakness: r?.weakness ?? 0 },
    };
  });
}

/**
 * Median and 90th percentile by the nearest-rank method: the values at ranks ⌈n/2⌉ and ⌈9n/10⌉ of
 * the sorted durations, n counted by countByMonth. Each rank is one ORDER BY … LIMIT 1 OFFSET query
 * on that measure's partial index, which holds the durations in order, so SQLite steps along it
 * (checking reported_at in the index) instead of sorting: a single value per rank leaves the
 * database. The 90th percentile is walked from the top (DESC, offset n − k), a tenth of the way.
 */
function durations(db: Tx, period: Period, measured: Record<DurationKey, number>): Durations {
  const at = (k: DurationKey, rank: number, n: number): number | null => {
    const m = measure(k);
    // Rank k from the bottom is rank n − k + 1 from the top; walk whichever is shorter.
    const fromTop = rank > n / 2;
    const row = db.get<{ ms: number } | undefined>(sql`
      select ${sql.raw(`${m.end} - ${m.start}`)} as ms
      from incidents indexed by ${sql.raw(m.index)}
      where ${sql.raw(m.where)} and ${inPeriod(period)}
      order by ${sql.raw(`${m.end} - ${m.start}`)} ${fromTop ? sql`desc` : sql`asc`}
      limit 1 offset ${fromTop ? n - rank : rank - 1}`);
    return row ? row.ms / HOUR_MS : null;
  };
  const summary = (k: DurationKey): DurationSummary => {
    const n = measured[k];
    if (n === 0) return { count: 0, medianHours: null, p90Hours: null };
    return { count: n, medianHours: at(k, Math.ceil(n / 2), n), p90Hours: at(k, Math.ceil((9 * n) / 10), n) };
  };
  return {
    occurrenceToReport: summary('occurrenceToReport'),
    reportToTriage: summary('reportToTriage'),
    triageToResolution: summary('triageToResolution'),
    triageToClosure: summary('triageToClosure'),
    reportToClosure: summary('reportToClosure'),
  };
}

function overdueActions(db: Tx, period: Period, now: Date): Statistics['overdueActions'] {
  // Only the overdue actions' incidents are looked up (by primary key), not the period's ids.
  const row = db.get<{ n: number; in_period: number | null } | undefined>(sql`
    select count(*) as n,
      sum(i.reported_at >= ${ms(period.from)} and i.reported_at < ${ms(period.to)}) as in_period
    from actions a indexed by actions_open_due
    join ${incidents} i on i.id = a.incident_id
    where a.status = 'open' and a.due_at < ${ms(now)}`);
  return { count: row?.n ?? 0, fromPeriod: row?.in_period ?? 0 };
}

function notificationDeadlines(db: Tx, period: Period, now: Date): NotificationDeadlines {
  // A "done" without a time (never written by the app) counts as met: the obligation was met.
  const rows = db.all<{ kind: NotificationKind } & DeadlineOutcome>(sql`
    select n.kind as kind,
      sum(case when n.status = 'done' and (n.due_at is null or n.done_at is null or n.done_at <= n.due_at)
        then 1 else 0 end) as met,
      sum(case when (n.status = 'done' and n.done_at > n.due_at)
          or (n.status = 'pending' and n.due_at < ${ms(now)}) then 1 else 0 end) as missed,
      sum(case when n.status = 'pending' and (n.due_at is null or n.due_at >= ${ms(now)})
        then 1 else 0 end) as pending,
      sum(case when n.status = 'not_required' then 1 else 0 end) as notRequired
    from notifications n
    join incidents i on i.id = n.incident_id
    where i.reported_at >= ${ms(period.from)} and i.reported_at < ${ms(period.to)}
    group by n.kind`);
  const out = Object.fromEntries(
    NOTIFICATION_KEYS.map((k) => [k, { met: 0, missed: 0, pending: 0, notRequired: 0 }]),
  ) as NotificationDeadlines;
  for (const r of rows)
    out[r.kind] = { met: r.met, missed: r.missed, pending: r.pending, notRequired: r.notRequired };
  return out;
}

function businessImpact(db: Tx, period: Period, cost: PeriodFacts['cost']): Statistics['impact'] {
  const byArea = zeros(IMPACT_AREAS.map((a) => a.value));
  for (const r of db.all<{ area: string; n: number }>(sql`
    select j.value as area, count(*) as n from incidents indexed by incidents_impact, json_each(incidents.impact_areas) j
    where incidents.impact_areas is not null and ${inPeriod(period)}
    group by j.value`))
    if (r.area in byArea) byArea[r.area as ImpactArea] = r.n;
  const causeLabel = (v: string) => IMMEDIATE_CAUSES.find((c) => c.value === v)?.label ?? v;
  const byCause = db
    .all<{ cause: string; n: number }>(sql`
      select immediate_cause as cause, count(*) as n
      from incidents indexed by incidents_causes
      where immediate_cause is not null and triage_outcome is not 'duplicate' and ${inPeriod(period)}
      group by immediate_cause`)
    .sort((a, b) => b.n - a.n || (a.cause < b.cause ? -1 : 1))
    .map((r) => ({ cause: r.cause, label: causeLabel(r.cause), count: r.n }));
  return { byArea, byCause, cost };
}

function repeatCauses(db: Tx, period: Period, cells: Cell[]): Statistics['repeatCauses'] {
  const causeLabel = (v: string) => IMMEDIATE_CAUSES.find((c) => c.value === v)?.label ?? v;
  // incidents_causes is in cause order, so the causes are counted as read, like periodCells.
  const immediateCauses = db
    .all<{ cause: string; n: number }>(sql`
      select immediate_cause as cause, count(*) as n
      from incidents indexed by incidents_causes
      where immediate_cause is not null and triage_outcome is not 'duplicate'
        and ${inPeriod(period)}
      group by immediate_cause
      having count(*) >= 2`)
    .sort((a, b) => b.n - a.n || (a.cause < b.cause ? -1 : 1))
    .map((r) => ({ cause: r.cause, label: causeLabel(r.cause), count: r.n }));
  const categories = tally(
    cells.filter((c) => !c.duplicate),
    (c) => c.category,
  )
    .filter(([, n]) => n >= 2)
    .map(([category, n]) => ({ category, ...categoryOf(category), count: n }));
  return { immediateCauses, categories };
}

export function change(current: number, previous: number): Change {
  return {
    current,
    previous,
    change: current - previous,
    changePercent: previous === 0 ? null : Math.round(((current - previous) / previous) * 1000) / 10,
  };
}

function changes(current: PeriodCounts, previous: PeriodCounts): Changes {
  const byKey = <K extends string>(keys: readonly K[], a: Record<K, number>, b: Record<K, number>) =>
    Object.fromEntries(keys.map((k) => [k, change(a[k], b[k])])) as Record<K, Change>;
  const countOf = <T extends { count: number }>(rows: T[], match: (r: T) => boolean) =>
    rows.find(match)?.count ?? 0;
  const byCurrent = (a: Change, b: Change) => b.current - a.current || b.previous - a.previous;
  const categories = [...new Set([...current.byCategory, ...previous.byCategory].map((c) => c.category))];
  const departments = [
    ...new Set([...current.byDepartment, ...previous.byDepartment].map((d) => d.department)),
  ];
  return {
    total: change(current.total, previous.total),
    byKind: byKey(KIND_KEYS, current.byKind, previous.byKind),
    bySeverity: byKey(SEVERITY_KEYS, current.bySeverity, previous.bySeverity),
    byCategory: categories
      .map((category) => ({
        category,
        ...categoryOf(category),
        ...change(
          countOf(current.byCategory, (c) => c.category === category),
          countOf(previous.byCategory, (c) => c.category === category),
        ),
      }))
      .sort((a, b) => byCurrent(a, b) || a.category.localeCompare(b.category)),
    byCategoryGroup: byKey(GROUP_KEYS, current.byCategoryGroup, previous.byCategoryGroup),
    byDepartment: departments
      .map((department) => ({
        department,
        ...change(
          countOf(current.byDepartment, (d) => d.department === department),
          countOf(previous.byDepartment, (d) => d.department === department),
        ),
      }))
      .sort((a, b) => byCurrent(a, b) || a.department.localeCompare(b.department)),
    nearMissRatio:
      current.nearMissRatio === null || previous.nearMissRatio === null
        ? null
        : current.nearMissRatio - previous.nearMissRatio,
  };
}

export function computeStatistics(db: Db, opts: StatisticsOptions): Statistics {
  const { from, to, now, orgTimeZone } = opts;
  if (Number.isNaN(ms(from)) || Number.isNaN(ms(to)) || Number.isNaN(ms(now)))
    throw new RangeError('statistics need valid from, to and now times');
  if (ms(from) >= ms(to)) throw new RangeError('the period must start before it ends');
  const period: Period = { from, to };
  const before = previousPeriod(period, orgTimeZone);

  // One read transaction: every figure sees the same register, even while the app writes.
  return db.transaction(
    (tx) => {
      const cells = periodCells(tx, period, before);
      const current = periodCounts(cells.current);
      const previous = periodCounts(cells.previous);
      const lateReportHours = opts.lateReportHours ?? DEFAULT_LATE_REPORT_HOURS;
      const months = countByMonth(tx, period, orgTimeZone, lateReportHours);
      return {
        period: { from, to, timeZone: orgTimeZone, now },
        ...current,
        byMonth: months.byMonth,
        durations: durations(tx, period, months.measured),
        overdueActions: overdueActions(tx, period, now),
        notificationDeadlines: notificationDeadlines(tx, period, now),
        impact: businessImpact(tx, period, months.facts.cost),
        lateReports: { count: months.facts.late, limitHours: lateReportHours },
        affected: { customers: months.facts.customers, staff: months.facts.staff },
        repeatCauses: repeatCauses(tx, period, cells.current),
        previous: { period: before, ...previous },
        change: changes(current, previous),
      };
    },
    { behavior: 'deferred' },
  );
}
