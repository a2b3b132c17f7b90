import type { BlockAction, ButtonAction } from '@slack/bolt';
import { eq } from 'drizzle-orm';
import {
  BRIEFING_RECOMMEND_ACTION,
  BRIEFING_RECOMMEND_VIEW,
  RECOMMENDATIONS_BLOCK,
  recommendationsModal,
  recommendationsSentModal,
} from '../../../../blocks/briefing-recommendations';
import { periodicReports } from '../../../../db/schema';
import { notAWriter, writeRecommendations } from '../../../domain/briefing-recommendations';
import type { ListenerDeps } from '../../deps';
import { readViewState } from '../../view-state';
import type { Listeners } from '../router';

/**
 * Seed 000 Rep.4.4: the Management Representative's (or SIRO's) recommendations for the monthly
 * briefing. The button opens the form only for them and only while the briefing waits; the
 * submission is checked again in the domain, so a forged one is refused.
 */
export function registerBriefingRecommendations(app: Listeners, deps: ListenerDeps): void {
  app.action<BlockAction<ButtonAction>>(
    BRIEFING_RECOMMEND_ACTION,
    async ({ ack, body, action, respond, client }) => {
      await ack();
      const period = String(action.value ?? '').slice(0, 7);
      const refuse = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
      if (!deps.config.briefing.writers.includes(body.user.id))
        return void (await refuse(notAWriter(deps.config)));
      const row = deps.db.select().from(periodicReports).where(eq(periodicReports.period, period)).get();
      if (!row) return void (await refuse('There is no briefing for that month.'));
      if (row.releasedAt)
        return void (await refuse('That briefing has already gone to the Managing Director.'));
      await client.views.open({
        trigger_id: body.trigger_id,
        view: recommendationsModal(period, deps.config.orgTimeZone),
      });
    },
  );

  app.view(BRIEFING_RECOMMEND_VIEW, async ({ ack, body, view }) => {
    const text = readViewState(view.state.values).get(RECOMMENDATIONS_BLOCK);
    const period = String(view.private_metadata).slice(0, 7);
    const result = writeRecommendations(
      deps.db,
      deps.config,
      body.user.id,
      period,
      typeof text === 'string' ? text : '',
      deps.clock.now(),
    );
    if (result.outcome === 'refused') {
      deps.logger.info(`refused briefing recommendations from ${body.user.id}: ${result.reason}`);
      await ack({ response_action: 'errors', errors: { [RECOMMENDATIONS_BLOCK]: result.reason } });
      return;
    }
    await ack({ response_action: 'update', view: recommendationsSentModal(period, deps.config.orgTimeZone) });
    deps.outbox.kick();
  });
}
