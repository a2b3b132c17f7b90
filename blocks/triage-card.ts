import type { KnownBlock, MrkdwnElement } from '@slack/types';
import { type Duration, formatDuration, intervalToDuration } from 'date-fns';
import type { Action, Incident, Notification, Review } from '../db/schema';
import { isOpen } from '../src/domain/lifecycle';
import { NOTIFICATION_LABELS } from '../src/domain/obligations';
import { followUpsFor, labelOf } from '../src/domain/report-options';
import { SEVERITIES } from '../src/domain/triage';
import { CARD_ACTIONS, cardBlockId } from './card-ids';
import {
  categoryLabel,
  causeLabel,
  encryptedLabel,
  kindLabel,
  lossLocationLabel,
  SEVERITY_LABELS,
  STATUS_LABELS,
  sensitivityLabel,
  triageOutcomeLabel,
  yesNoLabel,
} from './labels';
import type { SlackMessage } from './reporter-receipt';
import { md, mention, plain, slackDate, truncate, userText } from './text';

const field = (label: string, value: string): MrkdwnElement => md(`*${label}*\n${value}`, 2000);

function personalDataSummary(i: Incident): string {
  const answer = yesNoLabel(i.personalData);
  if (i.personalData !== 'yes') return answer;
  return i.personalDataCount !== null
    ? `${answer}, about ${i.personalDataCount.toLocaleString('en')} people`
    : answer;
}

/** The optional answers, as "label: value" lines, only those the reporter gave. */
function detailLines(i: Incident): string[] {
  const lines: [string, string | null | undefined][] = [
    ['Where', i.location && userText(i.location, 500)],
    ['Information, devices or media', i.dataInvolved && userText(i.dataInvolved, 500)],
    ['People involved', i.peopleInvolved && userText(i.peopleInvolved, 300)],
    ['Who else knows', i.peopleAware && userText(i.peopleAware, 300)],
    ['Kinds of personal data', i.personalDataKinds && userText(i.personalDataKinds, 300)],
    ['Sensitivity', sensitivityLabel(i.sensitivity)],
    ['Protective marking', i.protectiveMarking && userText(i.protectiveMarking, 200)],
    ['Encrypted', encryptedLabel(i.encrypted)],
    ['Third-party use', i.thirdPartyUse && userText(i.thirdPartyUse, 300)],
    ['Information Asset Owner', i.assetOwnerId && mention(i.assetOwnerId)],
    ['Immediate cause', causeLabel(i.immediateCause)],
    ['Crime number', i.crimeNumber && userText(i.crimeNumber, 100)],
    ['Location at loss', lossLocationLabel(i.lossLocation)],
  ];
  for (const q of followUpsFor(i.lossLocation)) {
    const answer = i.lossDetails?.[q.key];
    if (!answer) continue;
    lines.push([
      q.label,
      q.answers === 'text' ? userText(answer, 300) : (labelOf(q.answers, answer) ?? userText(answer, 150)),
    ]);
  }
  if (i.sourcePermalink)
    lines.push(['Reported from message', `<${encodeURI(i.sourcePermalink)}|open message>`]);
  return lines.filter((l): l is [string, string] => Boolean(l[1])).map(([k, v]) => `*${k}:* ${v}`);
}

export interface CardModel {
  incident: Incident;
  notifications: Notification[];
  actions: Action[];
  reviews: Review[];
  /** What still blocks closure, for a resolved incident; null before then. */
  closureGaps: string[] | null;
  duplicateOf: string | null;
  now: Date;
  orgTimeZone: string;
}

const MAX_LISTED_ACTIONS = 8;

/** "2 days 22 hours": a deadline needs hours, not the rounded "3 days" of a casual distance. */
export function timeBetween(a: Date, b: Date): string {
  const [start, end] = a.getTime() <= b.getTime() ? [a, b] : [b, a];
  const d = intervalToDuration({ start, end });
  const units: (keyof Duration)[] =
    (d.years ?? 0) + (d.months ?? 0) > 0
      ? ['years', 'months', 'days']
      : (d.days ?? 0) > 0
        ? ['days', 'hours']
        : ['hours', 'minutes'];
  return formatDuration(d, { format: units }) || 'less than a minute';
}

