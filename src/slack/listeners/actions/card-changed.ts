import type { App, BlockAction, ButtonAction, StaticSelectAction, UsersSelectAction } from '@slack/bolt';
import { CARD_ACTIONS } from '../../../../blocks/card-ids';
import type { Severity } from '../../../../db/schema';
import { assignIrm } from '../../../domain/assign-irm';
import { escalateIncident } from '../../../domain/escalate';
import { startResolution } from '../../../domain/follow-through';
import { SEVERITIES, setSeverity } from '../../../domain/triage';
import { clickedIncident, runCardChange } from '../../card-interaction';
import type { ListenerDeps } from '../../deps';

/** The card's controls that change the incident at once: severity, IRM, escalation. */
export function registerCardChanges(app: App, deps: ListenerDeps): void {
  const ctx = { db: deps.db, clock: deps.clock, config: deps.config };

  app.action<BlockAction<StaticSelectAction>>(CARD_ACTIONS.severity, async (args) => {
    await args.ack();
    const clicked = await clickedIncident(deps, args);
    const severity = args.action.selected_option?.value;
    if (!clicked || !SEVERITIES.includes(severity as Severity)) return;
    const target = {
      incidentId: clicked.incident.id,
      version: clicked.version,
      requestKey: `action:${args.action.action_ts}`,
    };
    await runCardChange(deps, args.respond, args.body.user.id, target, 'severity', (actor) =>
      setSeverity(ctx, actor, target, severity as Severity),
    );
  });

  app.action<BlockAction<UsersSelectAction>>(CARD_ACTIONS.assignIrm, async (args) => {
    await args.ack();
    const clicked = await clickedIncident(deps, args);
    if (!clicked || !args.action.selected_user) return;
    const irmId = args.action.selected_user;
    const target = {
      incidentId: clicked.incident.id,
      version: clicked.version,
      requestKey: `action:${args.action.action_ts}`,
    };
    await runCardChange(deps, args.respond, args.body.user.id, target, 'assign IRM', (actor) =>
      assignIrm(ctx, actor, target, irmId),
    );
  });

  app.action<BlockAction<ButtonAction>>(CARD_ACTIONS.startResolution, async (args) => {
    await args.ack();
    const clicked = await clickedIncident(deps, args);
    if (!clicked) return;
    const target = {
      incidentId: clicked.incident.id,
      version: clicked.version,
      requestKey: `action:${args.action.action_ts}`,
    };
    await runCardChange(deps, args.respond, args.body.user.id, target, 'start resolution', (actor) =>
      startResolution(ctx, actor, target),
    );
  });

  app.action<BlockAction<ButtonAction>>(CARD_ACTIONS.escalate, async (args) => {
    await args.ack();
    const clicked = await clickedIncident(deps, args);
    if (!clicked) return;
    const target = {
      incidentId: clicked.incident.id,
      version: clicked.version,
      requestKey: `action:${args.action.action_ts}`,
    };
    await runCardChange(deps, args.respond, args.body.user.id, target, 'escalate', (actor) =>
      escalateIncident(ctx, actor, target),
    );
  });
}
