import type { KnownBlock, MrkdwnElement } from '@slack/types';
import type { Action, Incident, Notification, Review } from '../db/schema';
import { isOpen } from '../src/domain/lifecycle';
import { notificationLabel } from '../src/domain/outside-bodies';
import { pastTarget, workingToTarget } from '../src/domain/reminders';
import { followUpsFor, labelOf } from '../src/domain/report-options';
import { SEVERITIES } from '../src/domain/triage';
import { actionPlanLookupParts, actionPlanParts } from './card-actions';
import { type CardPart, fitToBudget } from './card-budget';
import { CARD_ACTIONS, cardBlockId } from './card-ids';
import { closureApprovalButtons } from './duty-controls';
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
import { type LateReport, lateReportLine } from './late-report';
import { planAgreementParts } from './plan-agreement-line';
import type { SlackMessage } from './reporter-receipt';
import { restrictedCard } from './restricted-card';
import { retriageButtons } from './retriage-control';
import { dueIn, md, mention, plain, slackDate, userText } from './text';

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
  /** Reported later after discovery than LATE_REPORT_HOURS allows (seed 000 Rep.1 "immediately"). */
  lateReport?: LateReport | null;
}

/** Importance when the card must shrink to fit Slack's limit: lower tiers give way first. */
const TIER = { details: 0, narrative: 1, actions: 2 } as const;

const section = (text: string, tier?: number, floor?: number): CardPart => ({
  block: { type: 'section', text: md(text) },
  ...(tier === undefined ? {} : { tier }),
  ...(floor === undefined ? {} : { floor }),
});

/** What needs someone now, first on the card: it is often read on a phone. */
function warningParts(m: CardModel): CardPart[] {
  const i = m.incident;
  const lines: string[] = [];
  if (i.customersOrStaffAffected === 'yes')
    lines.push(
      i.escalatedAt
        ? `:rotating_light: Escalated to the SIRO and Managing Director ${slackDate(i.escalatedAt, m.orgTimeZone)}: customers or staff may be affected.`
        : ':warning: Customers or staff may be affected: the SIRO and Managing Director must be told.',
    );
  else if (i.escalatedAt)
    lines.push(
      `:rotating_light: Escalated to the SIRO and Managing Director ${slackDate(i.escalatedAt, m.orgTimeZone)}.`,
    );
  if (m.lateReport) lines.push(lateReportLine(m.lateReport));
  if (i.targetResolutionAt && pastTarget(i, m.now))
    lines.push(
      `:alarm_clock: Past its target resolution time (${slackDate(i.targetResolutionAt, m.orgTimeZone)}).`,
    );
  return lines.length > 0 ? [section(lines.join('\n'))] : [];
}

function notificationParts(m: CardModel, view: CardView): CardPart[] {
  const { incident: i } = m;
  const parts = m.notifications.map((n): CardPart => {
    const label = notificationLabel(n);
    let text: string;
    if (n.status === 'pending') {
      const late = n.dueAt && n.dueAt.getTime() <= m.now.getTime();
      text = `${late ? ':rotating_light:' : ':hourglass_flowing_sand:'} *${label}:* to notify by ${n.dueAt ? `${slackDate(n.dueAt, m.orgTimeZone)} (${dueIn(n.dueAt, m.now)})` : 'no deadline'}`;
    } else if (n.status === 'done') {
      text = `:white_check_mark: *${label}:* notified${n.doneAt ? ` ${slackDate(n.doneAt, m.orgTimeZone)}` : ''} by ${n.doneBy ? mention(n.doneBy) : 'unknown'}${n.externalRef ? `, reference ${userText(n.externalRef, 200)}` : ''}`;
    } else {
      text = `:heavy_minus_sign: *${label}:* not required${n.reason ? `: ${userText(n.reason, 300)}` : ''}`;
    }
    return {
      block: {
        type: 'section',
        block_id: cardBlockId(i.id, i.version, `n${n.id}`),
        text: md(text),
        ...(view === 'card' && n.status === 'pending' && isOpen(i.status)
          ? {
              accessory: {
                type: 'button',
                action_id: CARD_ACTIONS.recordNotification,
                text: plain('Record', 75),
                // Up to four "Record" buttons on one card: a screen reader says which is which.
                accessibility_label: `Record the ${label.toLowerCase()} notification`.slice(0, 75),
                value: String(n.id),
              },
            }
          : {}),
      },
    };
  });
  return parts.length > 0 ? [...parts, { block: { type: 'divider' } }] : [];
}

