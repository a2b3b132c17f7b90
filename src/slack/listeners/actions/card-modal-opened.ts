import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { and, eq } from 'drizzle-orm';
import { CARD_ACTIONS } from '../../../../blocks/card-ids';
import { actionModal, notificationModal, triageModal, updateModal } from '../../../../blocks/card-modals';
import { notifications } from '../../../../db/schema';
import type { Capability } from '../../../domain/permissions';
import { clickedIncident, mayOpen, refuse } from '../../card-interaction';
import type { ListenerDeps } from '../../deps';

/**
 * The card's buttons that open a form: Triage, Post update, Add action, Record (a notification).
 * Permission is checked before the form opens; the domain checks again on submit.
 */
export function registerCardModalOpeners(app: App, deps: ListenerDeps): void {
  const simple: [string, Capability, typeof triageModal][] = [
    [CARD_ACTIONS.triage, 'triage', triageModal],
    [CARD_ACTIONS.postUpdate, 'post_update', updateModal],
    [CARD_ACTIONS.addAction, 'add_action', actionModal],
  ];
  for (const [actionId, capability, build] of simple) {
    app.action<BlockAction<ButtonAction>>(actionId, async (args) => {
      await args.ack();
      const clicked = await clickedIncident(deps, args);
      if (!clicked || !(await mayOpen(deps, args.respond, args.body.user.id, clicked.incident, capability)))
        return;
      await args.client.views.open({ trigger_id: args.body.trigger_id, view: build(clicked.incident) });
    });
  }

  app.action<BlockAction<ButtonAction>>(CARD_ACTIONS.recordNotification, async (args) => {
    await args.ack();
    const clicked = await clickedIncident(deps, args);
    if (!clicked) return;
    const notification = deps.db
      .select()
      .from(notifications)
      .where(
        and(
          eq(notifications.id, Number(args.action.value)),
          eq(notifications.incidentId, clicked.incident.id),
        ),
      )
      .get();
    if (notification?.status !== 'pending') {
      await refuse(
        deps,
        args.respond,
        args.body.user.id,
        'That notification is already recorded.',
        'stale notification',
      );
      return;
    }
    if (
      !(await mayOpen(deps, args.respond, args.body.user.id, clicked.incident, `notify_${notification.kind}`))
    )
      return;
    await args.client.views.open({
      trigger_id: args.body.trigger_id,
      view: notificationModal(clicked.incident, notification, deps.clock.now()),
    });
  });
}
