import { userText } from '../../blocks/text';
import { applyChange, type RecordResult, type Target } from './change';
import type { DomainContext } from './context';
import { InvalidTransition } from './errors';
import { assertOpen } from './lifecycle';
import { assertCan } from './permissions';
import type { Actor } from './roles';

export const UPDATE_MAX = 2500;

/** A progress note from the team, kept in the audit trail and posted in the card's thread. */
export function postUpdate(ctx: DomainContext, actor: Actor, target: Target, text: string): RecordResult {
  return applyChange(ctx, { ...target, version: undefined }, (_tx, incident) => {
    assertCan(ctx.config, actor, 'post_update', incident, 'post updates');
    assertOpen(incident, 'post updates');
    const body = text.trim();
    if (!body) throw new InvalidTransition('Please write the update.');
    if (body.length > UPDATE_MAX)
      throw new InvalidTransition(`Please keep an update under ${UPDATE_MAX} characters.`);
    return {
      actor,
      type: 'update',
      after: { text: body },
      summary: `:speech_balloon: <@${actor.id}>: ${userText(body, 2900)}`,
    };
  });
}
