import { z } from 'zod';
import type { Incident, Notification, Severity } from '../../db/schema';
import { type CategoryGroup, findCategory } from './categories';

/**
 * The outside bodies that must be told of an incident (seed 003 §5.7–5.9), as configuration: the
 * procedure's four are the defaults, and an organisation declares others (a sector regulator, the
 * NIS2 authority with its early warning, notification and final report) in OUTSIDE_BODIES.
 */

export const SEVERITY_RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };

/** What calls for the body; every condition given must hold. */
export interface Trigger {
  personalData?: true;
  criminal?: true;
  customersAffected?: true;
  categoryGroup?: CategoryGroup;
  severityAtLeast?: Severity;
}

/** One deadline the body sets, counted from when the organisation became aware. */
export interface Stage {
  /** Empty for a body with one deadline (the four defaults). */
  id: string;
  label: string;
  hours: number;
}

export type NotifierRole = 'siro' | 'cio' | 'md' | 'iao' | 'security';

export interface OutsideBody {
  id: string;
  label: string;
  trigger: Trigger;
  stages: Stage[];
  /** Who may record it: organisation roles, and the incident's IRM when `irm`. */
  roles: NotifierRole[];
  irm: boolean;
}

export const DEFAULT_BODY_IDS = ['regulator', 'police', 'cert', 'customers'] as const;
export type DefaultBodyId = (typeof DEFAULT_BODY_IDS)[number];

/**
 * Who may record the default bodies (permissions.ts reads these too): police by the IAO or SIRO
 * (seed 003 §5.9); national CERT by the CIO (§5.8); the regulator is the DPO's duty (PRODUCT).
 */
export const DEFAULT_NOTIFIERS: Record<DefaultBodyId, { roles: NotifierRole[]; irm: boolean }> = {
  regulator: { roles: ['siro', 'md'], irm: false },
  police: { roles: ['siro', 'iao'], irm: false },
  cert: { roles: ['cio'], irm: false },
  customers: { roles: ['siro', 'md'], irm: true },
};

/** Seed 003 §5.7–5.9 and PRODUCT: the regulator (the DPO's duty), police, national CERT, customers. */
export function defaultBodies(hours: Record<DefaultBodyId, number>): OutsideBody[] {
  const one = (label: string, h: number): Stage[] => [{ id: '', label, hours: h }];
  return [
    {
      id: 'regulator',
      ...DEFAULT_NOTIFIERS.regulator,
      label: 'Data-protection regulator',
      trigger: { personalData: true },
      stages: one('Data-protection regulator', hours.regulator),
    },
    {
      id: 'police',
      ...DEFAULT_NOTIFIERS.police,
      label: 'Police',
      trigger: { criminal: true },
      stages: one('Police', hours.police),
    },
    {
      id: 'cert',
      ...DEFAULT_NOTIFIERS.cert,
      label: 'National CERT',
      trigger: { categoryGroup: 'network' },
      stages: one('National CERT', hours.cert),
    },
    {
      id: 'customers',
      ...DEFAULT_NOTIFIERS.customers,
      label: 'Affected customers',
      trigger: { customersAffected: true },
      stages: one('Affected customers', hours.customers),
    },
  ];
}

const id = z
  .string()
  .regex(
    /^[a-z][a-z0-9_]{0,30}$/,
    'must be lower-case letters, digits or _ (at most 31), starting with a letter',
  );
const label = z.string().trim().min(1, 'needs a label').max(60, 'must be at most 60 characters');

/** One body as an organisation declares it in OUTSIDE_BODIES (JSON). */
const declaredBody = z
  .object({
    id,
    label,
    trigger: z
      .object({
        personalData: z.literal(true).optional(),
        criminal: z.literal(true).optional(),
        customersAffected: z.literal(true).optional(),
        categoryGroup: z.enum(['network', 'leakage', 'customer', 'other']).optional(),
        severityAtLeast: z.enum(['low', 'medium', 'high', 'critical']).optional(),
      })
      .strict()
      .refine((t) => Object.keys(t).length > 0, 'needs at least one condition'),
    stages: z
      .array(
        z
          .object({
            id,
            label,
            hours: z
              .number()
              .positive()
              .max(24 * 365),
          })
          .strict(),
        'must be a list of { id, label, hours }',
      )
      .min(1, 'needs at least one stage')
      .max(5, 'may have at most 5 stages')
      .refine((s) => new Set(s.map((x) => x.id)).size === s.length, 'has two stages with the same id'),
    roles: z.array(z.enum(['siro', 'cio', 'md', 'iao', 'security'])).min(1, 'needs at least one role'),
    irm: z.boolean().default(false),
  })
  .strict();

