import { parseArgs } from 'node:util';
import { TZDate } from '@date-fns/tz';
import { addMilliseconds, format, startOfDay, startOfMonth, subMonths } from 'date-fns';
import { closeDatabase, openDatabase } from '../../db/client';
import { loadStorageConfig } from '../config';
import { parseOrgDate } from '../dates';
import { CATEGORY_GROUPS, type CategoryGroup } from '../domain/categories';
import { NOTIFICATION_LABELS } from '../domain/obligations';
import {
  type Change,
  computeStatistics,
  type DurationSummary,
  type Period,
  type Statistics,
} from '../services/statistics';
import { UsageError } from './usage-error';

/** The previous full calendar month in the organisation's zone, as [from, to). */
export function previousCalendarMonth(now: Date, timeZone: string): Period {
  const thisMonth = startOfMonth(new TZDate(now.getTime(), timeZone));
  return { from: new Date(subMonths(thisMonth, 1).getTime()), to: new Date(thisMonth.getTime()) };
}

function parseDate(flag: string, text: string, timeZone: string, end: 'start' | 'end'): Date {
  try {
    return parseOrgDate(text, timeZone, end);
  } catch (err) {
    throw new UsageError(`${flag} ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * `stats [--from DATE] [--to DATE] [--format text|json]`: the management-review statistics to
 * stdout. Each bound left out is that of the previous full calendar month in ORG_TIME_ZONE.
 */
export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      format: { type: 'string', default: 'text' },
    },
    strict: true,
  });
  if (values.format !== 'text' && values.format !== 'json')
    throw new UsageError('--format must be text or json');
  const storage = loadStorageConfig(process.env);
  const timeZone = storage.orgTimeZone;
  const now = new Date();
  const lastMonth = previousCalendarMonth(now, timeZone);
  const from = values.from ? parseDate('--from', values.from, timeZone, 'start') : lastMonth.from;
  const to = values.to ? parseDate('--to', values.to, timeZone, 'end') : lastMonth.to;
  if (from.getTime() >= to.getTime())
    throw new UsageError(
      `--from (${from.toISOString()}) must be before --to (${to.toISOString()}); --to DATE includes that day`,
    );

  const db = openDatabase(storage.databasePath);
  try {
    const started = performance.now();
    const stats = computeStatistics(db, { from, to, now, orgTimeZone: timeZone });
    process.stdout.write(
      values.format === 'json' ? `${JSON.stringify(stats, null, 2)}\n` : formatStatistics(stats),
    );
    process.stderr.write(
      `statistics for ${from.toISOString()} to ${to.toISOString()}: ${stats.total} report${stats.total === 1 ? '' : 's'} (${Math.round(performance.now() - started)} ms)\n`,
    );
  } finally {
    closeDatabase(db);
  }
}

/** A period as a person reads it: whole days as an inclusive date range, else local times. */
export function formatPeriod(period: Period, timeZone: string): string {
  const from = new TZDate(period.from.getTime(), timeZone);
  const to = new TZDate(period.to.getTime(), timeZone);
  if (startOfDay(from).getTime() === from.getTime() && startOfDay(to).getTime() === to.getTime())
    return `${format(from, 'd MMM yyyy')} to ${format(addMilliseconds(to, -1), 'd MMM yyyy')}`;
  return `${format(from, 'd MMM yyyy HH:mm')} to ${format(to, 'd MMM yyyy HH:mm')} (end not included)`;
}

const signed = (n: number) => (n > 0 ? `+${n}` : n === 0 ? '±0' : `−${-n}`);
const percent = (ratio: number | null) => (ratio === null ? '–' : `${Math.round(ratio * 100)}%`);
const hours = (h: number | null) => (h === null ? '–' : h.toFixed(1));

function changeText(c: Change): string {
  if (c.changePercent === null) return c.current === 0 ? 'previous 0' : `previous 0, ${signed(c.change)}`;
  return `previous ${c.previous}, ${signed(c.change)}, ${c.changePercent > 0 ? '+' : ''}${c.changePercent}%`;
}

/** `label 5 (+2)`, listed with a middle dot; `none` for an empty list. */
function list(items: { label: string; count: number; change?: number }[]): string {
  if (items.length === 0) return 'none';
  return items
    .map((i) => `${i.label} ${i.count}${i.change === undefined ? '' : ` (${signed(i.change)})`}`)
    .join(' · ');
}

const KIND_NAMES = { incident: 'incident', near_miss: 'near miss', weakness: 'weakness' } as const;

/** A compact plain-text report for the management review. */
export function formatStatistics(s: Statistics): string {
  const tz = s.period.timeZone;
  const c = s.change;
  const row = (label: string, text: string) => `  ${label.padEnd(20)}${text}`;
  const lines = [
    `Information-security incident statistics: ${formatPeriod(s.period, tz)} (${tz})`,
    `Changes are against ${formatPeriod(s.previous.period, tz)}.`,
    '',
    `Reports: ${s.total} (${changeText(c.total)})`,
    row('by month', list(s.byMonth.map((m) => ({ label: m.month, count: m.count })))),
    row(
      'by kind',
      list(
        (['incident', 'near_miss', 'weakness'] as const).map((k) => ({
          label: KIND_NAMES[k],
          count: s.byKind[k],
          change: c.byKind[k].change,
        })),
      ),
    ),
    row(
      'near-miss ratio',
      `${percent(s.nearMissRatio)} of incidents and near misses (previous ${percent(s.previous.nearMissRatio)})`,
    ),
    row(
      'by severity',
      list(
        (['critical', 'high', 'medium', 'low', 'untriaged', 'dismissed'] as const)
          .filter((k) => c.bySeverity[k].current + c.bySeverity[k].previous > 0)
          .map((k) => ({ label: k, count: s.bySeverity[k], change: c.bySeverity[k].change })),
      ),
    ),
    row(
      'by category group',
      list(
        (Object.keys(CATEGORY_GROUPS) as CategoryGroup[])
          .filter((g) => c.byCategoryGroup[g].current + c.byCategoryGroup[g].previous > 0)
          .map((g) => ({
            label: CATEGORY_GROUPS[g].label,
            count: s.byCategoryGroup[g],
            change: c.byCategoryGroup[g].change,
          })),
      ),
    ),
    row('by category', list(c.byCategory.map((x) => ({ label: x.label, count: x.current, change: x.change })))),
    row(
      'by department',
      list(c.byDepartment.map((x) => ({ label: x.department, count: x.current, change: x.change }))),
    ),
    '',
    `Time taken, hours        ${'median'.padStart(8)}${'90th pct'.padStart(10)}${'reports'.padStart(9)}`,
    ...(
      [
        ['occurrence → report', s.durations.occurrenceToReport],
        ['report → triage', s.durations.reportToTriage],
        ['triage → resolution', s.durations.triageToResolution],
        ['report → closure', s.durations.reportToClosure],
      ] as [string, DurationSummary][]
    ).map(
      ([label, d]) =>
        `  ${label.padEnd(22)}${hours(d.medianHours).padStart(8)}${hours(d.p90Hours).padStart(10)}${String(d.count).padStart(9)}`,
    ),
    '',
    `Notification deadlines   ${'met'.padStart(6)}${'missed'.padStart(8)}${'pending'.padStart(9)}${'not required'.padStart(14)}`,
    ...(Object.keys(s.notificationDeadlines) as (keyof Statistics['notificationDeadlines'])[]).map((k) => {
      const d = s.notificationDeadlines[k];
      return `  ${NOTIFICATION_LABELS[k].padEnd(22)}${String(d.met).padStart(6)}${String(d.missed).padStart(8)}${String(d.pending).padStart(9)}${String(d.notRequired).padStart(14)}`;
    }),
    '',
    `Overdue actions now: ${s.overdueActions.count} (${s.overdueActions.fromPeriod} on this period's reports)`,
    `Repeat immediate causes: ${list(s.repeatCauses.immediateCauses)}`,
    `Repeat categories: ${list(s.repeatCauses.categories)}`,
  ];
  return `${lines.join('\n')}\n`;
}
