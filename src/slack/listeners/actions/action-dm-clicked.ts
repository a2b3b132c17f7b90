import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { eq } from 'drizzle-orm';
import { CARD_MODALS, reasonModal } from '../../../../blocks/card-modals';
import { ACTION_DM_ACTIONS } from '../../../../blocks/direct-messages';
import { actions } from '../../../../db/schema';
import { setActionStatus } from '../../../domain/action-status';
import { DomainError } from '../../../domain/errors';
import { mayUpdateAction, updateActionRefusal } from '../../../domain/permissions';
import { findIncident, refuse, resolveActor } from '../../card-interaction';
import type { ListenerDeps } from '../../deps';

/** An action owner answers from the DM that gave them the action. */
export function registerActionDmButtons(app: App, deps: ListenerDeps): void {
  const ctx = { db: deps.db, clock: deps.clock, config: deps.config };

  app.action<BlockAction<ButtonAction>>(ACTION_DM_ACTIONS.done, async ({ ack, body, action, respond }) => {
    await ack();
    const actor = await resolveActor(deps, body.user.id);
    try {
      const { applied } = setActionStatus(
        ctx,
        actor,
        { actionId: Number(action.value), requestKey: `action:${action.action_ts}` },
        'done',
        null,
      );
      if (applied)
        await respond({
          response_type: 'ephemeral',
          replace_original: false,
          text: ':white_check_mark: Marked done. Thank you.',
        });
      deps.outbox.kick();
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      await refuse(deps, respond, body.user.id, err.message, 'action done');
    }
  });

  app.action<BlockAction<ButtonAction>>(
    ACTION_DM_ACTIONS.notDoing,
    async ({ ack, body, action, client, respond }) => {
      await ack();
      const row = deps.db
        .select()
        .from(actions)
        .where(eq(actions.id, Number(action.value)))
        .get();
      const incident = row ? findIncident(deps, row.incidentId) : undefined;
      if (!row || !incident) {
        await refuse(deps, respond, body.user.id, 'That action does not exist.', 'unknown action');
        return;
      }
      // Checked before the form opens: its heading names the incident, which is not everyone's to see.
      const actor = await resolveActor(deps, body.user.id);
      if (!mayUpdateAction(deps.config, actor, row, incident)) {
        await refuse(
          deps,
          respond,
          body.user.id,
          updateActionRefusal(incident),
          `action not doing on ${incident.reference}`,
        );
        return;
      }
      if (row.status !== 'open') {
        await refuse(
          deps,
          respond,
          body.user.id,
          row.status === 'not_doing_proposed'
            ? 'You already proposed not doing it; the IRM or SIRO decides.'
            : 'That action is already closed.',
          'action not doing',
        );
        return;
      }
      await client.views.open({
        trigger_id: body.trigger_id,
        view: reasonModal(
          CARD_MODALS.actionNotDoing,
          incident,
          { i: incident.id, v: incident.version, a: row.id },
          'Why will it not be done?',
        ),
      });
    },
  );
}
