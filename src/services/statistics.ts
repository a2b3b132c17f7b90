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
import { and, asc, count, desc, gte, lt, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { type IncidentKind, incidents, type Notification, type Severity } from '../../db/schema';
import { CATEGORY_GROUPS, type CategoryGroup, findCategory } from '../domain/categories';
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
}

export interface Period {
  from: Date;
  to: Date;
}

/** Severity as triaged; `untriaged` = no decision yet; `dismissed` = not an incident, or a duplicate. */
export type SeverityKey = Severity | 'untriaged' | 'dismissed';
export type NotificationKind = Notification['kind'];

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

/** Nearest-rank percentiles of the durations present; `count` is how many reports had both times. */
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
  notificationDeadlines: Record<NotificationKind, DeadlineOutcome>;
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
const NOTIFICATION_KEYS: readonly NotificationKind[] = ['regulator', 'police', 'cert', 'customers'];
const HOUR_MS = 3_600_000;

const ms = (d: Date) => d.getTime();
const zeros = <K extends string>(keys: readonly K[]) =>
  Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

function categoryOf(value: string): { label: string; group: CategoryGroup } {
  const c = findCategory(value);
  return c ? { label: c.label, group: c.group } : { label: value, group: 'other' };
}

function inPeriod(p: Period): SQL {
  return and(gte(incidents.reportedAt, p.from), lt(incidents.reportedAt, p.to)) as SQL;
}

/** Dismissals first: a record triaged with a severity and later dismissed is not an incident. */
const severityKey = sql<SeverityKey>`case
  when ${incidents.triageOutcome} in ('not_incident', 'duplicate') then 'dismissed'
  when ${incidents.severity} is null then 'untriaged'
  else ${incidents.severity} end`;

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

function periodCounts(db: Tx, period: Period): PeriodCounts {
  const where = inPeriod(period);

  // Kind × severity in one pass (at most 3 × 6 cells); the cells partition the period's reports,
  // so they also give the total.
  const byKind = zeros(KIND_KEYS);
  const bySeverity = zeros(SEVERITY_KEYS);
  let total = 0;
  for (const r of db
    .select({ kind: incidents.kind, severity: severityKey, n: count() })
    .from(incidents)
    .where(where)
    .groupBy(incidents.kind, severityKey)
    .all()) {
    byKind[r.kind] += r.n;
    bySeverity[r.severity] += r.n;
    total += r.n;
  }

  const byCategory = db
    .select({ category: incidents.category, n: count() })
    .from(incidents)
    .where(where)
    .groupBy(incidents.category)
    .orderBy(desc(count()), asc(incidents.category))
    .all()
    .map((r) => ({ category: r.category, ...categoryOf(r.category), count: r.n }));

  // Rolls up at most one row per category, which the query above has already aggregated.
  const byCategoryGroup = zeros(GROUP_KEYS);
  for (const c of byCategory) byCategoryGroup[c.group] += c.count;

  const byDepartment = db
    .select({ department: incidents.department, n: count() })
    .from(incidents)
    .where(where)
    .groupBy(incidents.department)
    .orderBy(desc(count()), asc(incidents.department))
    .all()
    .map((r) => ({ department: r.department, count: r.n }));

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

function countByMonth(db: Tx, period: Period, timeZone: string): MonthCount[] {
  const months = monthRanges(period, timeZone);
  if (months.length === 0) return [];
  const values = sql.join(
    months.map((m, i) => sql`(${i}, ${ms(m.from)}, ${ms(m.to)})`),
    sql`, `,
  );
  // One index range count per month; months without reports come back as 0.
  const rows = db.all<{ idx: number; n: number }>(sql`
    with months(idx, start_ms, end_ms) as (values ${values})
    select m.idx as idx, count(i.id) as n
    from months m
    left join incidents i on i.reported_at >= m.start_ms and i.reported_at < m.end_ms
    group by m.idx`);
  const counts = new Map(rows.map((r) => [r.idx, r.n]));
  return months.map((m, i) => ({ ...m, count: counts.get(i) ?? 0 }));
}

interface Measure {
  start: SQL;
  end: SQL;
  /** Further condition on the reports measured. */
  only: SQL;
}

const MEASURES: Record<keyof Durations, Measure> = {
  occurrenceToReport: {
    start: sql`${incidents.occurredAt}`,
    end: sql`${incidents.reportedAt}`,
    only: sql`1`,
  },
  reportToTriage: { start: sql`${incidents.reportedAt}`, end: sql`${incidents.triagedAt}`, only: sql`1` },
  triageToResolution: { start: sql`${incidents.triagedAt}`, end: sql`${incidents.resolvedAt}`, only: sql`1` },
  // A dismissal is "closed" at triage: it is not an incident closed.
  reportToClosure: {
    start: sql`${incidents.reportedAt}`,
    end: sql`${incidents.closedAt}`,
    only: sql`${incidents.triageOutcome} = 'incident'`,
  },
};
const MEASURE_KEYS = Object.keys(MEASURES) as (keyof Durations)[];

/**
 * Median and 90th percentile by the nearest-rank method: the values at ranks ⌈n/2⌉ and ⌈9n/10⌉ of
 * the sorted durations. One pass counts n for every measure; then each rank is one ORDER BY …
 * LIMIT 1 OFFSET query, so a single value per rank leaves SQLite. The 90th percentile is taken
 * from the top (DESC, offset n − k), which sorts a tenth of the rows instead of nine tenths.
 * (A row_number() window was measured at twice the cost, and one window partitioned over all
 * four measures at six times.)
 */
function durations(db: Tx, period: Period): Durations {
  const measured = (m: Measure) =>
    sql`${inPeriod(period)} and ${m.start} is not null and ${m.end} is not null and ${m.only}`;
  const counts = db.get<Record<keyof Durations, number>>(sql`
    select ${sql.join(
      MEASURE_KEYS.map((k) => {
        const m = MEASURES[k];
        return sql`count(case when ${m.start} is not null and ${m.end} is not null and ${m.only} then 1 end) as ${sql.identifier(k)}`;
      }),
      sql`, `,
    )}
    from ${incidents}
    where ${inPeriod(period)}`);
  const at = (m: Measure, rank: number, n: number): number | null => {
    // Rank k from the bottom is rank n − k + 1 from the top; take whichever sorts fewer rows.
    const fromTop = rank > n / 2;
    const row = db.get<{ ms: number } | undefined>(sql`
      select ${m.end} - ${m.start} as ms from ${incidents}
      where ${measured(m)}
      order by ms ${fromTop ? sql`desc` : sql`asc`}
      limit 1 offset ${fromTop ? n - rank : rank - 1}`);
    return row ? row.ms / HOUR_MS : null;
  };
  const summary = (k: keyof Durations): DurationSummary => {
    const n = counts?.[k] ?? 0;
    if (n === 0) return { count: 0, medianHours: null, p90Hours: null };
    return {
      count: n,
      medianHours: at(MEASURES[k], Math.ceil(n / 2), n),
      p90Hours: at(MEASURES[k], Math.ceil((9 * n) / 10), n),
    };
  };
  return {
    occurrenceToReport: summary('occurrenceToReport'),
    reportToTriage: summary('reportToTriage'),
    triageToResolution: summary('triageToResolution'),
    reportToClosure: summary('reportToClosure'),
  };
}

function overdueActions(db: Tx, period: Period, now: Date): Statistics['overdueActions'] {
  // The period's incident ids are collected once by the IN list, not looked up per action.
  const row = db.get<{ n: number; in_period: number } | undefined>(sql`
    select count(*) as n,
      coalesce(sum(a.incident_id in (select ${incidents.id} from ${incidents} where ${inPeriod(period)})), 0)
        as in_period
    from actions a
    where a.status = 'open' and a.due_at < ${ms(now)}`);
  return { count: row?.n ?? 0, fromPeriod: row?.in_period ?? 0 };
}

function notificationDeadlines(db: Tx, period: Period, now: Date): Record<NotificationKind, DeadlineOutcome> {
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
  ) as Record<NotificationKind, DeadlineOutcome>;
  for (const r of rows)
    out[r.kind] = { met: r.met, missed: r.missed, pending: r.pending, notRequired: r.notRequired };
  return out;
}

