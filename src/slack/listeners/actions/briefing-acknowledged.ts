import type { BlockAction, ButtonAction } from '@slack/bolt';
import { BRIEFING_ACK_ACTION } from '../../../../blocks/late-now';
import { mention, slackDate } from '../../../../blocks/text';
import { acknowledgeBriefing } from '../../../domain/briefing';
import type { ListenerDeps } from '../../deps';
import type { Listeners } from '../router';

/** The Managing Director's Acknowledge on the monthly briefing (seed 000 Rep.4.4). */
export function registerBriefingAcknowledged(app: Listeners, deps: ListenerDeps): void {
  app.action<BlockAction<ButtonAction>>(BRIEFING_ACK_ACTION, async ({ ack, body, action, respond }) => {
    await ack();
    const period = String(action.value ?? '').slice(0, 7);
    const now = deps.clock.now();
    const result = acknowledgeBriefing(deps.db, deps.config, body.user.id, period, now);
    const text =
      result.outcome === 'acknowledged'
        ? `:white_check_mark: You acknowledged the briefing for ${period} (${slackDate(now, deps.config.orgTimeZone)}).`
        : result.outcome === 'already'
          ? `Already acknowledged by ${mention(result.by)} ${slackDate(result.at, deps.config.orgTimeZone)}.`
          : result.reason;
    await respond({ response_type: 'ephemeral', replace_original: false, text });
  });
}
