import { z } from 'zod';
import type { Incident } from '../../db/schema';

/** Seed 000 Rep.4.4: what an incident did to the business, for the report to management. */
export const IMPACT_AREAS = [
  { value: 'availability', label: 'Availability (systems or services down)' },
  { value: 'confidentiality', label: 'Confidentiality (information disclosed)' },
  { value: 'integrity', label: 'Integrity (information altered or lost)' },
  { value: 'financial', label: 'Financial' },
  { value: 'legal', label: 'Legal or regulatory' },
  { value: 'reputational', label: 'Reputational' },
] as const;
export type ImpactArea = (typeof IMPACT_AREAS)[number]['value'];
const VALUES = IMPACT_AREAS.map((a) => a.value) as [ImpactArea, ...ImpactArea[]];

export const impactLabel = (v: string): string => IMPACT_AREAS.find((a) => a.value === v)?.label ?? v;

/** The largest estimate taken (a whole amount in the organisation's currency). */
export const IMPACT_COST_MAX = 1_000_000_000_000;

/**
 * The impact questions of the triage and resolution forms, both optional: absent leaves what is
 * recorded; answered (even emptied) replaces it.
 */
export const impactFields = {
  impactAreas: z.array(z.enum(VALUES, { error: 'Please choose from the list.' })).nullish(),
  impactCost: z
    .number({ error: 'Please enter a whole amount.' })
    .int('Please enter a whole amount.')
    .min(0, 'The cost cannot be negative.')
    .max(IMPACT_COST_MAX, 'That amount is too large; please give an estimate.')
    .nullish(),
};

/** The incident's fields the answers change (only those answered). */
export function impactPatch(input: {
  impactAreas?: ImpactArea[] | null;
  impactCost?: number | null;
}): Partial<Pick<Incident, 'impactAreas' | 'impactCost'>> {
  return {
    ...(input.impactAreas !== undefined
      ? { impactAreas: input.impactAreas && input.impactAreas.length > 0 ? input.impactAreas : null }
      : {}),
    ...(input.impactCost !== undefined ? { impactCost: input.impactCost } : {}),
  };
}

/** Before and after of the impact a form changed, for its audit event (empty when unchanged). */
export function impactChange(
  incident: Pick<Incident, 'impactAreas' | 'impactCost'>,
  input: Parameters<typeof impactPatch>[0],
): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const patch = impactPatch(input);
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const key of ['impactAreas', 'impactCost'] as const) {
    if (!(key in patch) || JSON.stringify(patch[key]) === JSON.stringify(incident[key])) continue;
    before[key] = incident[key];
    after[key] = patch[key];
  }
  return { before, after };
}