function triageParts(m: CardModel): CardPart[] {
  const i = m.incident;
  if (!i.triageOutcome) return [];
  const lines = [`*Triage* by decision of the SIRO: ${triageOutcomeLabel(i.triageOutcome, m.duplicateOf)}`];
  if (i.priority) lines.push(`*Priority:* ${i.priority}`);
  // The countdown runs while the work is under way; once resolved the target is only a fact.
  if (i.targetResolutionAt && isOpen(i.status))
    lines.push(
      `*Target resolution:* ${slackDate(i.targetResolutionAt, m.orgTimeZone)}${workingToTarget(i) ? ` (${dueIn(i.targetResolutionAt, m.now)})` : ''}`,
    );
  // The reason comes last: when the card must shrink, it is cut before the facts above it.
  if (i.triageRationale) lines.push(`*Reason:* ${userText(i.triageRationale, 1200)}`);
  return [section(lines.join('\n'), TIER.narrative, 300)];
}

const latestOf = (m: CardModel, type: Review['type']) => m.reviews.filter((r) => r.type === type).at(-1);

/** Where the follow-through stands (short, never cut), then what people wrote (may be cut). */
function followThroughParts(m: CardModel): CardPart[] {
  const i = m.incident;
  if (!i.resolvedAt) return [];
  const state: string[] = [`*Operations restored* ${slackDate(i.resolvedAt, m.orgTimeZone)}`];
  const analysis = latestOf(m, 'causal_analysis');
  if (analysis) {
    const decision = {
      pending: 'waiting for the IRM',
      approved: 'approved',
      returned: 'sent back for revision',
    }[analysis.decision];
    state.push(`*Causal analysis:* round ${analysis.round}, ${decision}`);
    if (analysis.decision === 'returned' && analysis.comment)
      state.push(
        `>*Sent back${analysis.decidedBy ? ` by ${mention(analysis.decidedBy)}` : ''}:* ${userText(analysis.comment, 500)}`,
      );
  }
  const learning = latestOf(m, 'learning');
  if (learning?.decision === 'approved')
    state.push(
      `*Recurrence risk:* ${learning.content.recurrenceRisk === 'yes' ? 'yes' : 'no'} · *Risk register:* ${i.riskRegisterRef ? userText(i.riskRegisterRef, 100) : 'no change'}`,
    );
  if (m.closureGaps && i.status === 'resolved')
    state.push(
      m.closureGaps.length === 0
        ? ':white_check_mark: Ready to request closure.'
        : `*Before closure:*\n• ${m.closureGaps.join('\n• ')}`,
    );
  if (i.status === 'in_review')
    state.push(':mag: In review: peer review by someone other than the requester, then the CIO.');
  if (i.status === 'closed' && i.closedAt)
    state.push(
      `:lock: Closed ${slackDate(i.closedAt, m.orgTimeZone)}${i.closureJustification ? ` with no action: ${userText(i.closureJustification, 300)}` : ''}`,
    );
  const narrative: string[] = [];
  const root = typeof analysis?.content.rootCause === 'string' ? analysis.content.rootCause : '';
  if (root) narrative.push(`*Root cause:* ${userText(root, 1000)}`);
  if (i.resolutionNote) narrative.push(`*How operations were restored:* ${userText(i.resolutionNote, 1000)}`);
  return [
    section(state.join('\n')),
    ...(narrative.length > 0 ? [section(narrative.join('\n'), TIER.narrative, 300)] : []),
  ];
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
      const analysis = latestOf(m, 'causal_analysis');
      return [
        ...(analysis?.decision === 'pending'
          ? [button(CARD_ACTIONS.analysisReview, 'Review analysis', true)]
          : analysis?.decision !== 'approved'
            ? [button(CARD_ACTIONS.analysis, 'Causal analysis', true)]
            : []),
        // A reopening sends the learning review back: it is offered again.
        ...(latestOf(m, 'learning')?.decision === 'approved'
          ? []
          : [button(CARD_ACTIONS.learning, 'Review & learning')]),
        button(CARD_ACTIONS.closure, 'Request closure', m.closureGaps?.length === 0),
      ];
    }
    case 'in_review':
      return latestOf(m, 'closure_approval')?.decision === 'pending'
        ? closureApprovalButtons(i.reference)
        : [button(CARD_ACTIONS.peerReview, 'Peer review', true)];
    case 'closed':
      return [button(CARD_ACTIONS.reopen, 'Reopen')];
    default:
      return retriageButtons(i);
  }
}

