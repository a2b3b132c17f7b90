import type {
  AllMiddlewareArgs,
  BlockAction,
  ButtonAction,
  RespondFn,
  SlackActionMiddlewareArgs,
} from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { and, eq, sql } from 'drizzle-orm';
import { DUTY_ACTIONS } from '../../../../blocks/card-ids';
import { CARD_MODALS, reasonModal } from '../../../../blocks/card-modals';
import { prepared } from '../../../../db/prepared';
import { type Action, actions, type Incident } from '../../../../db/schema';
import { type ActionTarget, decideNotDoing, setActionStatus } from '../../../domain/action-status';
import type { RecordResult } from '../../../domain/change';
import { mayUpdateAction, updateActionRefusal } from '../../../domain/permissions';
import type { Actor } from '../../../domain/roles';
import {
  ackOnce,
  clickedIncident,
  refusalFor,
  refuse,
  resolveActor,
  runCardChange,
} from '../../card-interaction';
import type { ListenerDeps } from '../../deps';
import type { Listeners } from '../router';

const actionOf = prepared((db) =>
  db
    .select()
    .from(actions)
    .where(and(eq(actions.id, sql.placeholder('id')), eq(actions.incidentId, sql.placeholder('incidentId'))))
    .prepare(),
);

type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

interface ActionClick {
  userId: string;
  incident: Incident;
  action: Action;
  target: ActionTarget;
  respond: RespondFn;
  client: WebClient;
  triggerId: string;
  /** Acknowledges the click now (before a Slack call that does not store anything). */
  acked: () => Promise<void>;
}

/**
 * An action's buttons wherever it is asked for: its owner's DM, its post in the card's thread, a
 * reminder, App Home. The button names the action (a hint): it must belong to the incident of the
 * message it was clicked on, and the domain checks who and whether again.
 */
export function registerActionDmButtons(app: Listeners, deps: ListenerDeps): void {
  const ctx = { db: deps.db, clock: deps.clock, config: deps.config };

  const on = (actionId: string, what: string, take: (click: ActionClick) => Promise<void>) =>
    app.action<BlockAction<ButtonAction>>(actionId, async (slackArgs) => {
      // Acknowledged once the change is stored (or refused), not before: see ackOnce.
      const args = ackOnce(slackArgs);
      try {
        await clickedAction(args, what, take);
      } finally {
        await args.acked();
      }
    });

  const clickedAction = async (
    args: ReturnType<typeof ackOnce<ButtonArgs>>,
    what: string,
    take: (click: ActionClick) => Promise<void>,
  ) => {
    const { body, action, respond, client } = args;
    const clicked = await clickedIncident(deps, args);
    if (!clicked) return;
    const row = actionOf(deps.db).get({ id: Number(action.value), incidentId: clicked.incident.id });
    if (!row) {
      await refuse(deps, respond, body.user.id, 'That action does not exist.', `unknown action (${what})`);
      return;
    }
    await take({
      userId: body.user.id,
      incident: clicked.incident,
      action: row,
      target: {
        actionId: row.id,
        incidentId: clicked.incident.id,
        requestKey: `action:${action.action_ts}`,
      },
      respond: respond as RespondFn,
      client,
      triggerId: body.trigger_id,
      acked: args.acked,
    });
  };

  const change = (
    actionId: string,
    what: string,
    apply: (actor: Actor, target: ActionTarget) => RecordResult,
  ) =>
    on(actionId, what, (c) =>
      runCardChange(deps, c.respond, c.userId, c.target as { incidentId: number }, what, (actor) =>
        apply(actor, c.target),
      ),
    );

  change(DUTY_ACTIONS.actionDone, 'action done', (actor, target) =>
    setActionStatus(ctx, actor, target, 'done', null),
  );
  change(DUTY_ACTIONS.actionAccept, 'accept not doing', (actor, target) =>
    decideNotDoing(ctx, actor, target, true),
  );
  change(DUTY_ACTIONS.actionKeepOpen, 'keep action open', (actor, target) =>
    decideNotDoing(ctx, actor, target, false),
  );

  on(DUTY_ACTIONS.actionNotDoing, 'action not doing', async (c) => {
    // Checked before the form opens: its heading names the incident, which is not everyone's to see.
    const actor = await resolveActor(deps, c.userId);
    if (!mayUpdateAction(deps.config, actor, c.action, c.incident)) {
      await refuse(
        deps,
        c.respond,
        c.userId,
        refusalFor(deps, actor, c.incident.id, updateActionRefusal(c.incident)),
        `action not doing on ${c.incident.reference}`,
      );
      return;
    }
    if (c.action.status !== 'open') {
      await refuse(
        deps,
        c.respond,
        c.userId,
        c.action.status === 'not_doing_proposed'
          ? 'Not doing it is already proposed; the IRM or SIRO decides.'
          : 'That action is already closed.',
        'action not doing',
      );
      return;
    }
    await c.acked();
    await c.client.views.open({
      trigger_id: c.triggerId,
      view: reasonModal(
        CARD_MODALS.actionNotDoing,
        c.incident,
        { i: c.incident.id, v: c.incident.version, a: c.action.id },
        'Why will it not be done?',
      ),
    });
  });
}
