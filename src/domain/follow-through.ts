import { z } from 'zod';
import { userText } from '../../blocks/text';
import { reviews } from '../../db/schema';
import { impactChange, impactFields, impactPatch } from './business-impact';
import type { RecordResult, Target } from './change';
import type { DomainContext } from './context';
import { InvalidTransition } from './errors';
import { formDate } from './form-dates';
import { applyTransition } from './lifecycle';
import { SLACK_USER_ID } from './people-ids';
import { decideReview, latestReview, pendingReview } from './reviews';
import type { Actor } from './roles';

const text = (max: number, message: string) =>
  z.string({ error: message }).trim().min(1, message).max(max, `Please keep this under ${max} characters.`);
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `Please keep this under ${max} characters.`)
    .nullish()
    .transform((v) => v || null);

export const resolutionInputSchema = (now: Date) =>
  z
    .object({
      restoredAt: formDate(now, 'Please say when operations were restored.'),
      how: text(3000, 'Please say how operations were restored.'),
      // Seed 000 Rep.4.4: the business impact, as it stands at restoration.
      ...impactFields,
    })
    .refine((r) => r.restoredAt.getTime() <= now.getTime() + 5 * 60_000, {
      path: ['restoredAt'],
      message: 'This time is in the future.',
    });

/** Seed 000 §4.1: causal analysis, permanent preventive measures, and their cost and resources. */
export const causalAnalysisSchema = z
  .object({
    rootCause: text(3000, 'Please give the root cause.'),
    contributingFactors: optionalText(3000),
    technicalMeasures: optionalText(3000),
    administrativeMeasures: optionalText(3000),
    costAndResources: text(3000, 'Please give the cost and resources the measures need.'),
  })
  .refine((a) => a.technicalMeasures || a.administrativeMeasures, {
    path: ['technicalMeasures'],
    message: 'Please give at least one permanent preventive measure, technical or administrative.',
  });

export const decisionSchema = z
  .object({
    decision: z.enum(['approved', 'returned'], { error: 'Please approve or send back.' }),
    comment: optionalText(2000),
  })
  .refine((d) => d.decision === 'approved' || d.comment, {
    path: ['comment'],
    message: 'Please say what needs to change.',
  });

/** Seed 003 §5.10: recurrence risk, vulnerabilities assessed, risk register updated or why not. */
export const learningReviewSchema = z
  .object({
    recurrenceRisk: z.enum(['yes', 'no'], { error: 'Please say whether it could happen again.' }),
    reasoning: text(3000, 'Please give your reasoning.'),
    vulnerabilities: text(3000, 'Please record the vulnerabilities assessed.'),
    riskRegisterRef: optionalText(200),
    noChangeReason: optionalText(2000),
  })
  .refine((r) => r.riskRegisterRef || r.noChangeReason, {
    path: ['riskRegisterRef'],
    message: 'Give the risk register reference, or say below why the register needs no change.',
  });

export const closureRequestSchema = z.object({
  noAction: z.boolean(),
  justification: optionalText(2000),
  /** What the reporter is told was done, with their thanks at closure (the team's choice). */
  reporterNote: optionalText(600).optional(),
  /** Who the requester asks for the peer review; none: the security team, in the card's thread. */
  reviewerId: z
    .string()
    .regex(SLACK_USER_ID)
    .nullish()
    .transform((v) => v ?? null),
});

export type ResolutionInput = z.output<ReturnType<typeof resolutionInputSchema>>;
export type CausalAnalysisInput = z.output<typeof causalAnalysisSchema>;
export type DecisionInput = z.output<typeof decisionSchema>;
export type LearningReviewInput = z.output<typeof learningReviewSchema>;
export type ClosureRequestInput = z.output<typeof closureRequestSchema>;

export function startResolution(ctx: DomainContext, actor: Actor, target: Target): RecordResult {
  return applyTransition(ctx, actor, target, 'start_resolution', null, () => ({
    actor,
    type: 'resolution_started',
    summary: `<@${actor.id}> started resolving this.`,
  }));
}