/** Who follows the incident; on the card, with the picker to reassign. */
function irmSection(m: CardModel, view: CardView): KnownBlock {
  const i = m.incident;
  return {
    type: 'section',
    block_id: cardBlockId(i.id, i.version, 'irm'),
    text: md(`*Incident Response Manager:* ${i.irmId ? mention(i.irmId) : 'nobody yet'}`),
    ...(view === 'card'
      ? {
          accessory: {
            type: 'users_select',
            action_id: CARD_ACTIONS.assignIrm,
            placeholder: plain('Reassign', 150),
            ...(i.irmId ? { initial_user: i.irmId } : {}),
          },
        }
      : {}),
  };
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
    irmSection(m, 'card'),
    {
      type: 'actions',
      block_id: cardBlockId(i.id, i.version, 'controls'),
      elements: [
        ...phase,
        ...severity,
        {
          type: 'button',
          action_id: CARD_ACTIONS.escalate,
          // Not `danger`: escalating destroys nothing (Slack keeps red for destructive steps).
          text: plain(i.escalatedAt ? 'Escalate again' : 'Escalate', 75),
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

/**
 * The incident's card in the security channel, edited in place as the incident moves; `lookup`
 * is the same record for `/incident REF`, without controls and with every action listed.
 * Most important facts first, since it is often read on a phone; it always fits Slack's limits,
 * the longest and least important text giving way first, visibly marked.
 */
/** The card in the security channel, or the same facts without controls for a look-up. */
export type CardView = 'card' | 'lookup';

export function triageCard(m: CardModel, view: CardView = 'card'): SlackMessage {
  const i = m.incident;
  // The channel sees a restricted record's reference, kind and status only; a look-up is for insiders.
  if (i.restricted && view === 'card') return restrictedCard(m);
  const severity = i.severity
    ? SEVERITY_LABELS[i.severity]
    : i.suggestedSeverity
      ? `Not set (suggested: ${SEVERITY_LABELS[i.suggestedSeverity]})`
      : 'Not set';
  const details = detailLines(i);
  const parts: CardPart[] = [
    { block: { type: 'header', text: plain(`${i.reference} · ${i.title}`, 150) } },
    ...warningParts(m),
    ...notificationParts(m, view),
    {
      block: {
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
    },
    ...triageParts(m),
    section(`*What happened*\n${userText(i.description, 2900)}`, TIER.narrative, 300),
    ...(details.length > 0 ? [section(details.join('\n'), TIER.details)] : []),
    ...followThroughParts(m),
    ...planAgreementParts(m),
    ...(view === 'card' ? actionPlanParts(m) : actionPlanLookupParts(m)),
    ...(view === 'card' ? controls(m) : [irmSection(m, 'lookup')]).map((block) => ({ block })),
    {
      block: {
        type: 'context',
        elements: [
          md(
            `${i.reference} · reported ${slackDate(i.reportedAt, m.orgTimeZone)} · every change is logged in this thread`,
          ),
        ],
      },
    },
  ];
  return {
    text: `${i.reference}: ${userText(i.title, 300)} (${STATUS_LABELS[i.status]})`,
    blocks: fitToBudget(parts),
  };
}
