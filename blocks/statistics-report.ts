import { TZDate } from '@date-fns/tz';
import type { KnownBlock } from '@slack/types';
import { format, subMilliseconds } from 'date-fns';
import { formatHours } from '../src/dates';
import { IMPACT_AREAS } from '../src/domain/business-impact';
import type { Change, DurationSummary, Statistics } from '../src/services/statistics';
import type { SlackMessage } from './reporter-receipt';
import { fitList, md, plain, userText } from './text';

/**
 * A section field may hold 2000 characters; the message as a whole about 12,000 (slack-facts.md
 * §4, msg_blocks_too_long), so the long lists share that: months and the two field lists at most
 * 2000 each, the repeat lists 800 each, leaving room for the fixed lines.
 */
const FIELD_MAX = 2000;
const MONTHS_MAX = 2000;
const REPEATS_MAX = 800;

const pct = (c: Change) =>
  c.changePercent === null
    ? c.previous === 0 && c.current > 0
      ? 'new'
      : '±0'
    : `${c.changePercent > 0 ? '+' : ''}${c.changePercent}%`;

const signed = (n: number) => (n > 0 ? `+${n}` : n === 0 ? '±0' : `−${-n}`);

/** `Label 5 (+2)`: the count in this period and its change on the previous one. */
const counted = (label: string, c: Change) => `${label} ${c.current} (${signed(c.change)})`;

const SEVERITY_NAMES = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  untriaged: 'Untriaged',
  dismissed: 'Dismissed',
} as const;
const SEVERITY_ORDER = Object.keys(SEVERITY_NAMES) as (keyof typeof SEVERITY_NAMES)[];

/** A name from the register (a department, a category), escaped and kept to one line's worth. */
const name = (text: string) => userText(text, 200);

const ratio = (r: number | null) => (r === null ? '–' : `${Math.round(r * 100)}%`);

const duration = (label: string, d: DurationSummary) =>
  `${label}: median ${formatHours(d.medianHours)}, 90% within ${formatHours(d.p90Hours)} (${d.count})`;

/** A titled list that keeps to `max` characters, ending "…and N more" when it must. */
function titled(title: string, items: string[], max: number, separator = '\n'): string {
  const head = `*${title}*\n`;
  return head + fitList(items, max - head.length, { separator, empty: 'none' });
}

export function periodLabel(s: Statistics): string {
  const tz = s.period.timeZone;
  const from = new TZDate(s.period.from.getTime(), tz);
  const last = new TZDate(subMilliseconds(s.period.to, 1).getTime(), tz);
  return format(from, 'yyyy-MM') === format(last, 'yyyy-MM') && from.getDate() === 1
    ? format(from, 'MMMM yyyy')
    : `${format(from, 'd MMM yyyy')} to ${format(last, 'd MMM yyyy')}`;
}

/**
 * The periodic statistical analysis (seed 000 §4.4) as a Slack message for management review:
 * every count beside its change on the previous period, as `npm run vigil -- stats` prints it.
 */
export function statisticsMessage(s: Statistics): SlackMessage {
  const period = periodLabel(s);
  const c = s.change;
  const regulator = s.notificationDeadlines.regulator;
  const severities = SEVERITY_ORDER.map((k) => counted(SEVERITY_NAMES[k], c.bySeverity[k]));
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain(`Incident statistics: ${period}`, 150) },
    {
      type: 'section',
      text: md(
        `*${s.total} report${s.total === 1 ? '' : 's'}* (${pct(c.total)} on the previous period, ${s.previous.total})\n` +
          [
            counted('Incidents', c.byKind.incident),
            counted('Near misses', c.byKind.near_miss),
            counted('Weaknesses', c.byKind.weakness),
          ].join(' · ') +
          (s.nearMissRatio === null && s.previous.nearMissRatio === null
            ? ''
            : ` · near-miss ratio ${ratio(s.nearMissRatio)} (previous ${ratio(s.previous.nearMissRatio)})`),
      ),
    },
    {
      type: 'section',
      text: md(
        titled(
          'By month',
          s.byMonth.map((m) => `${m.month} ${m.count}`),
          MONTHS_MAX,
          ' · ',
        ),
      ),
    },
    {
      type: 'section',
      fields: [
        md(titled('By severity', severities, FIELD_MAX), FIELD_MAX),
        md(
          titled(
            'By category',
            c.byCategory.map((x) => counted(name(x.label), x)),
            FIELD_MAX,
          ),
          FIELD_MAX,
        ),
        md(
          titled(
            'By department',
            c.byDepartment.map((x) => counted(name(x.department), x)),
            FIELD_MAX,
          ),
          FIELD_MAX,
        ),
        md(
          titled(
            'By business impact',
            IMPACT_AREAS.filter((a) => s.impact.byArea[a.value] > 0).map(
              (a) => `${a.label} ${s.impact.byArea[a.value]}`,
            ),
            FIELD_MAX,
          ),
          FIELD_MAX,
        ),
        md(
          titled(
            'By cause',
            s.impact.byCause.map((x) => `${name(x.label)} ${x.count}`),
            FIELD_MAX,
          ),
          FIELD_MAX,
        ),
        md(
          `*Estimated cost*\n${s.impact.cost.total.toLocaleString('en')} over ${s.impact.cost.estimated} report${s.impact.cost.estimated === 1 ? '' : 's'} with an estimate`,
          FIELD_MAX,
        ),
        md(
          `*Regulator deadlines*\nMet ${regulator.met} · Missed ${regulator.missed} · Pending ${regulator.pending} · Not required ${regulator.notRequired}`,
          FIELD_MAX,
        ),
      ],
    },
    {
      type: 'section',
      text: md(
        [
          '*How fast*',
          duration('Occurrence to report', s.durations.occurrenceToReport),
          duration('Report to triage', s.durations.reportToTriage),
          duration('Triage to resolution', s.durations.triageToResolution),
          duration('Triage to closure', s.durations.triageToClosure),
          duration('Report to closure', s.durations.reportToClosure),
        ].join('\n'),
      ),
    },
    {
      type: 'section',
      text: md(
        [
          `*Follow-through*\nOverdue actions: ${s.overdueActions.count} (${s.overdueActions.fromPeriod} from this period's reports)`,
          `Late reports (more than ${formatHours(s.lateReports.limitHours)} after discovery): ${s.lateReports.count}`,
          `Reports saying customers are affected: ${s.affected.customers} · staff are affected: ${s.affected.staff}`,
          `Repeat causes: ${fitList(
            s.repeatCauses.immediateCauses.map((x) => `${name(x.label)} ${x.count}`),
            REPEATS_MAX,
            { separator: ' · ', empty: 'none' },
          )}`,
          `Repeat categories: ${fitList(
            s.repeatCauses.categories.map((x) => `${name(x.label)} ${x.count}`),
            REPEATS_MAX,
            { separator: ' · ', empty: 'none' },
          )}`,
        ].join('\n'),
      ),
    },
  ];
  return { text: `Incident statistics for ${period}: ${s.total} reports (${pct(c.total)})`, blocks };
}
