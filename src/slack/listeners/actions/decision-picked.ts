import type { BlockAction, RadioButtonsAction } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import { CARD_MODALS, DECISION_CHOICE_ACTION, withDecision } from '../../../../blocks/card-modals';
import type { ListenerDeps } from '../../deps';
import type { Listeners } from '../router';

const DECISION_FORMS: string[] = [CARD_MODALS.analysisReview, CARD_MODALS.peerReview, CARD_MODALS.approval];

/**
 * A review's decision picked in its form: the form is drawn again so that the comment is asked
 * for (required) when sending back, and offered (optional) when approving. Nothing is saved here.
 */
export function registerDecisionPicked(app: Listeners, deps: ListenerDeps): void {
  app.action<BlockAction<RadioButtonsAction>>(
    DECISION_CHOICE_ACTION,
    async ({ ack, body, action, client }) => {
      await ack();
      const view = body.view;
      const picked = action.selected_option?.value;
      if (
        !view ||
        !DECISION_FORMS.includes(view.callback_id) ||
        (picked !== 'approved' && picked !== 'returned')
      )
        return;
      try {
        await client.views.update({
          view_id: view.id,
          hash: view.hash,
          view: withDecision(
            {
              type: 'modal',
              callback_id: view.callback_id,
              title: view.title,
              ...(view.submit ? { submit: view.submit } : {}),
              ...(view.close ? { close: view.close } : {}),
              private_metadata: view.private_metadata,
              blocks: view.blocks,
            } as ModalView,
            picked,
          ),
        });
      } catch (err) {
        // hash_conflict: a newer redraw already happened, and the answers are kept either way.
        deps.logger.warn('decision form could not be redrawn', err);
      }
    },
  );
}
