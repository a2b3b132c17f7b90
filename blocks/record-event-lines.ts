import { notificationLabel } from '../src/domain/outside-bodies';
import { isSlackUserId, SLACK_USER_ID } from '../src/domain/people-ids';
import type { NotificationKind } from '../src/domain/permissions';
import type { EventFacts } from './event-words';
import {
  categoryLabel,
  causeLabel,
  encryptedLabel,
  kindLabel,
  SEVERITY_LABELS,
  sensitivityLabel,
  yesNoLabel,
} from './labels';
import { mention, slackDate, userText } from './text';

/** The report's facts by name, as the card and the report form call them. */
const FACT_LABELS: Record<string, string> = {
  kind: 'Kind',
  category: 'Category',
  title: 'Title',
  description: 'What happened',
  discoveredAt: 'Discovered',
  occurredAt: 'Occurred',
  awareAt: 'Aware (notification clocks run from here)',
  department: 'Department',
  hodId: 'Head of department',
  location: 'Where',
  dataInvolved: 'Information, devices or media',
  peopleInvolved: 'People involved',
  peopleAware: 'Who else knows',
  customersOrStaffAffected: 'Customers or staff affected',
  customersAffected: 'Customers affected',
  staffAffected: 'Staff affected',
  personalData: 'Personal data',
  personalDataCount: 'Number of people',
  personalDataKinds: 'Kinds of personal data',
  sensitivity: 'Sensitivity',
  protectiveMarking: 'Protective marking',
  encrypted: 'Encrypted',
  thirdPartyUse: 'Use by someone else',
  assetOwnerId: 'Information Asset Owner',
  immediateCause: 'Immediate cause',
  crimeNumber: 'Crime number',
  suggestedSeverity: 'Suggested severity',
};

function value(field: string, v: unknown, timeZone: string): string {
  if (v === null || v === undefined || v === '') return '_none_';
  const s = String(v);
  switch (field) {
    case 'kind':
      return kindLabel(s as Parameters<typeof kindLabel>[0]);
    case 'category':
      return categoryLabel(s);
    case 'customersOrStaffAffected':
    case 'customersAffected':
    case 'staffAffected':
    case 'personalData':
      return yesNoLabel(s);
    case 'sensitivity':
      return sensitivityLabel(s) ?? userText(s, 100);
    case 'encrypted':
      return encryptedLabel(s) ?? userText(s, 100);
    case 'immediateCause':
      return causeLabel(s) ?? userText(s, 100);
    case 'suggestedSeverity':
      return SEVERITY_LABELS[s as keyof typeof SEVERITY_LABELS] ?? 'none';
    case 'discoveredAt':
    case 'occurredAt':
    case 'awareAt': {
      const d = new Date(s);
      return Number.isNaN(d.getTime()) ? '_none_' : slackDate(d, timeZone);
    }
    case 'assetOwnerId':
    case 'hodId':
      return isSlackUserId(s) ? mention(s) : '_none_';
    default:
      return userText(s, 300);
  }
}

/** "Now owed: …, due …" and "No longer owed: …" from an event's obligations trace. */
function obligationLines(after: Record<string, unknown>, timeZone: string): string[] {
  const n = (after.notifications ?? {}) as Partial<Record<NotificationKind, Record<string, unknown>>>;
  const lines: string[] = [];
  for (const [kind, o] of Object.entries(n) as [NotificationKind, Record<string, unknown>][]) {
    const label = notificationLabel({ kind: kind.split(':')[0] ?? kind });
    if (o.status === 'not_required') lines.push(`No longer owed: ${label} (recorded as not required)`);
    else if (o.status === 'pending' && typeof o.dueAt === 'string')
      lines.push(`${label} to be told by ${slackDate(new Date(o.dueAt), timeZone)}`);
  }
  return lines;
}

/**
 * The thread line of a change to the record's facts, its reporter's answers and its evidence:
 * who did it, each field before and after, and what follows. Null for other events.
 */
export function recordEventLine(e: EventFacts, timeZone: string): string | null {
  const by = SLACK_USER_ID.test(e.actorId)
    ? mention(e.actorId)
    : e.actorId.startsWith('operator:')
      ? `the operator ${userText(e.actorId.slice('operator:'.length), 60)} (command line)`
      : 'Vigil';
  const after = e.after ?? {};
  const before = e.before ?? {};
  const text = (k: string, max: number) =>
    userText(typeof after[k] === 'string' ? String(after[k]) : '', max);
  switch (e.type) {
    case 'facts_corrected': {
      const fields = Object.keys(after).filter((k) => k in FACT_LABELS);
      const changes = fields.map(
        (k) => `• *${FACT_LABELS[k]}:* ${value(k, before[k], timeZone)} → ${value(k, after[k], timeZone)}`,
      );
      return [
        `:pencil2: *Facts corrected* by ${by}:`,
        ...changes,
        `>Reason: ${text('reason', 1000)}`,
        ...obligationLines(after, timeZone),
      ].join('\n');
    }
    case 'reporter_asked':
      return `:question: ${by} asked the reporter:\n>${text('question', 2000)}`;
    case 'reporter_answered':
      return `:speech_balloon: *${by}, the reporter, answered* “${text('question', 300)}”:\n>${text('answer', 2500)}${evidenceSuffix(after)}`;
    case 'reporter_added_information':
      return `:memo: *${by}, the reporter, added information*${typeof after.text === 'string' && after.text ? `:\n>${text('text', 2500)}` : '.'}${evidenceSuffix(after)}`;
    case 'evidence_registered':
      return `:paperclip: ${by} registered evidence: ${evidenceList(after)}`;
    case 'evidence_exported':
      return `:lock: ${by} exported the evidence pack (${Number(after.items ?? 0)} evidence item${after.items === 1 ? '' : 's'}): logged for the chain of custody.`;
    default:
      return null;
  }
}

interface EvidenceFact {
  name?: string | null;
  sha256?: string | null;
  size?: number | null;
  kind?: string;
}

function evidenceList(after: Record<string, unknown>): string {
  const items = (Array.isArray(after.evidence) ? after.evidence : []) as EvidenceFact[];
  return items
    .map((i) =>
      i.kind === 'note'
        ? 'a note'
        : `${userText(i.name ?? 'a file', 100)} (${i.size ?? 0} bytes, SHA-256 \`${String(i.sha256 ?? '').slice(0, 16)}…\`)`,
    )
    .join(', ');
}

function evidenceSuffix(after: Record<string, unknown>): string {
  return Array.isArray(after.evidence) && after.evidence.length > 0 ? `\nFiles: ${evidenceList(after)}` : '';
}
