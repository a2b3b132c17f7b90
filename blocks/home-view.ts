import type { HomeView, KnownBlock, SectionBlock } from '@slack/types';
import type { Action, Incident, IncidentStatus, Severity } from '../db/schema';
import type { Config } from '../src/config';
import { notificationNoun } from '../src/domain/outside-bodies';
import { RESTRICTED_TITLE } from '../src/domain/restricted';
import { dutyActionsBlock } from './duty-controls';
import type { DutyView } from './duty-message';
import { SEVERITY_LABELS, STATUS_LABELS } from './labels';
import { REPORTER_ACTIONS } from './record-controls';
import { dueIn, fitList, md, mention, plain, userText } from './text';

/** What a person's Home shows; built by services/home.ts from the register. */
export interface HomeIncident {
  reference: string;
  title: string;
  status: Incident['status'];
  severity: Severity | null;
  /** The card, for those who may open it (the security team and role holders). */
  url: string | null;
  /** A restricted record, and whether this reader may see its title (the SIRO, those added, its reporter). */
  restricted?: boolean;
  shown?: boolean;
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
  /** The steps they owe now, each with its buttons (as its DM asks it). */
  owed: DutyView[];
  owedCount: number;
  /** Open incidents they are the Incident Response Manager of. */
  managing: HomeIncident[];
  managingCount: number;
  /** Their actions still to do (or proposed not to do), on open incidents. */
  myActions: { reference: string; action: Action; url: string | null }[];
  myActionCount: number;
  open: HomeIncident[];
  openCount: number;
  bySeverity: Record<Severity | 'untriaged', number>;
  byStatus: Partial<Record<IncidentStatus, number>>;
  overdue: HomeOverdue[];
  overdueCount: number;
  pendingDeliveries: number;
  /** Parked after Slack refused them for good: an operator must look (`npm run vigil -- outbox`). */
  deadDeliveries: number;
  /** They may designate an incident's IRM by their role (seed 000 Responsibilities: the MD). */
  canDesignate?: boolean;
}

export const HOME_ACTIONS = {
  report: 'home_report',
  /** Those who may designate an IRM by their role (the MD among them), for any open incident. */
  designateIrm: 'home_designate_irm',
} as const;

/**
 * What is the person's to do, first: each step they owe with the buttons that take it (the
 * same as its DM), the incidents they manage, their actions. Everyone has this, in the channel or not.
 */
function myWork(m: HomeModel): KnownBlock[] {
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      text: plain(m.owedCount > 0 ? `Waiting on you (${m.owedCount})` : 'Nothing is waiting on you', 150),
    },
  ];
  m.owed.forEach((v, n) => {
    blocks.push({ type: 'section', text: md(dutyLine(v)) }, ...dutyActionsBlock(v, 'owner', `h${n}`));
  });
  if (m.owedCount > m.owed.length)
    blocks.push({
      type: 'context',
      elements: [md(`…and ${m.owedCount - m.owed.length} more: each is in its direct message from me too.`)],
    });
  if (m.managingCount > 0)
    blocks.push(list('Incidents you manage', m.managing.map(line), m.managingCount, ''));
  if (m.myActionCount > 0)
    blocks.push(
      list(
        'Your actions',
        m.myActions.map(
          (a) =>
            `${link(a.url, a.reference)} _${a.action.kind}_ ${userText(a.action.description, 120)}${a.action.status === 'not_doing_proposed' ? ' (won’t do proposed: the IRM decides)' : ''}`,
        ),
        m.myActionCount,
        '',
      ),
    );
  blocks.push({ type: 'divider' });
  return blocks;
}

/** One owed step as a line: which incident, what is owed, by when. */
function dutyLine(v: DutyView): string {
  const i = v.incident;
  const what: Record<DutyView['kind'], string> = {
    triage: 'triage this report',
    follow: 'you are its Incident Response Manager (waiting for triage)',
    resolve: 'get operations back to normal, then mark it resolved',
    analysis: 'write the causal analysis',
    analysis_review: 'review the causal analysis: approve or send back',
    learning: 'record the learning review',
    closure_request: 'put it forward for closure',
    peer_review: 'peer-review its closure',
    closure_approval: 'approve its closure or send it back',
    notify: v.notification ? `tell the ${notificationNoun(v.notification)}` : 'record a notification',
    escalation: 'escalated to you: keep informed, post updates',
    action:
      v.action?.status === 'not_doing_proposed'
        ? 'decide on a proposal not to do an action'
        : `your action: ${userText(v.action?.description ?? '', 120)}`,
    plan: 'agree the action plan',
    prevention: 'add a preventive action (it could happen again)',
    access: 'restricted: add someone who can take its next step',
  };
  const due =
    v.kind === 'notify' && v.notification?.dueAt
      ? ` · due ${dueIn(v.notification.dueAt, v.now)}`
      : v.kind === 'resolve' && i.targetResolutionAt
        ? ` · target ${dueIn(i.targetResolutionAt, v.now)}`
        : '';
  return `${link(v.cardUrl, i.reference)} ${titleOf(i)}\n${what[v.kind]}${due}`;
}

const SECTION_MAX = 3000;

const link = (url: string | null, label: string) => (url ? `<${encodeURI(url)}|${label}>` : `*${label}*`);

/** A title as Home shows it: a restricted record's only to those who may see it. */
const titleOf = (i: { title: string; restricted?: boolean; shown?: boolean }) =>
  i.restricted && !i.shown ? `_${RESTRICTED_TITLE}_` : userText(i.title, 80);

function line(i: HomeIncident): string {
  const severity = i.severity ? ` · ${SEVERITY_LABELS[i.severity]}` : '';
  return `${link(i.url, i.reference)} ${titleOf(i)} · _${STATUS_LABELS[i.status]}_${severity}`;
}

/** A titled list: whole lines while they fit in the section, then "…and N more". */
function list(title: string, lines: string[], total: number, empty: string): SectionBlock {
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
          'Report it now, even if you are not sure. It takes a minute and goes only to the security team and the people they ask to work on it; ' +
          'a report about your own head of department or a member of the security team can be restricted to the SIRO.',
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
  blocks.push(...myWork(m));
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
      {
        ...list('Open, most severe first', m.open.map(line), m.openCount, 'Nothing open.'),
        ...(m.canDesignate
          ? {
              block_id: 'home_open_incidents',
              accessory: {
                type: 'button' as const,
                action_id: HOME_ACTIONS.designateIrm,
                text: plain('Designate an IRM…', 75),
              },
            }
          : {}),
      },
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
  blocks.push({
    ...list('Your reports', m.myReports.map(line), m.myReportCount, 'You have not reported anything yet.'),
    // Seed 003 §4.1: the reporter adds information or evidence to their own report at any time.
    ...(m.myReportCount > 0
      ? {
          block_id: 'home_my_reports',
          accessory: {
            type: 'button' as const,
            action_id: REPORTER_ACTIONS.addInformation,
            value: 'home',
            text: plain('Add information…', 75),
          },
        }
      : {}),
  });
  return { type: 'home', blocks };
}