function timeLeft(due: Date, now: Date): string {
  const distance = timeBetween(due, now);
  return due.getTime() >= now.getTime() ? `${distance} left` : `*overdue by ${distance}*`;
}

function triageSection(m: CardModel): KnownBlock[] {
  const i = m.incident;
  if (!i.triageOutcome) return [];
  const lines = [`*Triage* by decision of the SIRO: ${triageOutcomeLabel(i.triageOutcome, m.duplicateOf)}`];
  if (i.priority) lines.push(`*Priority:* ${i.priority}`);
  if (i.targetResolutionAt && isOpen(i.status))
    lines.push(
      `*Target resolution:* ${slackDate(i.targetResolutionAt, m.orgTimeZone)} (${timeLeft(i.targetResolutionAt, m.now)})`,
    );
  if (i.triageRationale) lines.push(`*Reason:* ${userText(i.triageRationale, 1200)}`);
  return [{ type: 'section', text: md(lines.join('\n')) }];
}

function notificationBlocks(m: CardModel): KnownBlock[] {
  const { incident: i } = m;
  return m.notifications.map((n) => {
    const label = NOTIFICATION_LABELS[n.kind];
    let text: string;
    if (n.status === 'pending') {
      text = `:hourglass_flowing_sand: *${label}:* to notify by ${n.dueAt ? `${slackDate(n.dueAt, m.orgTimeZone)} (${timeLeft(n.dueAt, m.now)})` : 'no deadline'}`;
    } else if (n.status === 'done') {
      text = `:white_check_mark: *${label}:* notified${n.doneAt ? ` ${slackDate(n.doneAt, m.orgTimeZone)}` : ''} by ${n.doneBy ? mention(n.doneBy) : 'unknown'}${n.externalRef ? `, reference ${userText(n.externalRef, 200)}` : ''}`;
    } else {
      text = `:heavy_minus_sign: *${label}:* not required${n.reason ? `: ${userText(n.reason, 300)}` : ''}`;
    }
    return {
      type: 'section',
      block_id: cardBlockId(i.id, i.version, `n${n.id}`),
      text: md(text),
      ...(n.status === 'pending' && isOpen(i.status)
        ? {
            accessory: {
              type: 'button',
              action_id: CARD_ACTIONS.recordNotification,
              text: plain('Record', 75),
              value: String(n.id),
            },
          }
        : {}),
    } satisfies KnownBlock;
  });
}

function actionList(m: CardModel): KnownBlock[] {
  if (m.actions.length === 0) return [];
  const lines = m.actions.slice(0, MAX_LISTED_ACTIONS).map((a) => {
    const mark =
      a.status === 'done'
        ? ':white_check_mark:'
        : a.status === 'not_doing'
          ? ':heavy_minus_sign:'
          : ':black_square_button:';
    const due = a.dueAt
      ? `, due ${slackDate(new Date(a.dueAt.getTime() - 1), m.orgTimeZone, '{date_short}')}`
      : '';
    return `${mark} _${a.kind}_ ${userText(a.description, 200)} (${mention(a.ownerId)}${due})`;
  });
  const more = m.actions.length - MAX_LISTED_ACTIONS;
  if (more > 0) lines.push(`…and ${more} more`);
  return [{ type: 'section', text: md(truncate(`*Actions*\n${lines.join('\n')}`, 3000)) }];
}

const button = (action_id: string, label: string, primary = false) => ({
  type: 'button' as const,
  action_id,
  text: plain(label, 75),
  ...(primary ? { style: 'primary' as const } : {}),
});

