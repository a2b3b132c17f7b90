import type { BlockAction, BlockElementAction } from '@slack/bolt';
import { CARD_ACTIONS, DUTY_ACTIONS } from '../../../../blocks/card-ids';
import { assignIrm } from '../../../domain/assign-irm';
import type { RecordResult, Target } from '../../../domain/change';
import { approveClosure } from '../../../domain/closure';
import { escalateIncident } from '../../../domain/escalate';
import { startResolution } from '../../../domain/follow-through';
import type { Actor } from '../../../domain/roles';
import { clickedIncident, refreshCard, refuse, runCardChange } from '../../card-interaction';
import type { ListenerDeps } from '../../deps';
import { NOT_A_PERSON } from '../../people';
import type { Listeners } from '../router';

type Change = (actor: Actor, target: Target, action: BlockElementAction) => RecordResult | null;

/**
 * Controls that change the incident at once: the IRM picker, escalation, start of resolution, and
 * the CIO's confirmed approval of closure. On the card they carry the version it showed; asked for
 * elsewhere, the step's own state is the guard.
 */
export function registerCardChanges(app: Listeners, deps: ListenerDeps): void {
  const ctx = { db: deps.db, clock: deps.clock, config: deps.config };
  const on = (actionId: string, what: string, change: Change) =>
    app.action<BlockAction>(actionId, async (args) => {
      await args.ack();
      const clicked = await clickedIncident(deps, args);
      if (!clicked) return;
      const picked = args.action.type === 'users_select' ? args.action.selected_user : null;
      if (picked && !(await deps.people.resolvable(picked))) {
        refreshCard(deps, clicked.incident.id);
        await refuse(deps, args.respond, args.body.user.id, NOT_A_PERSON, `${what}: not a person`);
        return;
      }
      const target = {
        incidentId: clicked.incident.id,
        version: clicked.version,
        requestKey: `action:${args.action.action_ts}`,
      };
      // A select keeps showing what was picked until the card is drawn again.
      const select = args.action.type === 'static_select' || args.action.type === 'users_select';
      await runCardChange(
        deps,
        args.respond,
        args.body.user.id,
        target,
        what,
        (actor) => change(actor, target, args.action) ?? { applied: false },
        { redrawOnRefusal: select },
      );
    });

  on(CARD_ACTIONS.assignIrm, 'assign IRM', (actor, target, action) =>
    action.type === 'users_select' && action.selected_user
      ? assignIrm(ctx, actor, target, action.selected_user)
      : null,
  );
  on(CARD_ACTIONS.escalate, 'escalate', (actor, target) => escalateIncident(ctx, actor, target));
  on(CARD_ACTIONS.startResolution, 'start resolution', (actor, target) =>
    startResolution(ctx, actor, target),
  );
  on(DUTY_ACTIONS.approveClosure, 'approve closure', (actor, target) =>
    approveClosure(ctx, actor, target, { decision: 'approved', comment: null }),
  );
}
