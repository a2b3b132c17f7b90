import { parseArgs } from 'node:util';
import { TZDate } from '@date-fns/tz';
import { addMilliseconds, format, startOfDay } from 'date-fns';
import { closeDatabase, openDatabase } from '../../db/client';
import { loadStorageConfig } from '../config';
import { formatHours, previousMonth } from '../dates';
import { CATEGORY_GROUPS, type CategoryGroup } from '../domain/categories';
import { notificationLabel } from '../domain/outside-bodies';
import {
  type Change,
  computeStatistics,
  type DurationSummary,
  type Period,
  type Statistics,
} from '../services/statistics';
import { withOutput } from './output';
import { parseDateFlag, UsageError } from './usage-error';

/**
 * `stats [--from DATE] [--to DATE] [--format text|json] [--output FILE]`: the management-review
 * statistics to FILE or stdout. Each bound left out is that of the previous full calendar month in ORG_TIME_ZONE.
 */
export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      format: { type: 'string', default: 'text' },
      output: { type: 'string', short: 'o' },
    },
    strict: true,
  });
  if (values.format !== 'text' && values.format !== 'json')
    throw new UsageError('--format must be text or json');
  const storage = loadStorageConfig(process.env);
  const timeZone = storage.orgTimeZone;
  const now = new Date();
  const lastMonth = previousMonth(now, timeZone);
  const from = values.from ? parseDateFlag('--from', values.from, timeZone, 'start') : lastMonth.from;
  const to = values.to ? parseDateFlag('--to', values.to, timeZone, 'end') : lastMonth.to;
  if (from.getTime() >= to.getTime())
    throw new UsageError(
      `--from ${values.from ?? from.toISOString()} is not before --to ${values.to ?? to.toISOString()} (a --to date includes that whole day)`,
    );

  const db = openDatabase(storage.databasePath, { auditKey: storage.auditKey });
  try {
    const started = performance.now();
    const stats = computeStatistics(db, {
      from,
      to,
      now,
      orgTimeZone: timeZone,
      lateReportHours: storage.lateReportHours,
    });
    const text = values.format === 'json' ? `${JSON.stringify(stats, null, 2)}\n` : formatStatistics(stats);
    // A text report is for reading in the terminal; JSON is data, which npm's banners would spoil.
    if (values.format === 'text' && !values.output) process.stdout.write(text);
    else await withOutput(values.output, async (out) => void out.write(text));
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

function changeText(c: Change): string {
  if (c.changePercent === null) return c.current === 0 ? 'previous 0' : `previous 0, ${signed(c.change)}`;
  const sign = c.changePercent > 0 ? '+' : c.changePercent < 0 ? '−' : '';
  return `previous ${c.previous}, ${signed(c.change)}, ${sign}${Math.abs(c.changePercent)}%`;
}

/** `label 5 (+2)`, listed with a middle dot; `none` for an empty list. */
function list(items: { label: string; count: number; change?: number }[]): string {
  if (items.length === 0) return 'none';
  return items
    .map((i) => `${i.label} ${i.count}${i.change === undefined ? '' : ` (${signed(i.change)})`}`)
    .join(' · ');
}

/** A titled table of labels with right-aligned number columns. */
function table(title: string, head: string[], rows: [string, ...(string | number)[]][]): string[] {
  const width = Math.min(60, Math.max(title.length - 2, ...rows.map(([label]) => label.length)));
  const cols = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i + 1] ?? '').length)) + 2);
  const line = (label: string, cells: (string | number)[]) =>
    label.padEnd(width + 2) + cells.map((c, i) => String(c).padStart(cols[i] ?? 0)).join('');
  const clip = (label: string) => (label.length > width ? `${label.slice(0, width - 1)}…` : label);
  return [
    line(title, head),
    ...(rows.length === 0 ? ['  none'] : rows.map(([label, ...cells]) => line(`  ${clip(label)}`, cells))),
  ];
}

const KIND_NAMES = { incident: 'incident', near_miss: 'near miss', weakness: 'weakness' } as const;

