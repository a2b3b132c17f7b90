import { and, eq } from 'drizzle-orm';
import { userText } from '../../blocks/text';
import { actions } from '../../db/schema';
import { applyChange, type RecordResult } from './change';
import type { DomainContext } from './context';
import { InvalidTransition, NotFound } from './errors';
import { assertMayUpdateAction } from './permissions';
import type { Actor } from './roles';

/** An owner (or the IRM or SIRO) marks an action done, or not being done with the reason. */
export function setActionStatus(
  ctx: DomainContext,
  actor: Actor,
  target: { actionId: number; requestKey?: string },
  status: 'done' | 'not_doing',
  reason: string | null,
): RecordResult {
  const action = ctx.db.select().from(actions).where(eq(actions.id, target.actionId)).get();
  if (!action) throw new NotFound('That action does not exist.');
  return applyChange(
    ctx,
    { incidentId: action.incidentId, ...(target.requestKey ? { requestKey: target.requestKey } : {}) },
    (tx, incident, now) => {
      assertMayUpdateAction(ctx.config, actor, action, incident);
      const current = tx
        .select()
        .from(actions)
        .where(and(eq(actions.id, action.id)))
        .get();
      if (current?.status !== 'open') throw new InvalidTransition('This action is already closed.');
      if (status === 'not_doing' && !reason?.trim())
        throw new InvalidTransition('Please say why the action will not be done.');
      tx.update(actions)
        .set({ status, statusReason: reason, completedAt: now })
        .where(eq(actions.id, action.id))
        .run();
      return {
        actor,
        type: status === 'done' ? 'action_done' : 'action_not_doing',
        before: { actionId: action.id, status: 'open' },
        after: { actionId: action.id, status, reason },
        summary:
          status === 'done'
            ? `<@${actor.id}> completed the action: ${userText(action.description, 300)}`
            : `<@${actor.id}> will not do the action "${userText(action.description, 200)}": ${userText(reason ?? '', 300)}`,
      };
    },
  );
}
