import type { BlockAction, StaticSelectAction } from '@slack/bolt';
import { CARD_ACTIONS } from '../../../../blocks/card-ids';
import { moreControls } from '../../../../blocks/card-more';
import { loadCardModel } from '../../../services/card-model';
import { ackOnce, clickedIncident, findIncident, mayOpen, refreshCard, refuse } from '../../card-interaction';
import type { ListenerDeps } from '../../deps';
import type { Listeners } from '../router';

/**
 * The card's "More…" menu. The option picked names a secondary control (blocks/card-more.ts); once
 * it is one the card offers now and the person may use, the click is handed to that control's own
 * listener as if its button had been clicked, so each control has one listener and one set of
 * checks wherever it appears.
 */
export function registerCardMoreMenu(app: Listeners, deps: ListenerDeps): void {
  app.action<BlockAction<StaticSelectAction>>(CARD_ACTIONS.more, async (slackArgs) => {
    // Acknowledged by the control's listener once its change is stored, or here when refused.
    const args = ackOnce(slackArgs);
    try {
      const clicked = await clickedIncident(deps, args);
      if (!clicked) return;
      const i = clicked.incident;
      try {
        const picked = args.action.selected_option?.value;
        const model = loadCardModel(deps.db, i, deps.clock.now(), deps.config.orgTimeZone);
        const control = moreControls(model).find((c) => c.actionId === picked);
        if (!control) {
          await refuse(
            deps,
            args.respond,
            args.body.user.id,
            `That is not something to do on ${i.reference} now; the card now shows what is.`,
            `unoffered menu pick on ${i.reference}`,
          );
          return;
        }
        if (!(await mayOpen(deps, args.respond, args.body.user.id, i, control.capability))) return;
        await app.redirect(args, control.actionId);
      } finally {
        // The menu goes on showing the pick until the card is drawn again, and would not let it be
        // picked twice; a change redraws the card anyway, after its thread line.
        if (findIncident(deps, i.id)?.version === i.version) refreshCard(deps, i.id);
      }
    } finally {
      await args.acked();
    }
  });
}
