import type { Button, KnownBlock } from '@slack/types';
import type { Action, Incident, Notification, Review } from '../db/schema';
import { isOpen } from '../src/domain/lifecycle';
import { notificationLabel, notificationNoun } from '../src/domain/outside-bodies';
import { pastTarget, workingToTarget } from '../src/domain/reminders';
import { followUpsFor, labelOf } from '../src/domain/report-options';
import { actionPlanLookupParts, actionPlanParts } from './card-actions';
import { type CardPart, fitToBudget } from './card-budget';
import { CARD_ACTIONS, cardBlockId } from './card-ids';
import { moreMenu } from './card-more';
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
  /** Who escalated last ('vigil' when it was automatic); null if never escalated. */
  escalatedBy: string | null;
  /** Who closed it (the CIO's approval, or the SIRO's dismissal at triage); null while open. */
  closedBy: string | null;
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

/** The deadline that comes first: an outside notification still owed, or the target resolution. */
function nextDeadline(m: CardModel): string | null {
  const i = m.incident;
  const owed = m.notifications
    .filter((n) => n.status === 'pending' && n.dueAt)
    .map((n) => ({ what: notificationNoun(n), at: n.dueAt as Date }));
  if (i.targetResolutionAt && workingToTarget(i)) owed.push({ what: 'resolution', at: i.targetResolutionAt });
  const first = owed.sort((a, b) => a.at.getTime() - b.at.getTime())[0];
  return first ? `next: ${first.what} ${dueIn(first.at, m.now)}` : null;
}

/** Who the answers say is affected, in words ("customers and staff", "staff"), or null when nobody is. */
function whoAffected(i: Incident): string | null {
  const who = [i.customersAffected === 'yes' && 'customers', i.staffAffected === 'yes' && 'staff'].filter(
    Boolean,
  );
  if (who.length > 0) return who.join(' and ');
  // An older report asked one question, kept as the customers' answer unless it said which.
  return i.customersOrStaffAffected === 'yes' ? 'customers or staff' : null;
}

function escalationLine(m: CardModel): string | null {
  const i = m.incident;
  const who = whoAffected(i);
  if (!i.escalatedAt)
    return who && isOpen(i.status)
      ? `:warning: ${who[0]?.toUpperCase()}${who.slice(1)} may be affected: the SIRO and Managing Director must be told.`
      : null;
  const when = slackDate(i.escalatedAt, m.orgTimeZone);
  if (m.escalatedBy === 'vigil')
    return `:rotating_light: Escalated to the SIRO and Managing Director automatically ${when}${who ? `: ${who} may be affected` : ''}.`;
  return `:rotating_light: Escalated to the SIRO and Managing Director ${when}${m.escalatedBy ? ` by ${mention(m.escalatedBy)}` : ''}.`;
}

/**
 * The one status line (state · severity · IRM · next deadline), then only what needs someone
 * now: read first on a phone, above the card's primary action.
 */
function statusPart(m: CardModel): CardPart {
  const i = m.incident;
  const severity = i.severity
    ? `${SEVERITY_LABELS[i.severity]}${i.priority ? ` ${i.priority}` : ''}`
    : i.suggestedSeverity
      ? `severity not set (suggested ${SEVERITY_LABELS[i.suggestedSeverity]})`
      : 'severity not set';
  const facts = [
    `*${STATUS_LABELS[i.status]}*`,
    severity,
    `IRM ${i.irmId ? mention(i.irmId) : 'not assigned'}`,
    nextDeadline(m),
  ].filter(Boolean);
  const lines = [facts.join(' · ')];
  const escalation = isOpen(i.status) ? escalationLine(m) : null;
  if (escalation) lines.push(escalation);
  if (m.lateReport) lines.push(lateReportLine(m.lateReport));
  if (i.targetResolutionAt && pastTarget(i, m.now))
    lines.push(
      `:alarm_clock: Past its target resolution time (${slackDate(i.targetResolutionAt, m.orgTimeZone)}).`,
    );
  return {
    block: { type: 'section', block_id: cardBlockId(i.id, i.version, 'status'), text: md(lines.join('\n')) },
  };
}