/** A compact plain-text report for the management review. */
export function formatStatistics(s: Statistics): string {
  const tz = s.period.timeZone;
  const c = s.change;
  const lines = [
    `Information-security incident statistics: ${formatPeriod(s.period, tz)} (${tz})`,
    `Changes are against ${formatPeriod(s.previous.period, tz)}.`,
    '',
    `Reports: ${s.total} (${changeText(c.total)})`,
    `Near-miss ratio: ${percent(s.nearMissRatio)} of incidents and near misses (previous ${percent(s.previous.nearMissRatio)})`,
    `By month: ${list(s.byMonth.map((m) => ({ label: m.month, count: m.count })))}`,
    `By kind: ${list(
      (['incident', 'near_miss', 'weakness'] as const).map((k) => ({
        label: KIND_NAMES[k],
        count: s.byKind[k],
        change: c.byKind[k].change,
      })),
    )}`,
    `By severity: ${list(
      (['critical', 'high', 'medium', 'low', 'untriaged', 'dismissed'] as const)
        .filter((k) => c.bySeverity[k].current + c.bySeverity[k].previous > 0)
        .map((k) => ({ label: k, count: s.bySeverity[k], change: c.bySeverity[k].change })),
    )}`,
    '',
    ...table(
      'By category',
      ['reports', 'change'],
      (Object.keys(CATEGORY_GROUPS) as CategoryGroup[])
        .filter((g) => c.byCategoryGroup[g].current + c.byCategoryGroup[g].previous > 0)
        .flatMap((g) => [
          [CATEGORY_GROUPS[g].label, s.byCategoryGroup[g], signed(c.byCategoryGroup[g].change)] as [
            string,
            number,
            string,
          ],
          ...c.byCategory
            .filter((x) => x.group === g)
            .map((x) => [`  ${x.label}`, x.current, signed(x.change)] as [string, number, string]),
        ]),
    ),
    '',
    ...table(
      'By department',
      ['reports', 'change'],
      c.byDepartment.map((x) => [x.department, x.current, signed(x.change)]),
    ),
    '',
    ...table(
      'Time taken',
      ['median', '90th pct', 'reports'],
      (
        [
          ['occurrence → report', s.durations.occurrenceToReport],
          ['report → triage', s.durations.reportToTriage],
          ['triage → resolution', s.durations.triageToResolution],
          ['triage → closure', s.durations.triageToClosure],
          ['report → closure', s.durations.reportToClosure],
        ] as [string, DurationSummary][]
      ).map(([label, d]) => [label, formatHours(d.medianHours), formatHours(d.p90Hours), d.count]),
    ),
    '',
    ...table(
      'Notification deadlines',
      ['met', 'missed', 'pending', 'not required'],
      Object.entries(s.notificationDeadlines).map(([kind, d]) => [
        notificationLabel({ kind }),
        d.met,
        d.missed,
        d.pending,
        d.notRequired,
      ]),
    ),
    '',
    `Overdue actions now: ${s.overdueActions.count} (${s.overdueActions.fromPeriod} on this period's reports)`,
    `Late reports (more than ${formatHours(s.lateReports.limitHours)} after discovery): ${s.lateReports.count}`,
    `Reports saying customers are affected: ${s.affected.customers} · staff are affected: ${s.affected.staff}`,
    `Business impact: ${
      Object.entries(s.impact.byArea)
        .filter(([, n]) => n > 0)
        .map(([area, n]) => `${area} ${n}`)
        .join(', ') || 'none recorded'
    }; estimated cost ${s.impact.cost.total} over ${s.impact.cost.estimated} reports`,
    `By cause: ${s.impact.byCause.map((c) => `${c.label} ${c.count}`).join(', ') || 'none'}`,
    `Repeat immediate causes: ${list(s.repeatCauses.immediateCauses)}`,
    `Repeat categories: ${list(s.repeatCauses.categories)}`,
  ];
  return `${lines.join('\n')}\n`;
}