function repeatCauses(db: Tx, period: Period): Statistics['repeatCauses'] {
  const notDuplicate = sql`${incidents.triageOutcome} is not 'duplicate'`;
  const causeLabel = (v: string) => IMMEDIATE_CAUSES.find((c) => c.value === v)?.label ?? v;
  const immediateCauses = db
    .select({ cause: sql<string>`${incidents.immediateCause}`, n: count() })
    .from(incidents)
    .where(and(inPeriod(period), notDuplicate, sql`${incidents.immediateCause} is not null`))
    .groupBy(incidents.immediateCause)
    .having(sql`count(*) >= 2`)
    .orderBy(desc(count()), asc(incidents.immediateCause))
    .all()
    .map((r) => ({ cause: r.cause, label: causeLabel(r.cause), count: r.n }));
  const categories = db
    .select({ category: incidents.category, n: count() })
    .from(incidents)
    .where(and(inPeriod(period), notDuplicate))
    .groupBy(incidents.category)
    .having(sql`count(*) >= 2`)
    .orderBy(desc(count()), asc(incidents.category))
    .all()
    .map((r) => ({ category: r.category, ...categoryOf(r.category), count: r.n }));
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
      const current = periodCounts(tx, period);
      const previous = periodCounts(tx, before);
      return {
        period: { from, to, timeZone: orgTimeZone, now },
        ...current,
        byMonth: countByMonth(tx, period, orgTimeZone),
        durations: durations(tx, period),
        overdueActions: overdueActions(tx, period, now),
        notificationDeadlines: notificationDeadlines(tx, period, now),
        repeatCauses: repeatCauses(tx, period),
        previous: { period: before, ...previous },
        change: changes(current, previous),
      };
    },
    { behavior: 'deferred' },
  );
}