/** Who, what and when, short: the facts a reader needs before the details. */
function summaryPart(m: CardModel): CardPart {
  const i = m.incident;
  const lines = [
    `${kindLabel(i.kind)} · ${categoryLabel(i.category)} · reported by ${mention(i.reporterId)}, ${userText(i.department, 200)}${i.hodId ? ` (head ${mention(i.hodId)})` : ' (no head configured)'}`,
    `*Discovered* ${slackDate(i.discoveredAt, m.orgTimeZone)} · *occurred* ${i.occurredAt ? slackDate(i.occurredAt, m.orgTimeZone) : 'not known'}`,
    `*Customers affected:* ${yesNoLabel(i.customersAffected)} · *Staff affected:* ${yesNoLabel(i.staffAffected)} · *Personal data:* ${personalDataSummary(i)}`,
  ];
  return section(lines.join('\n'));
}

/** "Notifications: 3 done · 1 not required": what is settled needs nobody, so it takes one line. */
function settledNotifications(m: CardModel): string | null {
  const done = m.notifications.filter((n) => n.status === 'done').length;
  const notRequired = m.notifications.filter((n) => n.status === 'not_required').length;
  const parts = [done > 0 ? `${done} done` : '', notRequired > 0 ? `${notRequired} not required` : ''].filter(
    Boolean,
  );
  return parts.length > 0 ? `Notifications: ${parts.join(' · ')}` : null;
}

/** The outside notifications still owed, each with its deadline and control; the rest in one line. */
function notificationParts(m: CardModel, view: CardView): CardPart[] {
  const { incident: i } = m;
  const owed = m.notifications
    .filter((n) => n.status === 'pending' || view === 'lookup')
    .map((n): CardPart => {
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
                  accessibility_label: `Record the ${notificationNoun(n)} notification`.slice(0, 75),
                  value: String(n.id),
                },
              }
            : {}),
        },
      };
    });
  const settled = view === 'card' ? settledNotifications(m) : null;
  return [...owed, ...(settled ? [{ block: { type: 'context', elements: [md(settled)] } } as CardPart] : [])];
}

