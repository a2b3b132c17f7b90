import type { ViewResponseAction } from '@slack/bolt';
import { type ActionForm, type ActionInput, actionFromForm } from '../domain/add-action';
import { InvalidTransition } from '../domain/errors';
import type { ListenerDeps } from './deps';

/**
 * Before an action form given to a team (seed 003 §5.5) is saved: its members are read from Slack
 * now (the form names the group; who is in it is Slack's word), or the form says why not.
 */
export function readTeam(deps: ListenerDeps) {
  return async ({ value }: { value: ActionForm }): Promise<ViewResponseAction | null> => {
    if (!value.ownerGroupId) return null;
    const team = await deps.userGroups.resolve(value.ownerGroupId);
    if (team && team.members.length > 0) return null;
    return {
      response_action: 'errors',
      errors: {
        ownerGroupId: team
          ? 'That team has no members to do it: choose a person, or another team.'
          : 'Slack does not know that team any more: choose another, or a person.',
      },
    };
  };
}

/** The action the form describes, with the team's members read by readTeam. */
export function actionInput(deps: ListenerDeps, form: ActionForm): ActionInput {
  if (!form.ownerGroupId) return actionFromForm(form, null);
  const team = deps.userGroups.resolvedTeam(form.ownerGroupId);
  if (!team) throw new InvalidTransition('Please choose the team again.');
  return actionFromForm(form, team);
}
