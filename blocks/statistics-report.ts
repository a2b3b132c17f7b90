import { TZDate } from '@date-fns/tz';
import type { KnownBlock } from '@slack/types';
import { format, subMilliseconds } from 'date-fns';
import type { Change, DurationSummary, Statistics } from '../src/services/statistics';
import type { SlackMessage } from './reporter-receipt';
import { md, plain, truncate, userText } from './text';

const pct = (c: Change) =>
  c.changePercent === null
    ? c.previous === 0 && c.current > 0
      ? 'new'
      : '±0'
    : `${c.changePercent > 0 ? '+' : ''}${c.changePercent}%`;

const hours = (h: number | null) =>
  h === null ? '–' : h >= 48 ? `${Math.round((h / 24) * 10) / 10} d` : `${h} h`;

const duration = (label: string, d: DurationSummary) =>
  `${label}: median ${hours(d.medianHours)}, 90% within ${hours(d.p90Hours)} (${d.count})`;

export function periodLabel(s: Statistics): string {
  const tz = s.period.timeZone;
  const from = new TZDate(s.period.from.getTime(), tz);
  const last = new TZDate(subMilliseconds(s.period.to, 1).getTime(), tz);
  return format(from, 'yyyy-MM') === format(last, 'yyyy-MM') && from.getDate() === 1
    ? format(from, 'MMMM yyyy')
    : `${format(from, 'd MMM yyyy')} to ${format(last, 'd MMM yyyy')}`;
}

/** The periodic statistical analysis (seed 000 §4.4) as a Slack message for management review. */
export function statisticsMessage(s: Statistics): SlackMessage {
  const period = periodLabel(s);
  const regulator = s.notificationDeadlines.regulator;
  const top = <T extends { count: number }>(rows: T[], name: (r: T) => string) =>
    rows.length === 0
      ? 'none'
      : rows
          .slice(0, 5)
          .map((r) => `${name(r)} ${r.count}`)
          .join(' · ');
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain(`Incident statistics: ${period}`, 150) },
    {
      type: 'section',
      text: md(
        `*${s.total} report${s.total === 1 ? '' : 's'}* (${pct(s.change.total)} on the previous period, ${s.previous.total})\n` +
          `Incidents ${s.byKind.incident} · Near misses ${s.byKind.near_miss} · Weaknesses ${s.byKind.weakness}` +
          (s.nearMissRatio === null ? '' : ` · near-miss ratio ${Math.round(s.nearMissRatio * 100)}%`),
      ),
    },
    {
      type: 'section',
      fields: [
        md(
          `*By severity*\nCritical ${s.bySeverity.critical} · High ${s.bySeverity.high} · Medium ${s.bySeverity.medium} · Low ${s.bySeverity.low}\nUntriaged ${s.bySeverity.untriaged} · Dismissed ${s.bySeverity.dismissed}`,
          2000,
        ),
        md(
          `*Top categories*\n${userText(
            top(s.byCategory, (c) => c.label),
            1800,
          )}`,
          2000,
        ),
        md(
          `*By department*\n${userText(
            top(s.byDepartment, (d) => d.department),
            1800,
          )}`,
          2000,
        ),
        md(
          `*Regulator deadlines*\nMet ${regulator.met} · Missed ${regulator.missed} · Pending ${regulator.pending} · Not required ${regulator.notRequired}`,
          2000,
        ),
      ],
    },
    {
      type: 'section',
      text: md(
        truncate(
          [
            '*How fast*',
            duration('Occurrence to report', s.durations.occurrenceToReport),
            duration('Report to triage', s.durations.reportToTriage),
            duration('Triage to resolution', s.durations.triageToResolution),
            duration('Report to closure', s.durations.reportToClosure),
          ].join('\n'),
          3000,
        ),
      ),
    },
    {
      type: 'section',
      text: md(
        truncate(
          `*Follow-through*\nOverdue actions: ${s.overdueActions.count} (${s.overdueActions.fromPeriod} from this period's reports)\n` +
            `Repeat causes: ${userText(
              top(s.repeatCauses.immediateCauses, (c) => c.label),
              1000,
            )}\n` +
            `Repeat categories: ${userText(
              top(s.repeatCauses.categories, (c) => c.label),
              1000,
            )}`,
          3000,
        ),
      ),
    },
  ];
  return { text: `Incident statistics for ${period}: ${s.total} reports (${pct(s.change.total)})`, blocks };
}