function triageParts(m: CardModel): CardPart[] {
  const i = m.incident;
  if (!i.triageOutcome) return [];
  const lines = [`*Triage* by decision of the SIRO: ${triageOutcomeLabel(i.triageOutcome, m.duplicateOf)}`];
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
    state.push(
      ':mag: Awaiting closure approval: peer review of closure by someone other than the requester, then the CIO.',
    );
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

const button = (action_id: string, label: string, primary = false): Button => ({
  type: 'button' as const,
  action_id,
  text: plain(label, 75),
  ...(primary ? { style: 'primary' as const } : {}),
});

/** The one next step of the procedure for the incident's state (with its pair, for a decision). */
function primaryButtons(m: CardModel): Button[] {
  const i = m.incident;
  switch (i.status) {
    case 'reported':
      return [button(CARD_ACTIONS.triage, 'Triage', true)];
    case 'triaged':
      return [button(CARD_ACTIONS.startResolution, 'Start resolution', true)];
    case 'resolving':
      return [button(CARD_ACTIONS.resolve, 'Mark resolved…', true)];
    case 'resolved': {
      const analysis = latestOf(m, 'causal_analysis')?.decision;
      if (analysis === 'pending')
        return [button(CARD_ACTIONS.analysisReview, 'Review causal analysis', true)];
      if (analysis !== 'approved') return [button(CARD_ACTIONS.analysis, 'Causal analysis…', true)];
      if (latestOf(m, 'learning')?.decision !== 'approved')
        return [button(CARD_ACTIONS.learning, 'Learning review…', true)];
      return [button(CARD_ACTIONS.closure, 'Request closure…', true)];
    }
    case 'in_review':
      return latestOf(m, 'closure_approval')?.decision === 'pending'
        ? closureApprovalButtons(i.reference)
        : [button(CARD_ACTIONS.peerReview, 'Peer review of closure', true)];
    case 'closed':
      return [button(CARD_ACTIONS.reopen, 'Reopen…')];
    default:
      return retriageButtons(i);
  }
}

/** The primary action, then the secondary ones in the "More…" menu (blocks/card-more.ts). */
function controlsPart(m: CardModel): CardPart[] {
  const i = m.incident;
  const primary = primaryButtons(m);
  const elements = [...primary, ...moreMenu(m, primary[0]?.action_id)];
  return elements.length > 0
    ? [{ block: { type: 'actions', block_id: cardBlockId(i.id, i.version, 'controls'), elements } }]
    : [];
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

const footer = (m: CardModel): CardPart => ({
  block: {
    type: 'context',
    elements: [
      md(
        `${m.incident.reference} · reported ${slackDate(m.incident.reportedAt, m.orgTimeZone)} · every change is logged in this thread`,
      ),
    ],
  },
});

/** What was done, in one section: how it was restored, the root cause, the actions, the notifications. */
function doneSummary(m: CardModel): string {
  const i = m.incident;
  const lines: string[] = [];
  if (i.closureJustification) lines.push(`*Closed with no action:* ${userText(i.closureJustification, 300)}`);
  if (i.resolutionNote) lines.push(`*How operations were restored:* ${userText(i.resolutionNote, 600)}`);
  const root = latestOf(m, 'causal_analysis')?.content.rootCause;
  if (typeof root === 'string' && root) lines.push(`*Root cause:* ${userText(root, 600)}`);
  if (m.actions.length > 0) {
    const done = m.actions.filter((a) => a.status === 'done').length;
    const notDoing = m.actions.filter((a) => a.status === 'not_doing').length;
    lines.push(`*Actions:* ${done} done${notDoing > 0 ? ` · ${notDoing} won’t do` : ''}`);
  }
  if (i.triageRationale && !i.resolvedAt) lines.push(`*Reason:* ${userText(i.triageRationale, 600)}`);
  const settled = settledNotifications(m);
  if (settled) lines.push(settled);
  return lines.join('\n') || 'Nothing further recorded.';
}

/** A closed card is a short summary: closed by whom and when, what was done, and Reopen. */
function closedCard(m: CardModel): CardPart[] {
  const i = m.incident;
  const how =
    i.status === 'closed' || !i.triageOutcome
      ? STATUS_LABELS[i.status]
      : `Closed: ${triageOutcomeLabel(i.triageOutcome, m.duplicateOf)}`;
  const closed = `:lock: *${how}*${m.closedBy && m.closedBy !== 'vigil' ? ` by ${mention(m.closedBy)}` : ''}${i.closedAt ? ` ${slackDate(i.closedAt, m.orgTimeZone)}` : ''}${i.severity ? ` · ${SEVERITY_LABELS[i.severity]}` : ''}`;
  return [
    { block: { type: 'header', text: plain(`${i.reference} · ${i.title}`, 150) } },
    { block: { type: 'section', block_id: cardBlockId(i.id, i.version, 'status'), text: md(closed) } },
    ...controlsPart(m),
    section(doneSummary(m), TIER.narrative, 300),
    footer(m),
  ];
}

/** The card in the security channel, or the same facts without controls for a look-up. */
export type CardView = 'card' | 'lookup';

/**
 * The incident's card in the security channel, edited in place as the incident moves; `lookup`
 * is the same record for `/incident REF`, without controls and with every action listed.
 * Built for a phone: header, one status line, the one primary action, a short summary, then the
 * details. It always fits Slack's limits, the longest and least important text giving way first.
 */
export function triageCard(m: CardModel, view: CardView = 'card'): SlackMessage {
  const i = m.incident;
  // The channel sees a restricted record's reference, kind and status only; a look-up is for insiders.
  if (i.restricted && view === 'card') return restrictedCard(m);
  const text = `${i.reference}: ${userText(i.title, 300)} (${STATUS_LABELS[i.status]})`;
  if (view === 'card' && !isOpen(i.status)) return { text, blocks: fitToBudget(closedCard(m)) };
  const details = detailLines(i);
  const parts: CardPart[] = [
    { block: { type: 'header', text: plain(`${i.reference} · ${i.title}`, 150) } },
    statusPart(m),
    ...(view === 'card' ? controlsPart(m) : []),
    summaryPart(m),
    section(`*What happened*\n${userText(i.description, 2900)}`, TIER.narrative, 300),
    ...notificationParts(m, view),
    ...triageParts(m),
    ...followThroughParts(m),
    ...planAgreementParts(m),
    ...(view === 'card' ? actionPlanParts(m) : actionPlanLookupParts(m)),
    ...(details.length > 0 ? [section(details.join('\n'), TIER.details)] : []),
    { block: irmSection(m, view) },
    footer(m),
  ];
  return { text, blocks: fitToBudget(parts) };
}