/** The next step of the procedure for the incident's state, first on the card. */
function phaseButtons(m: CardModel) {
  const i = m.incident;
  const latest = (type: Review['type']) => m.reviews.filter((r) => r.type === type).at(-1);
  switch (i.status) {
    case 'reported':
      return [button(CARD_ACTIONS.triage, 'Triage', true)];
    case 'triaged':
      return [
        button(CARD_ACTIONS.startResolution, 'Start resolution', true),
        button(CARD_ACTIONS.resolve, 'Mark resolved'),
      ];
    case 'resolving':
      return [button(CARD_ACTIONS.resolve, 'Mark resolved', true)];
    case 'resolved': {
      const analysis = latest('causal_analysis');
      return [
        ...(analysis?.decision === 'pending'
          ? [button(CARD_ACTIONS.analysisReview, 'Review analysis', true)]
          : analysis?.decision !== 'approved'
            ? [button(CARD_ACTIONS.analysis, 'Causal analysis', true)]
            : []),
        ...(latest('learning') ? [] : [button(CARD_ACTIONS.learning, 'Review & learning')]),
        button(CARD_ACTIONS.closure, 'Request closure', m.closureGaps?.length === 0),
      ];
    }
    case 'in_review':
      return latest('closure_approval')?.decision === 'pending'
        ? [button(CARD_ACTIONS.approval, 'Approve closure (CIO)', true)]
        : [button(CARD_ACTIONS.peerReview, 'Peer review', true)];
    case 'closed':
      return [button(CARD_ACTIONS.reopen, 'Reopen')];
    default:
      return [];
  }
}

function controls(m: CardModel): KnownBlock[] {
  const i = m.incident;
  const phase = phaseButtons(m);
  if (!isOpen(i.status))
    return phase.length > 0
      ? [{ type: 'actions', block_id: cardBlockId(i.id, i.version, 'controls'), elements: phase }]
      : [];
  const severityOptions = SEVERITIES.map((s) => ({ text: plain(SEVERITY_LABELS[s], 75), value: s }));
  const current = i.severity ? severityOptions.find((o) => o.value === i.severity) : undefined;
  const severity =
    i.status === 'reported'
      ? []
      : [
          {
            type: 'static_select' as const,
            action_id: CARD_ACTIONS.severity,
            placeholder: plain('Severity', 150),
            options: severityOptions,
            ...(current ? { initial_option: current } : {}),
          },
        ];
  return [
    {
      type: 'section',
      block_id: cardBlockId(i.id, i.version, 'irm'),
      text: md(`*Incident Response Manager:* ${i.irmId ? mention(i.irmId) : 'nobody yet'}`),
      accessory: {
        type: 'users_select',
        action_id: CARD_ACTIONS.assignIrm,
        placeholder: plain('Reassign', 150),
        ...(i.irmId ? { initial_user: i.irmId } : {}),
      },
    },
    {
      type: 'actions',
      block_id: cardBlockId(i.id, i.version, 'controls'),
      elements: [
        ...phase,
        ...severity,
        {
          type: 'button',
          action_id: CARD_ACTIONS.escalate,
          text: plain(i.escalatedAt ? 'Escalate again' : 'Escalate', 75),
          ...(i.escalatedAt ? {} : { style: 'danger' as const }),
          confirm: {
            title: plain('Escalate?', 100),
            text: plain(
              'The SIRO and the Managing Director will get a direct message about this incident.',
              300,
            ),
            confirm: plain('Escalate', 30),
            deny: plain('Cancel', 30),
          },
        },
        button(CARD_ACTIONS.postUpdate, 'Post update'),
        button(CARD_ACTIONS.addAction, 'Add action'),
      ],
    },
  ];
}