/** Operations restored (seed 000 §3). The HOD's causal analysis is now due (duties.ts asks for it). */
export function markResolved(
  ctx: DomainContext,
  actor: Actor,
  target: Target,
  input: ResolutionInput,
): RecordResult {
  return applyTransition(ctx, actor, target, 'resolve', null, (_tx, incident) => ({
    actor,
    type: 'resolved',
    patch: { resolvedAt: input.restoredAt, resolutionNote: input.how, ...impactPatch(input) },
    ...impactChange(incident, input),
    after: {
      resolvedAt: input.restoredAt.toISOString(),
      how: input.how,
      ...impactChange(incident, input).after,
    },
    summary: `<@${actor.id}> marked operations restored. How: ${userText(input.how, 500)}`,
  }));
}

export function submitCausalAnalysis(
  ctx: DomainContext,
  actor: Actor,
  target: Target,
  input: CausalAnalysisInput,
): RecordResult {
  return applyTransition(
    ctx,
    actor,
    { ...target, version: undefined },
    'submit_causal_analysis',
    input,
    (tx, incident, now) => {
      const round = (latestReview(tx, incident.id, 'causal_analysis')?.round ?? 0) + 1;
      tx.insert(reviews)
        .values({
          incidentId: incident.id,
          type: 'causal_analysis',
          round,
          submittedBy: actor.id,
          submittedAt: now,
          content: input,
        })
        .run();
      return {
        actor,
        type: 'causal_analysis_submitted',
        after: { round, ...input },
        summary: `<@${actor.id}> submitted the causal analysis${round > 1 ? ` (round ${round})` : ''} for the IRM's approval. Root cause: ${userText(input.rootCause, 400)}`,
      };
    },
  );
}

/** Seed 000 §4.2: the IRM approves the analysis and plan, or sends it back; each round is kept. */
export function decideCausalAnalysis(
  ctx: DomainContext,
  actor: Actor,
  target: Target,
  input: DecisionInput,
): RecordResult {
  return applyTransition(
    ctx,
    actor,
    { ...target, version: undefined },
    'decide_causal_analysis',
    null,
    (tx, incident, now) => {
      const pending = pendingReview(tx, incident.id, 'causal_analysis');
      if (!pending) throw new InvalidTransition('There is no causal analysis waiting for approval.');
      decideReview(tx, pending, actor, input.decision, input.comment, now);
      return {
        actor,
        type: input.decision === 'approved' ? 'causal_analysis_approved' : 'causal_analysis_returned',
        before: { round: pending.round, decision: 'pending' },
        after: { round: pending.round, decision: input.decision, comment: input.comment },
        summary:
          input.decision === 'approved'
            ? `<@${actor.id}> approved the causal analysis and preventive plan.`
            : `<@${actor.id}> sent the causal analysis back: ${userText(input.comment ?? '', 500)}`,
        // Sent back, its author is asked for a new round (duties.ts); approved, they hear so.
        deliveries:
          input.decision === 'approved' && pending.submittedBy !== actor.id
            ? [
                {
                  kind: 'dm',
                  incidentId: incident.id,
                  userId: pending.submittedBy,
                  template: 'analysis_approved',
                },
              ]
            : [],
      };
    },
  );
}

export function recordLearningReview(
  ctx: DomainContext,
  actor: Actor,
  target: Target,
  input: LearningReviewInput,
): RecordResult {
  return applyTransition(
    ctx,
    actor,
    { ...target, version: undefined },
    'learning_review',
    null,
    (tx, incident, now) => {
      tx.insert(reviews)
        .values({
          incidentId: incident.id,
          type: 'learning',
          submittedBy: actor.id,
          submittedAt: now,
          content: input,
          decision: 'approved',
          decidedBy: actor.id,
          decidedAt: now,
        })
        .run();
      return {
        actor,
        type: 'learning_review',
        patch: { riskRegisterRef: input.riskRegisterRef },
        after: { ...input },
        summary:
          `<@${actor.id}> reviewed it: recurrence risk ${input.recurrenceRisk === 'yes' ? 'yes' : 'no'}; ` +
          (input.riskRegisterRef
            ? `risk register ${userText(input.riskRegisterRef, 200)}.`
            : `risk register unchanged: ${userText(input.noChangeReason ?? '', 300)}`),
      };
    },
  );
}
