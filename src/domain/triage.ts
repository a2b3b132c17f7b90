import { addHours } from 'date-fns';
import { z } from 'zod';
import { slackDate, userText } from '../../blocks/text';
import type { Incident, Severity } from '../../db/schema';
import { impactFields, impactPatch } from './business-impact';
import { applyChange, diff, type RecordResult, type Target } from './change';
import type { DomainContext } from './context';
import { InvalidTransition } from './errors';
import { escalateAutomatically } from './escalate';
import { formDate } from './form-dates';
import { applyTransition, findOriginal } from './lifecycle';
import { parseReference } from './numbering';
import {
  ensureObligations,
  releasePendingObligations,
  requiredNotifications,
  withObligations,
} from './obligations';
import { assertCan } from './permissions';
import type { Actor } from './roles';
import type { Tx } from './tx';

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const satisfies readonly Severity[];
export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const isPriority = (p: string | null): p is Priority => PRIORITIES.some((x) => x === p);

/** Seed 003 §5.5: incidents are prioritised according to their severity, unless the SIRO says otherwise. */
export const PRIORITY_FOR: Record<Severity, Priority> = {
  critical: 'P1',
  high: 'P2',
  medium: 'P3',
  low: 'P4',
};

/** Each choice says what it means, in the option itself (a phone shows no hint beside a menu). */
export const SEVERITY_OPTIONS: Record<Severity, string> = {
  critical: 'Critical: serious harm now, to customers, many people or key systems',
  high: 'High: real harm: personal data, customers or staff, a key system',
  medium: 'Medium: limited harm, contained to one team or system',
  low: 'Low: little or no harm; "no action" may be acceptable',
};
export const PRIORITY_OPTIONS: Record<Priority, string> = {
  P1: 'P1: now, before any other work',
  P2: 'P2: today',
  P3: 'P3: this week',
  P4: 'P4: as time allows',
};
export const TRIAGE_FACTS = ['personal_data', 'criminal', 'customers_affected', 'staff_affected'] as const;

/** The SIRO's triage decision (seed 003 §4.3, §5.5), keyed like the triage form's blocks. */
export function triageInputSchema(opts: { now: Date }) {
  return (
    z
      .object({
        outcome: z.enum(['incident', 'not_incident', 'duplicate'], { error: 'Please choose a decision.' }),
        rationale: z
          .string({ error: 'Please give the reason for the decision.' })
          .trim()
          .min(1, 'Please give the reason for the decision.')
          .max(3000, 'Please keep this under 3000 characters.'),
        duplicateOf: z
          .string()
          .trim()
          .max(20, 'Please give just the reference, e.g. INC-2026-0007.')
          .nullish()
          .transform((v) => v || null),
        severity: z
          .enum(SEVERITIES)
          .nullish()
          .transform((v) => v ?? null),
        priority: z
          .enum(PRIORITIES)
          .nullish()
          .transform((v) => v ?? null),
        awareAt: formDate(opts.now, 'Please say when the organisation became aware.'),
        facts: z
          .array(z.enum(TRIAGE_FACTS))
          .nullish()
          .transform((v) => v ?? []),
        // Seed 000 Rep.4.4: the business impact, when it is already known.
        ...impactFields,
      })
      // An empty priority follows the severity: the form says so, and never demands it.
      .transform((t) => ({
        ...t,
        priority: t.priority ?? (t.outcome === 'incident' && t.severity ? PRIORITY_FOR[t.severity] : null),
      }))
      .superRefine((t, ctx) => {
        if (t.outcome === 'incident' && !t.severity)
          ctx.addIssue({ code: 'custom', path: ['severity'], message: 'Please set the severity.' });
        if (t.outcome === 'duplicate' && !(t.duplicateOf && parseReference(t.duplicateOf)))
          ctx.addIssue({
            code: 'custom',
            path: ['duplicateOf'],
            message: 'Please give the reference it duplicates, e.g. INC-2026-0007.',
          });
        if (t.awareAt.getTime() > opts.now.getTime() + 5 * 60_000)
          ctx.addIssue({ code: 'custom', path: ['awareAt'], message: 'This time is in the future.' });
      })
  );
}

