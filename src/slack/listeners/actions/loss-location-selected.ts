import type { BlockAction } from '@slack/bolt';
import { LOSS_LOCATION_ACTION, REPORT_KIND_ACTION, reportModal } from '../../../../blocks/report-modal';
import type { ListenerDeps } from '../../deps';
import { draftFromState } from '../../report-form';
import type { Listeners } from '../router';

/**
 * Redraws the form with the seed's follow-up questions for the chosen location, or with the
 * questions that fit the kind chosen, keeping all answers.
 */
export function registerLossLocationSelected(app: Listeners, deps: ListenerDeps): void {
  for (const actionId of [LOSS_LOCATION_ACTION, REPORT_KIND_ACTION])
    app.action<BlockAction>(actionId, async ({ ack, body, client }) => {
      await ack();
      const view = body.view;
      if (!view) return;
      try {
        await client.views.update({
          view_id: view.id,
          hash: view.hash,
          view: reportModal({
            departments: deps.config.departments.map((d) => d.name),
            draft: draftFromState(view.state.values),
            privateMetadata: view.private_metadata,
          }),
        });
      } catch (err) {
        // hash_conflict means a newer redraw already happened: nothing is lost.
        deps.logger.warn('report form could not be redrawn', err);
      }
    });
}
