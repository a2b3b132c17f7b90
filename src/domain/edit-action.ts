import { eq } from 'drizzle-orm';
import { userText } from '../../blocks/text';
import { type Action, actions } from '../../db/schema';
import { dueDay } from '../dates';
import { type ActionTarget, changeAction } from './action-status';
import type { ActionInput } from './add-action';
import type { RecordResult } from './change';
import type { DomainContext } from './context';
import { InvalidTransition } from './errors';
import { assertOpen } from './lifecycle';
import { assertMayUpdateAction } from './permissions';
import type { Actor } from './roles';
import type { Tx } from './tx';

const FIELDS = ['kind', 'description', 'ownerId', 'dueAt'] as const;

const norm = (v: unknown) => (v instanceof Date ? v.toISOString() : (v ?? null));

/** A due date as people read it: the day it ends, where the organisation works. */
function dueText(dueAt: Date | null, timeZone: string): string {
  return dueAt ? dueDay(dueAt, timeZone) : 'no due date';
}

/**
 * Changes an open action's kind, text, owner or due date (the owner, the IRM or the SIRO). A new
 * owner is asked for it by DM, as when it was added (duties: the action's owner changed).
 */
export function editAction(
  ctx: DomainContext,
  actor: Actor,
  target: ActionTarget,
  input: ActionInput,
): RecordResult {
  return changeAction(ctx, target, (tx: Tx, incident, action, _now) => {
    assertMayUpdateAction(ctx.config, actor, action, incident);
    assertOpen(incident, 'change its actions');
    if (action.status !== 'open')
      throw new InvalidTransition(
        'Only an open action can be edited; this one is settled or waiting for a decision.',
      );
    const patch: Partial<Action> = {};
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    for (const key of FIELDS) {
      if (norm(action[key]) === norm(input[key])) continue;
      Object.assign(patch, { [key]: input[key] });
      before[key] = norm(action[key]);
      after[key] = norm(input[key]);
    }
    if (Object.keys(patch).length === 0) return null;
    tx.update(actions).set(patch).where(eq(actions.id, action.id)).run();
    const what: string[] = [];
    if (patch.kind) what.push(`now ${patch.kind}`);
    if (patch.ownerId) what.push(`owner <@${action.ownerId}> → <@${patch.ownerId}>`);
    if ('dueAt' in patch)
      what.push(
        `due ${dueText(action.dueAt, ctx.config.orgTimeZone)} → ${dueText(input.dueAt, ctx.config.orgTimeZone)}`,
      );
    if (patch.description) what.push(`now reads: ${userText(input.description, 300)}`);
    return {
      actor,
      type: 'action_edited',
      before: { actionId: action.id, ...before },
      after: { actionId: action.id, ...after },
      summary: `<@${actor.id}> edited the action "${userText(action.description, 150)}": ${what.join('; ')}.`,
    };
  });
}
