import { userText } from '../../blocks/text';
import { loadForChange, type RecordResult, recordChange, type Target } from './change';
import type { DomainContext } from './context';
import { InvalidTransition } from './errors';
import { assertOpen } from './lifecycle';
import { assertCan } from './permissions';
import type { Actor } from './roles';
import { writeTransaction } from './tx';

export const UPDATE_MAX = 2500;

/** A progress note from the team, kept in the audit trail and posted in the card's thread. */
export function postUpdate(ctx: DomainContext, actor: Actor, target: Target, text: string): RecordResult {
  return writeTransaction(ctx.db, (tx) => {
    const loaded = loadForChange(tx, {
      incidentId: target.incidentId,
      ...(target.requestKey ? { requestKey: target.requestKey } : {}),
    });
    if (loaded.duplicate) return { incident: loaded.incident, applied: false };
    const { incident } = loaded;
    assertCan(ctx.config, actor, 'post_update', incident, 'post updates');
    assertOpen(incident, 'post updates');
    const body = text.trim();
    if (!body) throw new InvalidTransition('Please write the update.');
    if (body.length > UPDATE_MAX)
      throw new InvalidTransition(`Please keep an update under ${UPDATE_MAX} characters.`);
    const result = recordChange(tx, incident, {
      actor,
      at: ctx.clock.now(),
      type: 'update',
      after: { text: body },
      summary: `:speech_balloon: <@${actor.id}>: ${userText(body, 2900)}`,
      ...(target.requestKey ? { requestKey: target.requestKey } : {}),
    });
    return { incident: result.incident, applied: true };
  });
}
