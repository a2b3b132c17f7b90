import type { App, BlockAction, BlockElementAction } from '@slack/bolt';
import { CARD_ACTIONS } from '../../../../blocks/card-ids';
import type { Severity } from '../../../../db/schema';
import { assignIrm } from '../../../domain/assign-irm';
import type { RecordResult, Target } from '../../../domain/change';
import { escalateIncident } from '../../../domain/escalate';
import { startResolution } from '../../../domain/follow-through';
import type { Actor } from '../../../domain/roles';
import { SEVERITIES, setSeverity } from '../../../domain/triage';
import { clickedIncident, runCardChange } from '../../card-interaction';
import type { ListenerDeps } from '../../deps';

type Change = (actor: Actor, target: Target, action: BlockElementAction) => RecordResult | null;

/** The card's controls that change the incident at once: severity, IRM, escalation, start of resolution. */
export function registerCardChanges(app: App, deps: ListenerDeps): void {
  const ctx = { db: deps.db, clock: deps.clock, config: deps.config };
  const on = (actionId: string, what: string, change: Change) =>
    app.action<BlockAction>(actionId, async (args) => {
      await args.ack();
      const clicked = await clickedIncident(deps, args);
      if (!clicked) return;
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

  on(CARD_ACTIONS.severity, 'severity', (actor, target, action) => {
    const severity = action.type === 'static_select' ? action.selected_option?.value : undefined;
    return SEVERITIES.includes(severity as Severity)
      ? setSeverity(ctx, actor, target, severity as Severity)
      : null;
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
}