/** OUTSIDE_BODIES: a JSON list of bodies besides the four defaults. */
export const outsideBodiesSetting = z
  .string()
  .default('[]')
  .transform((s, ctx) => {
    try {
      return JSON.parse(s) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'is not valid JSON (a list of bodies: see .env.example)' });
      return z.NEVER;
    }
  })
  .pipe(
    z
      .array(declaredBody, 'must be a JSON list of bodies')
      .max(20, 'may declare at most 20 bodies')
      .superRefine((bodies, ctx) => {
        const seen = new Set<string>(DEFAULT_BODY_IDS);
        for (const b of bodies) {
          if (seen.has(b.id)) ctx.addIssue({ code: 'custom', message: `declares the body "${b.id}" twice` });
          seen.add(b.id);
        }
      }),
  );

export type DeclaredBody = z.infer<typeof declaredBody>;

/** The facts a trigger is judged on. */
export interface BodyFacts {
  personalData: boolean;
  criminal: boolean;
  customersAffected: boolean;
}

export function triggered(
  t: Trigger,
  incident: Pick<Incident, 'category' | 'severity'>,
  facts: BodyFacts,
): boolean {
  if (t.personalData && !facts.personalData) return false;
  if (t.criminal && !facts.criminal) return false;
  if (t.customersAffected && !facts.customersAffected) return false;
  if (t.categoryGroup && findCategory(incident.category)?.group !== t.categoryGroup) return false;
  if (
    t.severityAtLeast &&
    (!incident.severity || SEVERITY_RANK[incident.severity] < SEVERITY_RANK[t.severityAtLeast])
  )
    return false;
  return true;
}

/** One obligation: a body, and one of its stages. */
export interface Owed {
  kind: string;
  stage: string;
  label: string;
  hours: number;
}

/** Every stage of every body the facts call for. */
export function owedTo(
  bodies: readonly OutsideBody[],
  incident: Pick<Incident, 'category' | 'severity'>,
  facts: BodyFacts,
): Owed[] {
  return bodies
    .filter((b) => triggered(b.trigger, incident, facts))
    .flatMap((b) =>
      b.stages.map((s) => ({
        kind: b.id,
        stage: s.id,
        label: b.stages.length > 1 ? `${b.label}: ${s.label}` : b.label,
        hours: s.hours,
      })),
    );
}

/** Hours from awareness to a stage's deadline; a body no longer configured keeps 72 hours. */
export function stageHours(bodies: readonly OutsideBody[], kind: string, stage: string): number {
  return bodies.find((b) => b.id === kind)?.stages.find((s) => s.id === stage)?.hours ?? 72;
}

/** The name a notification is shown under: as stored when it was opened, else the default's. */
/** The default bodies' names inside a sentence: common nouns in lower case, a proper name kept. */
const NOUNS: Record<string, string> = {
  regulator: 'data-protection regulator',
  police: 'police',
  cert: 'National CERT',
  customers: 'affected customers',
};

/** A body's name inside a sentence ("the National CERT must be told"); a declared body's as declared. */
export function notificationNoun(
  n: Pick<Notification, 'kind'> & Partial<Pick<Notification, 'label'>>,
): string {
  return NOUNS[n.kind] ?? notificationLabel(n);
}

export function notificationLabel(
  n: Pick<Notification, 'kind'> & Partial<Pick<Notification, 'label'>>,
): string {
  if (n.label) return n.label;
  const fallback: Record<string, string> = {
    regulator: 'Data-protection regulator',
    police: 'Police',
    cert: 'National CERT',
    customers: 'Affected customers',
  };
  return fallback[n.kind] ?? n.kind;
}

/** The key of an obligation in an audit event's before/after: the body, and its stage when it has several. */
export const traceKey = (n: { kind: string; stage: string }): string =>
  n.stage ? `${n.kind}:${n.stage}` : n.kind;