export type TriageInput = z.output<ReturnType<typeof triageInputSchema>>;

export const SEVERITY_NAMES: Record<Severity, string> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
};

/** The target resolution time follows from severity (seed 003 §5.5), counted from triage. */
export function targetResolution(ctx: DomainContext, severity: Severity, from: Date): Date {
  return addHours(from, ctx.config.targetHours[severity]);
}

export function triageIncident(
  ctx: DomainContext,
  actor: Actor,
  target: Target,
  input: TriageInput,
): RecordResult {
  if (input.outcome === 'not_incident')
    return applyTransition(ctx, actor, target, 'dismiss_not_incident', null, (tx, incident, now, to) =>
      dismissal(tx, actor, incident, now, to, input),
    );
  if (input.outcome === 'duplicate')
    return applyTransition(
      ctx,
      actor,
      target,
      'dismiss_duplicate',
      { duplicateOf: input.duplicateOf },
      (tx, incident, now, to) => dismissal(tx, actor, incident, now, to, input),
    );
  return applyTransition(ctx, actor, target, 'triage', null, (tx, incident, now) => {
    const { severity, priority } = input;
    if (!severity || !priority) throw new InvalidTransition('Please set the severity and the priority.');
    const triagedAt = incident.triagedAt ?? now;
    const customersAffected = input.facts.includes('customers_affected');
    const staffAffected = input.facts.includes('staff_affected');
    // Seed 003 §5.6: customers or staff affected means the SIRO and the MD hear of it at once.
    const escalate = (customersAffected || staffAffected) && incident.escalatedAt === null;
    const patch: Partial<Incident> = {
      triageOutcome: 'incident',
      triageRationale: input.rationale,
      severity,
      priority,
      triagedAt,
      targetResolutionAt: targetResolution(ctx, severity, triagedAt),
      awareAt: input.awareAt,
      ...(input.facts.includes('personal_data') ? { personalData: 'yes' as const } : {}),
      ...(customersAffected ? { customersAffected: 'yes' as const } : {}),
      ...(staffAffected ? { staffAffected: 'yes' as const } : {}),
      ...(customersAffected || staffAffected ? { customersOrStaffAffected: 'yes' as const } : {}),
      ...(escalate ? { escalatedAt: now } : {}),
      ...impactPatch(input),
    };
    // Obligations follow the decision: who must be told, with deadlines from the awareness time.
    const decided = { ...incident, ...patch };
    const kinds = requiredNotifications(ctx.config.outsideBodies, decided, {
      personalData: decided.personalData === 'yes',
      criminal: input.facts.includes('criminal'),
      customersAffected,
    });
    const opened = ensureObligations(tx, decided, kinds, now, ctx.config.outsideBodies);
    // A possible breach (the reporter was not sure) that triage does not confirm owes the regulator nothing.
    const unconfirmed =
      decided.personalData === 'yes'
        ? { before: {}, after: {} }
        : releasePendingObligations(
            tx,
            incident.id,
            actor.id,
            now,
            'Triage: no personal data involved',
            'regulator',
          );
    const obligations = {
      before: { ...opened.before, ...unconfirmed.before },
      after: { ...opened.after, ...unconfirmed.after },
    };
    return {
      actor,
      type: incident.status === 'reported' ? 'triaged' : 'retriaged',
      patch,
      ...withObligations(diff(incident, patch), obligations),
      summary: `<@${actor.id}> triaged this as a security incident: severity ${SEVERITY_NAMES[severity]}, priority ${priority}. Reason: ${userText(input.rationale, 500)}`,
      ...(escalate
        ? {
            followUp: (after: Tx, updated: Incident) =>
              escalateAutomatically(after, updated, now, 'triage found that customers or staff are affected'),
          }
        : {}),
    };
  });
}

