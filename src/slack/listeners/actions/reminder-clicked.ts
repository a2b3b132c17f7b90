import type { BlockAction, ButtonAction } from '@slack/bolt';
import { addDays } from 'date-fns';
import { eq } from 'drizzle-orm';
import { REMINDER_ACTIONS } from '../../../../blocks/reminder-digest';
import { slackDate } from '../../../../blocks/text';
import { actions } from '../../../../db/schema';
import { setActionStatus } from '../../../domain/action-status';
import { DomainError } from '../../../domain/errors';
import { checkDone, snooze } from '../../../domain/reminders';
import { refusalFor, refuse, resolveActor } from '../../card-interaction';
import type { ListenerDeps } from '../../deps';
import type { Listeners } from '../router';

/**
 * Done and Snooze on a reminder. The button's item key is a hint: snoozing only ever quiets the
 * clicker's own reminders, completing an action goes through the action's own permission check,
 * and any other Done is checked against the register (still owed: asked again tomorrow).
 */
export function registerReminderButtons(app: Listeners, deps: ListenerDeps): void {
  const ctx = { db: deps.db, clock: deps.clock, config: deps.config };
  const reply = (text: string) => ({ response_type: 'ephemeral' as const, replace_original: false, text });

  for (const [actionId, days] of [
    [REMINDER_ACTIONS.snoozeDay, 1],
    [REMINDER_ACTIONS.snoozeWeek, 7],
  ] as const) {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action, respond }) => {
      await ack();
      const until = addDays(deps.clock.now(), days);
      snooze(deps.db, body.user.id, String(action.value).slice(0, 200), until);
      await respond(reply(`:zzz: Snoozed until ${slackDate(until, deps.config.orgTimeZone)}.`));
    });
  }

  app.action<BlockAction<ButtonAction>>(REMINDER_ACTIONS.done, async ({ ack, body, action, respond }) => {
    await ack();
    const key = String(action.value).slice(0, 200);
    const actionMatch = /^action:(\d+):/.exec(key);
    if (actionMatch) {
      const actor = await resolveActor(deps, body.user.id);
      try {
        setActionStatus(
          ctx,
          actor,
          { actionId: Number(actionMatch[1]), requestKey: `action:${action.action_ts}` },
          'done',
          null,
        );
        deps.outbox.kick();
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        // The key is the client's word: an action of another's incident is not named to them.
        const of = deps.db
          .select({ incidentId: actions.incidentId })
          .from(actions)
          .where(eq(actions.id, Number(actionMatch[1])))
          .get();
        const text = of ? refusalFor(deps, actor, of.incidentId, err.message) : err.message;
        await refuse(deps, respond, body.user.id, text, 'reminder done');
        return;
      }
      await respond(reply(':white_check_mark: Action marked done. Thank you.'));
      return;
    }
    const { stillOwed } = checkDone(deps.db, body.user.id, key, deps.clock.now(), deps.config);
    await respond(
      reply(
        stillOwed
          ? `:hourglass_flowing_sand: *${stillOwed.reference}* still shows this as owed: ${stillOwed.text}. It clears once it is recorded on the card; I will remind you again tomorrow.`
          : ':white_check_mark: Thank you: the register shows nothing more owed from you on this.',
      ),
    );
  });
}
