import { eq, getTableColumns, sql } from 'drizzle-orm';
import { ownerName, userText } from '../../blocks/text';
import { prepared, preparedByShape, storedValues } from '../../db/prepared';
import { type Action, actions, type Incident, isUnsettled } from '../../db/schema';
import { applyChange, type ChangeSpec, type RecordResult } from './change';
import type { DomainContext } from './context';
import { Forbidden, InvalidTransition, NotFound } from './errors';
import { assertOpen } from './lifecycle';
import { assertMayUpdateAction, can, ownsAction } from './permissions';
import type { Actor } from './roles';
import type { Tx } from './tx';

/** One action, as a click or form names it: the action id is a hint, re-read with its incident. */
export interface ActionTarget {
  actionId: number;
  /** The incident the control was on; an action of another incident is refused. */
  incidentId?: number;
  requestKey?: string;
}

const ACTION_COLUMNS = getTableColumns(actions);

const actionRow = prepared((db) =>
  db
    .select()
    .from(actions)
    .where(eq(actions.id, sql.placeholder('id')))
    .prepare(),
);

/** Finds the incident an action belongs to, so the change can be made under that incident. */
function actionIncidentId(ctx: DomainContext, target: ActionTarget): number {
  const row = actionRow(ctx.db).get({ id: target.actionId });
  if (!row || (target.incidentId !== undefined && row.incidentId !== target.incidentId))
    throw new NotFound('That action does not exist.');
  return row.incidentId;
}

function currentAction(tx: Tx, actionId: number): Action {
  const action = actionRow(tx).get({ id: actionId });
  if (!action) throw new NotFound('That action does not exist.');
  return action;
}

/** Runs one change to one action under its incident, with the usual audit, thread line and redraw. */
export function changeAction(
  ctx: DomainContext,
  target: ActionTarget,
  build: (
    tx: Tx,
    incident: Incident,
    action: Action,
    now: Date,
  ) => Omit<ChangeSpec, 'at' | 'requestKey'> | null,
): RecordResult {
  const incidentId = actionIncidentId(ctx, target);
  return applyChange(
    ctx,
    { incidentId, ...(target.requestKey ? { requestKey: target.requestKey } : {}) },
    (tx, incident, now) => build(tx, incident, currentAction(tx, target.actionId), now),
  );
}

const quoted = (a: Action, max = 200) => `"${userText(a.description, max)}"`;

/**
 * Done, or not being done with the reason. The owner's "not doing" is a proposal until the IRM or
 * SIRO accepts it; theirs counts at once, since they are the ones who would accept it.
 */
export function setActionStatus(
  ctx: DomainContext,
  actor: Actor,
  target: ActionTarget,
  status: 'done' | 'not_doing',
  reason: string | null,
): RecordResult {
  return changeAction(ctx, target, (tx, incident, action, now) => {
    assertMayUpdateAction(ctx.config, actor, action, incident);
    assertOpen(incident, 'change its actions');
    if (status === 'done') {
      if (!isUnsettled(action)) throw new InvalidTransition('This action is already closed.');
    } else if (action.status !== 'open') {
      throw new InvalidTransition(
        action.status === 'not_doing_proposed'
          ? 'Not doing this action is already proposed; the IRM or SIRO decides.'
          : 'This action is already closed.',
      );
    }
    const why = reason?.trim() ?? '';
    if (status === 'not_doing' && !why)
      throw new InvalidTransition('Please say why the action will not be done.');
    const proposal = status === 'not_doing' && ownsAction(action, actor.id);
    const next: Action['status'] = proposal ? 'not_doing_proposed' : status;
    updateAction(tx, action.id, {
      status: next,
      statusReason: status === 'done' ? null : why,
      completedAt: proposal ? null : now,
    });
    return {
      actor,
      type: status === 'done' ? 'action_done' : proposal ? 'action_not_doing_proposed' : 'action_not_doing',
      before: { actionId: action.id, status: action.status },
      after: { actionId: action.id, status: next, ...(status === 'done' ? {} : { reason: why }) },
      summary:
        status === 'done'
          ? `<@${actor.id}> completed the action: ${userText(action.description, 300)}`
          : proposal
            ? `<@${actor.id}> proposes not doing the action ${quoted(action)}: ${userText(why, 300)}. The IRM or SIRO accepts or keeps it open.`
            : `<@${actor.id}> will not do the action ${quoted(action)}: ${userText(why, 300)}`,
    };
  });
}

/** The IRM or SIRO accepts an owner's "not doing", or keeps the action open; never the owner. */
export function decideNotDoing(
  ctx: DomainContext,
  actor: Actor,
  target: ActionTarget,
  accept: boolean,
): RecordResult {
  return changeAction(ctx, target, (tx, incident, action, now) => {
    if (!can(ctx.config, actor, 'update_action', incident))
      throw new Forbidden(
        `Only the IRM or the SIRO may accept that an action will not be done on ${incident.reference}.`,
      );
    assertOpen(incident, 'change its actions');
    if (action.status !== 'not_doing_proposed')
      throw new InvalidTransition('Nobody has proposed not doing this action, or it is already decided.');
    if (ownsAction(action, actor.id))
      throw new Forbidden('You proposed not doing this action: someone else (the IRM or the SIRO) decides.');
    updateAction(
      tx,
      action.id,
      accept
        ? { status: 'not_doing', completedAt: now }
        : { status: 'open', statusReason: null, completedAt: null },
    );
    const status = accept ? 'not_doing' : 'open';
    return {
      actor,
      type: accept ? 'action_not_doing_accepted' : 'action_kept_open',
      before: { actionId: action.id, status: action.status, reason: action.statusReason },
      after: { actionId: action.id, status },
      summary: accept
        ? `<@${actor.id}> accepted that the action ${quoted(action)} will not be done.`
        : `<@${actor.id}> kept the action ${quoted(action)} open: ${ownerName(action)} still owns it.`,
    };
  });
}

const patchAction = preparedByShape((db, columns) =>
  db
    .update(actions)
    .set(storedValues(actions, columns as (keyof Action)[]))
    .where(eq(actions.id, sql.placeholder('actionId')))
    .prepare(),
);

function updateAction(tx: Tx, id: number, patch: Partial<Action>): void {
  // As drizzle's own `set` does: undefined leaves a column as it is.
  const given = Object.entries(patch).filter(([k, v]) => v !== undefined && k in ACTION_COLUMNS);
  patchAction(
    tx,
    given.map(([k]) => k),
  ).run({ ...Object.fromEntries(given), actionId: id });
}
