import { z } from 'zod';
import { userText } from '../../blocks/text';
import { actions } from '../../db/schema';
import { dueDay } from '../dates';
import { applyChange, type RecordResult, type Target } from './change';
import type { DomainContext } from './context';
import { optionalFormDay } from './form-dates';
import { assertOpen } from './lifecycle';
import { assertCan } from './permissions';
import type { Actor } from './roles';

export const actionInputSchema = (opts: { now: Date; timeZone: string }) =>
  z.object({
    kind: z.enum(['corrective', 'preventive'], { error: 'Please say whether it corrects or prevents.' }),
    description: z
      .string({ error: 'Please describe the action.' })
      .trim()
      .min(1, 'Please describe the action.')
      .max(1000, 'Please keep this under 1000 characters.'),
    ownerId: z
      .string({ error: 'Please choose who owns it.' })
      .regex(/^[UW][A-Z0-9]+$/, 'Please choose who owns it.'),
    /** The end of the due day in the organisation's zone. */
    dueAt: optionalFormDay(opts.now, opts.timeZone),
  });
export type ActionInput = z.output<ReturnType<typeof actionInputSchema>>;

/** Corrective and preventive actions with an owner and a due date (seed 003 §5.5 action plan). */
export function addAction(
  ctx: DomainContext,
  actor: Actor,
  target: Target,
  input: ActionInput,
): RecordResult {
  return applyChange(ctx, { ...target, version: undefined }, (tx, incident, now) => {
    assertCan(ctx.config, actor, 'add_action', incident, 'add actions');
    assertOpen(incident, 'add actions');
    const action = tx
      .insert(actions)
      .values({ incidentId: incident.id, ...input, createdBy: actor.id, createdAt: now })
      .returning()
      .get();
    const due = input.dueAt ? `, due ${dueDay(input.dueAt, ctx.config.orgTimeZone)}` : '';
    return {
      actor,
      type: 'action_added',
      after: {
        actionId: action.id,
        kind: input.kind,
        ownerId: input.ownerId,
        dueAt: input.dueAt?.toISOString() ?? null,
      },
      summary: `<@${actor.id}> added a ${input.kind} action for <@${input.ownerId}>${due}: ${userText(input.description, 500)}`,
    };
  });
}
