import { z } from 'zod';
import { ownerName, userText } from '../../blocks/text';
import { actions } from '../../db/schema';
import { dueDay } from '../dates';
import { applyChange, type RecordResult, type Target } from './change';
import type { DomainContext } from './context';
import { InvalidTransition } from './errors';
import { optionalFormDay } from './form-dates';
import { assertOpen } from './lifecycle';
import { SLACK_USER_ID } from './people-ids';
import { assertCan } from './permissions';
import type { Actor } from './roles';

/** The action form: its owner is a person or a team (a user group, seed 003 §5.5), one of the two. */
export const actionInputSchema = (opts: { now: Date; timeZone: string }) =>
  z
    .object({
      kind: z.enum(['corrective', 'preventive'], { error: 'Please say whether it corrects or prevents.' }),
      description: z
        .string({ error: 'Please describe the action.' })
        .trim()
        .min(1, 'Please describe the action.')
        .max(1000, 'Please keep this under 1000 characters.'),
      ownerId: z
        .string()
        .regex(SLACK_USER_ID, 'Please choose who owns it.')
        .nullish()
        .transform((v) => v ?? null),
      ownerGroupId: z
        .string()
        .regex(/^S[A-Z0-9]+$/, 'Please choose a team from the list.')
        .nullish()
        .transform((v) => v ?? null),
      /** Which of the two owns it, when the form offers teams; without it, the person. */
      ownerKind: z
        .enum(['person', 'team'])
        .nullish()
        .transform((v) => v ?? 'person'),
      /** The end of the due day in the organisation's zone. */
      dueAt: optionalFormDay(opts.now, opts.timeZone),
    })
    .superRefine((a, ctx) => {
      if (a.ownerKind === 'person' && !a.ownerId)
        ctx.addIssue({ code: 'custom', path: ['ownerId'], message: 'Please choose who owns it.' });
      if (a.ownerKind === 'team' && !a.ownerGroupId)
        ctx.addIssue({ code: 'custom', path: ['ownerGroupId'], message: 'Please choose the team.' });
    })
    // Only the chosen one counts: the other select may still show an earlier choice.
    .transform(({ ownerKind, ...a }) =>
      ownerKind === 'team' ? { ...a, ownerId: null } : { ...a, ownerGroupId: null },
    );
export type ActionForm = z.output<ReturnType<typeof actionInputSchema>>;

/** An action as the domain records it: a person's, or a team's with its members when it was given. */
export interface ActionInput {
  kind: 'corrective' | 'preventive';
  description: string;
  /** A member id, or the group's id (S…) for a team. */
  ownerId: string;
  dueAt: Date | null;
  ownerGroupName?: string | null;
  ownerMembers?: string[] | null;
}

/** The form's answer as an action, its team's members read from Slack (null: a person owns it). */
export function actionFromForm(
  form: ActionForm,
  team: { id: string; handle: string; members: string[] } | null,
): ActionInput {
  const { ownerGroupId: _group, ownerId, ...rest } = form;
  return team
    ? { ...rest, ownerId: team.id, ownerGroupName: team.handle, ownerMembers: team.members }
    : { ...rest, ownerId: ownerId ?? '', ownerGroupName: null, ownerMembers: null };
}

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
    if (input.ownerMembers && input.ownerMembers.length === 0)
      throw new InvalidTransition('That team has no members to do it: choose a person, or another team.');
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
        ...(input.ownerMembers
          ? { ownerGroupName: input.ownerGroupName, ownerMembers: input.ownerMembers }
          : {}),
        dueAt: input.dueAt?.toISOString() ?? null,
      },
      summary: `<@${actor.id}> added a ${input.kind} action for ${ownerName(action)}${due}: ${userText(input.description, 500)}`,
    };
  });
}
