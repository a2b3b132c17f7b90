import { eq } from 'drizzle-orm';
import { ownerName, userText } from '../../blocks/text';
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
/** A team's action also keeps the team's handle and its members as they were when it was given. */
const TEAM_FIELDS = ['ownerGroupName', 'ownerMembers'] as const;

/** As the audit trail keeps it. */
const recorded = (v: unknown) => (v instanceof Date ? v.toISOString() : (v ?? null));
/** As compared: a team's members by their list. */
const norm = (v: unknown) => (Array.isArray(v) ? JSON.stringify(v) : recorded(v));

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
    const next = {
      ...input,
      ownerGroupName: input.ownerGroupName ?? null,
      ownerMembers: input.ownerMembers ?? null,
    };
    if (next.ownerMembers && next.ownerMembers.length === 0)
      throw new InvalidTransition('That team has no members to do it: choose a person, or another team.');
    for (const key of [...FIELDS, ...TEAM_FIELDS]) {
      if (norm(action[key]) === norm(next[key])) continue;
      Object.assign(patch, { [key]: next[key] });
      before[key] = recorded(action[key]);
      after[key] = recorded(next[key]);
    }
    if (Object.keys(patch).length === 0) return null;
    tx.update(actions).set(patch).where(eq(actions.id, action.id)).run();
    const what: string[] = [];
    if (patch.kind) what.push(`now ${patch.kind}`);
    if (patch.ownerId) what.push(`owner ${ownerName(action)} → ${ownerName({ ...action, ...patch })}`);
    else if (patch.ownerMembers) what.push(`members of ${ownerName(action)} read again from Slack`);
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
