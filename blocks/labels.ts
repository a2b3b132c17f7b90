import type { Incident, IncidentStatus, Severity } from '../db/schema';
import { CATEGORY_GROUPS, findCategory } from '../src/domain/categories';
import {
  ENCRYPTED,
  IMMEDIATE_CAUSES,
  KINDS,
  LOSS_LOCATIONS,
  labelOf,
  SENSITIVITY,
  YES_NO_UNKNOWN,
} from '../src/domain/report-options';

export const SEVERITY_LABELS: Record<Severity, string> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
};

export const STATUS_LABELS: Record<IncidentStatus, string> = {
  reported: 'Reported, awaiting triage',
  triaged: 'Triaged',
  resolving: 'Being resolved',
  resolved: 'Resolved, operations restored',
  in_review: 'Awaiting closure approval',
  closed: 'Closed',
  not_incident: 'Closed: not a security incident',
  duplicate: 'Closed: duplicate',
};

const SHORT_KIND: Record<Incident['kind'], string> = {
  incident: 'Incident',
  near_miss: 'Near miss',
  weakness: 'Weakness',
};

export const kindLabel = (kind: Incident['kind']) => SHORT_KIND[kind] ?? labelOf(KINDS, kind) ?? kind;

export function categoryLabel(value: string): string {
  const c = findCategory(value);
  return c ? `${c.label} (${CATEGORY_GROUPS[c.group].label})` : value;
}

export const yesNoLabel = (v: string | null) => labelOf(YES_NO_UNKNOWN, v) ?? 'Not sure';
export const sensitivityLabel = (v: string | null) => labelOf(SENSITIVITY, v);
export const encryptedLabel = (v: string | null) => labelOf(ENCRYPTED, v);
export const causeLabel = (v: string | null) => labelOf(IMMEDIATE_CAUSES, v);
export const lossLocationLabel = (v: string | null) => labelOf(LOSS_LOCATIONS, v);

export function triageOutcomeLabel(
  outcome: NonNullable<Incident['triageOutcome']>,
  duplicateOf: string | null,
): string {
  if (outcome === 'incident') return 'a security incident';
  if (outcome === 'duplicate') return `a duplicate${duplicateOf ? ` of ${duplicateOf}` : ''}`;
  return 'not a security incident';
}