function followThrough(m: CardModel): KnownBlock[] {
  const i = m.incident;
  if (!i.resolvedAt) return [];
  const lines = [
    `*Operations restored* ${slackDate(i.resolvedAt, m.orgTimeZone)}${i.resolutionNote ? `: ${userText(i.resolutionNote, 500)}` : ''}`,
  ];
  const analysis = m.reviews.filter((r) => r.type === 'causal_analysis').at(-1);
  if (analysis) {
    const state = {
      pending: 'waiting for the IRM',
      approved: 'approved',
      returned: 'sent back for revision',
    }[analysis.decision];
    const root = typeof analysis.content.rootCause === 'string' ? analysis.content.rootCause : '';
    lines.push(`*Causal analysis* (round ${analysis.round}, ${state}): ${userText(root, 400)}`);
  }
  const learning = m.reviews.filter((r) => r.type === 'learning').at(-1);
  if (learning)
    lines.push(
      `*Recurrence risk:* ${learning.content.recurrenceRisk === 'yes' ? 'yes' : 'no'} · *Risk register:* ${i.riskRegisterRef ? userText(i.riskRegisterRef, 100) : 'no change'}`,
    );
  if (m.closureGaps && i.status === 'resolved')
    lines.push(
      m.closureGaps.length === 0
        ? ':white_check_mark: Ready to request closure.'
        : `*Before closure:*\n• ${m.closureGaps.join('\n• ')}`,
    );
  if (i.status === 'in_review')
    lines.push(':mag: In review: peer review by someone other than the requester, then the CIO.');
  if (i.status === 'closed' && i.closedAt)
    lines.push(
      `:lock: Closed ${slackDate(i.closedAt, m.orgTimeZone)}${i.closureJustification ? ` with no action: ${userText(i.closureJustification, 300)}` : ''}`,
    );
  return [{ type: 'section', text: md(truncate(lines.join('\n'), 3000)) }];
}

/**
 * The incident's card in the security channel, edited in place as the incident moves. Most
 * important facts first: it is often read on a phone.
 */
export function triageCard(m: CardModel): SlackMessage {
  const i = m.incident;
  const severity = i.severity
    ? SEVERITY_LABELS[i.severity]
    : i.suggestedSeverity
      ? `Not set (suggested: ${SEVERITY_LABELS[i.suggestedSeverity]})`
      : 'Not set';
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain(`${i.reference} · ${i.title}`, 150) },
    {
      type: 'section',
      fields: [
        field('Status', STATUS_LABELS[i.status]),
        field('Severity', severity),
        field('Kind', kindLabel(i.kind)),
        field('Category', categoryLabel(i.category)),
        field('Reporter', mention(i.reporterId)),
        field(
          'Department',
          `${userText(i.department, 200)}${i.hodId ? `\nHead: ${mention(i.hodId)}` : '\nNo head configured'}`,
        ),
        field('Discovered', slackDate(i.discoveredAt, m.orgTimeZone)),
        field('Occurred', i.occurredAt ? slackDate(i.occurredAt, m.orgTimeZone) : 'Not known'),
        field('Customers or staff affected', yesNoLabel(i.customersOrStaffAffected)),
        field('Personal data', personalDataSummary(i)),
      ],
    },
    ...triageSection(m),
    { type: 'section', text: md(`*What happened*\n${userText(i.description, 2900)}`) },
  ];
  const details = detailLines(i);
  if (details.length > 0) blocks.push({ type: 'section', text: md(truncate(details.join('\n'), 3000)) });
  const warnings: string[] = [];
  if (i.customersOrStaffAffected === 'yes')
    warnings.push(
      i.escalatedAt
        ? `:rotating_light: Escalated to the SIRO and Managing Director ${slackDate(i.escalatedAt, m.orgTimeZone)}: customers or staff may be affected.`
        : ':warning: Customers or staff may be affected: the SIRO and Managing Director must be told.',
    );
  else if (i.escalatedAt)
    warnings.push(
      `:rotating_light: Escalated to the SIRO and Managing Director ${slackDate(i.escalatedAt, m.orgTimeZone)}.`,
    );
  if (warnings.length > 0) blocks.push({ type: 'section', text: md(warnings.join('\n')) });
  const notices = notificationBlocks(m);
  if (notices.length > 0) blocks.push({ type: 'divider' }, ...notices);
  blocks.push(...followThrough(m), ...actionList(m), ...controls(m));
  blocks.push({
    type: 'context',
    elements: [
      md(
        `${i.reference} · reported ${slackDate(i.reportedAt, m.orgTimeZone)} · every change is logged in this thread`,
      ),
    ],
  });
  return {
    text: `${i.reference}: ${userText(i.title, 300)} (${STATUS_LABELS[i.status]})`,
    blocks,
  };
}
