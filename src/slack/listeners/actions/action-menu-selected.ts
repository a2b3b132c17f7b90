import type { BlockAction, OverflowAction } from '@slack/bolt';
import { and, eq } from 'drizzle-orm';
import { ACTION_MENU, CARD_ACTIONS, parseActionMenuValue } from '../../../../blocks/card-ids';
import {
  actionModal,
  CARD_MODALS,
  confirmActionDoneModal,
  reasonModal,
} from '../../../../blocks/card-modals';
import { type Action, actions, type Incident, isUnsettled } from '../../../../db/schema';
import { decideNotDoing, setActionStatus } from '../../../domain/action-status';
import { DomainError } from '../../../domain/errors';
import { assertOpen } from '../../../domain/lifecycle';
import {
  assertMayUpdateAction,
  mayUpdateAction,
  ownsAction,
  updateActionRefusal,
} from '../../../domain/permissions';
import {
  clickedIncident,
  refreshCard,
  refusalFor,
  refuse,
  resolveActor,
  runCardChange,
} from '../../card-interaction';
import type { ListenerDeps } from '../../deps';
import type { Listeners } from '../router';

/**
 * The menu beside each action on the card: edit, done, won't do, and the IRM's or SIRO's answer
 * to an owner's "won't do". The option names the action (a hint): it is re-read, must belong to
 * the card's incident, and every rule is checked again by the domain.
 */
export function registerActionMenu(app: Listeners, deps: ListenerDeps): void {
  const ctx = { db: deps.db, clock: deps.clock, config: deps.config };

  /** The action, if this person may change it now; otherwise the reason they may not. */
  async function editable(userId: string, incident: Incident, actionId: number): Promise<Action | string> {
    const action = deps.db
      .select()
      .from(actions)
      .where(and(eq(actions.id, actionId), eq(actions.incidentId, incident.id)))
      .get();
    if (!action) return 'That action does not exist.';
    try {
      assertMayUpdateAction(ctx.config, await resolveActor(deps, userId), action, incident);
      assertOpen(incident, 'change its actions');
    } catch (err) {
      if (err instanceof DomainError) return err.message;
      throw err;
    }
    return action.status === 'open'
      ? action
      : 'That action is no longer open: the card now shows where it stands.';
  }

  app.action<BlockAction<OverflowAction>>(CARD_ACTIONS.actionMenu, async (args) => {
    await args.ack();
    const clicked = await clickedIncident(deps, args);
    if (!clicked) return;
    const { incident } = clicked;
    const userId = args.body.user.id;
    const choice = parseActionMenuValue(args.action.selected_option?.value ?? '');
    const refused = async (text: string) => {
      // The menu may offer what no longer applies: the redraw shows the action as it is now.
      refreshCard(deps, incident.id);
      const actor = await resolveActor(deps, userId);
      await refuse(
        deps,
        args.respond,
        userId,
        refusalFor(deps, actor, incident.id, text),
        `action menu on ${incident.reference}`,
      );
    };
    if (!choice) {
      await refused('That choice is not on offer any more.');
      return;
    }
    const target = {
      actionId: choice.actionId,
      incidentId: incident.id,
      requestKey: `action:${args.action.action_ts}`,
    };
    switch (choice.op) {
      case ACTION_MENU.edit:
      case ACTION_MENU.notDoing: {
        const action = await editable(userId, incident, choice.actionId);
        if (typeof action === 'string') {
          await refused(action);
          return;
        }
        const view =
          choice.op === ACTION_MENU.edit
            ? actionModal(
                incident,
                { action, timeZone: deps.config.orgTimeZone },
                await deps.userGroups.list(),
              )
            : reasonModal(
                CARD_MODALS.actionNotDoing,
                incident,
                { i: incident.id, v: incident.version, a: action.id },
                'Why will it not be done?',
              );
        await args.client.views.open({ trigger_id: args.body.trigger_id, view });
        return;
      }
      case ACTION_MENU.done: {
        // Someone else's action is confirmed first: marking it done speaks for its owner. Who may
        // and whether are checked before the form opens (it names the incident), and again on save.
        const row = deps.db
          .select()
          .from(actions)
          .where(and(eq(actions.id, choice.actionId), eq(actions.incidentId, incident.id)))
          .get();
        if (row && !ownsAction(row, userId) && isUnsettled(row)) {
          if (!mayUpdateAction(ctx.config, await resolveActor(deps, userId), row, incident)) {
            await refused(updateActionRefusal(incident));
            return;
          }
          await args.client.views.open({
            trigger_id: args.body.trigger_id,
            view: confirmActionDoneModal(incident, row),
          });
          return;
        }
        await runCardChange(
          deps,
          args.respond,
          userId,
          target,
          'action done',
          (actor) => setActionStatus(ctx, actor, target, 'done', null),
          { redrawOnRefusal: true },
        );
        return;
      }
      case ACTION_MENU.accept:
      case ACTION_MENU.keepOpen:
        await runCardChange(
          deps,
          args.respond,
          userId,
          target,
          'action decision',
          (actor) => decideNotDoing(ctx, actor, target, choice.op === ACTION_MENU.accept),
          { redrawOnRefusal: true },
        );
        return;
    }
  });
}
