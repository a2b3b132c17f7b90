import type { KnownBlock, MrkdwnElement } from '@slack/types';
import type { Incident } from '../db/schema';
import { followUpsFor, labelOf } from '../src/domain/report-options';
import {
  categoryLabel,
  causeLabel,
  encryptedLabel,
  kindLabel,
  lossLocationLabel,
  SEVERITY_LABELS,
  STATUS_LABELS,
  sensitivityLabel,
  yesNoLabel,
} from './labels';
import type { SlackMessage } from './reporter-receipt';
import { escapeMrkdwn, md, mention, plain, slackDate, truncate, userText } from './text';

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
      q.answers === 'text' ? userText(answer, 300) : (labelOf(q.answers, answer) ?? answer),
    ]);
  }
  if (i.sourcePermalink)
    lines.push(['Reported from message', `<${encodeURI(i.sourcePermalink)}|open message>`]);
  return lines.filter((l): l is [string, string] => Boolean(l[1])).map(([k, v]) => `*${k}:* ${v}`);
}

/**
 * The incident's card in the security channel, edited in place as the incident moves. Most
 * important facts first: it is often read on a phone.
 */
export function triageCard(i: Incident): SlackMessage {
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
        field('Discovered', slackDate(i.discoveredAt)),
        field('Occurred', i.occurredAt ? slackDate(i.occurredAt) : 'Not known'),
        field('Customers or staff affected', yesNoLabel(i.customersOrStaffAffected)),
        field('Personal data', personalDataSummary(i)),
      ],
    },
    { type: 'section', text: md(`*What happened*\n${userText(i.description, 2900)}`) },
  ];
  const details = detailLines(i);
  if (details.length > 0) blocks.push({ type: 'section', text: md(truncate(details.join('\n'), 3000)) });
  const warnings: string[] = [];
  if (i.customersOrStaffAffected === 'yes')
    warnings.push(
      ':warning: Customers or staff may be affected: the SIRO and Managing Director must be told.',
    );
  if (i.personalData === 'yes')
    warnings.push(
      ':warning: Personal data: the regulator may need to be notified within 72 hours of awareness.',
    );
  if (warnings.length > 0) blocks.push({ type: 'section', text: md(warnings.join('\n')) });
  blocks.push({
    type: 'context',
    elements: [
      md(
        `${i.reference} · reported ${slackDate(i.reportedAt)}${i.irmId ? ` · Incident Response Manager: ${mention(i.irmId)}` : ''}`,
      ),
    ],
  });
  return {
    text: `${i.reference}: ${truncate(escapeMrkdwn(i.title), 300)} (${STATUS_LABELS[i.status]})`,
    blocks,
  };
}
