import type { HomeView, KnownBlock } from '@slack/types';
import type { Incident, IncidentStatus, Severity } from '../db/schema';
import type { Config } from '../src/config';
import type { ReminderItem } from '../src/domain/reminders';
import { SEVERITY_LABELS, STATUS_LABELS } from './labels';
import { fitList, md, mention, plain, userText } from './text';

/** What a person's Home shows; built by services/home.ts from the register. */
export interface HomeIncident {
  reference: string;
  title: string;
  status: Incident['status'];
  severity: Severity | null;
  /** The card, for those who may open it (the security team and role holders). */
  url: string | null;
}

export interface HomeOverdue {
  reference: string;
  text: string;
  url: string | null;
}

export interface HomeModel {
  userId: string;
  team: boolean;
  roles: Config['roles'];
  myReports: HomeIncident[];
  myReportCount: number;
  waitingOnMe: (ReminderItem & { url: string | null })[];
  open: HomeIncident[];
  openCount: number;
  bySeverity: Record<Severity | 'untriaged', number>;
  byStatus: Partial<Record<IncidentStatus, number>>;
  overdue: HomeOverdue[];
  overdueCount: number;
  pendingDeliveries: number;
  /** Parked after Slack refused them for good: an operator must look (`npm run vigil -- outbox`). */
  deadDeliveries: number;
}

export const HOME_ACTIONS = { report: 'home_report' } as const;

const SECTION_MAX = 3000;

const link = (url: string | null, label: string) => (url ? `<${encodeURI(url)}|${label}>` : `*${label}*`);

function line(i: HomeIncident): string {
  const severity = i.severity ? ` · ${SEVERITY_LABELS[i.severity]}` : '';
  return `${link(i.url, i.reference)} ${userText(i.title, 80)} · _${STATUS_LABELS[i.status]}_${severity}`;
}

/** A titled list: whole lines while they fit in the section, then "…and N more". */
function list(title: string, lines: string[], total: number, empty: string): KnownBlock {
  const head = `*${title}*\n`;
  return {
    type: 'section',
    text: md(head + fitList(lines, SECTION_MAX - head.length, { total, empty }), SECTION_MAX),
  };
}

const people = (ids: string[]) => (ids.length > 0 ? ids.map(mention).join(', ') : 'not set');

/** Open states in lifecycle order, as the counts by state show them. */
const OPEN_ORDER: readonly IncidentStatus[] = ['reported', 'triaged', 'resolving', 'resolved', 'in_review'];

/** App Home: a report button and how it works for everyone; open work for the security team. */
export function homeView(m: HomeModel): HomeView {
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain('Information-security incidents', 150) },
    {
      type: 'section',
      text: md(
        'Seen something that could put information at risk: a lost laptop, a phishing mail, a misdirected email, a weakness? ' +
          'Report it now, even if you are not sure. It takes a minute and goes only to the security team.',
      ),
      accessory: {
        type: 'button',
        action_id: HOME_ACTIONS.report,
        text: plain('Report an incident', 75),
        style: 'primary',
      },
    },
    {
      type: 'context',
      elements: [
        md(
          `You can also type \`/report-incident\` anywhere, or use *Report security incident* from the shortcuts menu or *Report this message* on a message. ` +
            `SIRO: ${people(m.roles.siro)} · CIO: ${people(m.roles.cio)} · Managing Director / DPO: ${people(m.roles.md)}` +
            (m.roles.iao.length > 0 ? ` · Information Asset Officer: ${people(m.roles.iao)}` : ''),
        ),
      ],
    },
    { type: 'divider' },
  ];
  if (m.waitingOnMe.length > 0)
    blocks.push(
      list(
        ':bell: Waiting on you',
        m.waitingOnMe.map(
          (r) => `${r.urgent ? ':rotating_light: ' : ''}${link(r.url, r.reference)}: ${r.text}`,
        ),
        m.waitingOnMe.length,
        '',
      ),
    );
  if (m.team) {
    const s = m.bySeverity;
    const states = OPEN_ORDER.filter((k) => (m.byStatus[k] ?? 0) > 0)
      .map((k) => `${STATUS_LABELS[k]} ${m.byStatus[k]}`)
      .join(' · ');
    blocks.push(
      {
        type: 'section',
        fields: [
          md(
            `*Open incidents: ${m.openCount}*\nCritical ${s.critical} · High ${s.high} · Medium ${s.medium} · Low ${s.low} · Awaiting triage ${s.untriaged}`,
          ),
          md(`*By state*\n${states || 'Nothing open.'}`),
        ],
      },
      list('Open, most severe first', m.open.map(line), m.openCount, 'Nothing open.'),
      list(
        ':warning: Overdue',
        m.overdue.map((o) => `${link(o.url, o.reference)}: ${o.text}`),
        m.overdueCount,
        'Nothing overdue.',
      ),
    );
    const waiting = [
      m.pendingDeliveries > 0
        ? `:outbox_tray: ${m.pendingDeliveries} Slack deliveries are waiting to be retried.`
        : '',
      m.deadDeliveries > 0
        ? `:no_entry: ${m.deadDeliveries} Slack deliveries were refused for good; an operator can list and requeue them with \`npm run vigil -- outbox\`.`
        : '',
    ].filter(Boolean);
    if (waiting.length > 0) blocks.push({ type: 'context', elements: [md(waiting.join('\n'))] });
    blocks.push({ type: 'divider' });
  }
  blocks.push(
    list('Your reports', m.myReports.map(line), m.myReportCount, 'You have not reported anything yet.'),
  );
  return { type: 'home', blocks };
}
