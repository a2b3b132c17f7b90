import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { userText } from '../../blocks/text';
import { actions, reviews } from '../../db/schema';
import type { RecordResult, Target } from './change';
import type { DomainContext } from './context';
import { applyTransition } from './lifecycle';
import type { Actor } from './roles';

export const agreePlanSchema = z.object({
  note: z
    .string()
    .trim()
    .max(2000, 'Please keep this under 2000 characters.')
    .nullish()
    .transform((v) => v || null),
});
export type AgreePlanInput = z.output<typeof agreePlanSchema>;

/**
 * The SIRO agrees the action plan as it stands: kept as a review with the plan it agreed to (each
 * action's kind, owner and text), in the audit trail and the card's thread.
 */
export function agreeActionPlan(
  ctx: DomainContext,
  actor: Actor,
  target: Target,
  input: AgreePlanInput,
): RecordResult {
  return applyTransition(
    ctx,
    actor,
    { ...target, version: undefined },
    'agree_action_plan',
    null,
    (tx, incident, now) => {
      const plan = tx
        .select({
          id: actions.id,
          kind: actions.kind,
          ownerId: actions.ownerId,
          description: actions.description,
        })
        .from(actions)
        .where(eq(actions.incidentId, incident.id))
        .orderBy(asc(actions.id))
        .all();
      tx.insert(reviews)
        .values({
          incidentId: incident.id,
          type: 'action_plan',
          submittedBy: actor.id,
          submittedAt: now,
          content: { actions: plan, note: input.note },
          decision: 'approved',
          decidedBy: actor.id,
          decidedAt: now,
          comment: input.note,
        })
        .run();
      return {
        actor,
        type: 'action_plan_agreed',
        before: { actionPlan: 'not agreed' },
        after: { actionPlan: 'agreed', actionIds: plan.map((a) => a.id), note: input.note },
        summary: `<@${actor.id}> agreed the action plan (${plan.length} action${plan.length === 1 ? '' : 's'})${input.note ? `: ${userText(input.note, 500)}` : '.'}`,
      };
    },
  );
}