/** Not an incident, or a duplicate: the record stays in the register, closed, owing nobody. */
function dismissal(
  tx: Tx,
  actor: Actor,
  incident: Incident,
  now: Date,
  to: Incident['status'],
  input: TriageInput,
) {
  const duplicate = to === 'duplicate';
  const original = duplicate ? findOriginal(tx, input.duplicateOf).original : undefined;
  const patch: Partial<Incident> = {
    triageOutcome: input.outcome,
    triageRationale: input.rationale,
    duplicateOfId: original?.id ?? null,
    triagedAt: now,
    closedAt: now,
    awareAt: input.awareAt,
  };
  const released = releasePendingObligations(
    tx,
    incident.id,
    actor.id,
    now,
    `Triage: ${duplicate ? 'duplicate' : 'not a security incident'}`,
  );
  const reason = `Reason: ${userText(input.rationale, 500)}`;
  return {
    actor,
    type: duplicate ? 'dismissed_duplicate' : 'dismissed_not_incident',
    patch,
    ...withObligations(diff(incident, patch), released),
    summary: duplicate
      ? `<@${actor.id}> marked this a duplicate of ${original?.reference}. ${reason}`
      : `<@${actor.id}> decided this is not a security incident; it stays in the register. ${reason}`,
  };
}

export const severityChangeSchema = z.object({
  severity: z.enum(SEVERITIES, { error: 'Please choose the severity.' }),
  reason: z
    .string({ error: 'Please say why the severity changes.' })
    .trim()
    .min(1, 'Please say why the severity changes.')
    .max(2000, 'Please keep this under 2000 characters.'),
});
export type SeverityChange = z.output<typeof severityChangeSchema>;

/** The thread line's last sentence: where the target resolution time went (seed 003 §5.5). */
function targetMoved(from: Date | null, to: Date | null | undefined, timeZone: string): string {
  if (!to || from?.getTime() === to.getTime()) return '';
  return from
    ? ` Target resolution moved from ${slackDate(from, timeZone)} to ${slackDate(to, timeZone)}.`
    : ` Target resolution: ${slackDate(to, timeZone)}.`;
}

/**
 * A new severity moves the target resolution time (seed 003 §5.5), so it takes a reason, and the
 * IRM hears of it; a rise to Critical reaches the SIRO and the Managing Director too.
 */
export function setSeverity(
  ctx: DomainContext,
  actor: Actor,
  target: Target,
  change: SeverityChange,
): RecordResult {
  return applyChange(ctx, target, (_tx, incident, now) => {
    assertCan(ctx.config, actor, 'triage', incident, 'set the severity');
    if (!['triaged', 'resolving', 'resolved', 'in_review'].includes(incident.status))
      throw new InvalidTransition(
        incident.status === 'reported'
          ? `Triage ${incident.reference} first: severity is set with the triage decision.`
          : `${incident.reference} is closed; its severity can no longer change.`,
      );
    const { severity } = change;
    if (incident.severity === severity) return null;
    const reason = change.reason.trim();
    if (!reason) throw new InvalidTransition('Please say why the severity changes.');
    const patch: Partial<Incident> = {
      severity,
      targetResolutionAt: targetResolution(ctx, severity, incident.triagedAt ?? now),
    };
    const told = new Set<string>(incident.irmId ? [incident.irmId] : []);
    if (severity === 'critical')
      for (const id of [...ctx.config.roles.siro, ...ctx.config.roles.md]) told.add(id);
    told.delete(actor.id);
    const { before, after } = diff(incident, patch);
    return {
      actor,
      type: 'severity_changed',
      patch,
      before,
      after: { ...after, reason },
      summary: `<@${actor.id}> changed severity from ${incident.severity ? SEVERITY_NAMES[incident.severity] : 'unset'} to ${SEVERITY_NAMES[severity]}. Reason: ${userText(reason, 500)}${targetMoved(incident.targetResolutionAt, patch.targetResolutionAt, ctx.config.orgTimeZone)}`,
      deliveries: [...told].map((userId) => ({
        kind: 'dm' as const,
        incidentId: incident.id,
        userId,
        template: 'severity_changed' as const,
      })),
    };
  });
}
