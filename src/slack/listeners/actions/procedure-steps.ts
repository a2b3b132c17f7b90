import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import { asc, eq } from 'drizzle-orm';
import { DUTY_ACTIONS } from '../../../../blocks/card-ids';
import { HOME_ACTIONS } from '../../../../blocks/home-view';
import {
  accessModal,
  agreePlanModal,
  designateIrmAnyModal,
  designateIrmModal,
  retriageModal,
} from '../../../../blocks/procedure-modals';
import { actions, type Incident } from '../../../../db/schema';
import { type Transition, type TransitionInputs, transitionRefusal } from '../../../domain/lifecycle';
import { type Capability, rules } from '../../../domain/permissions';
import { clickedIncident, mayOpen, refuse, resolveActor } from '../../card-interaction';
import type { ListenerDeps } from '../../deps';
import type { Listeners } from '../router';

/**
 * The buttons of the steps asked where people are told (a DM, the card's thread, App Home, and a
 * few plain buttons on the card): each checks who may before its form opens, and whether the step
 * can be taken now, so nobody fills a form only to be refused; the domain checks again on submit.
 */
export function registerProcedureSteps(app: Listeners, deps: ListenerDeps): void {
  const ctx = { db: deps.db, clock: deps.clock, config: deps.config };
  const step = <T extends Transition>(
    actionId: string,
    capability: Capability,
    build: (i: Incident) => ModalView,
    precheck?: { transition: T; input: TransitionInputs[T] },
  ) =>
    app.action<BlockAction<ButtonAction>>(actionId, async (args) => {
      await args.ack();
      const userId = args.body.user.id;
      const clicked = await clickedIncident(deps, args);
      if (!clicked || !(await mayOpen(deps, args.respond, userId, clicked.incident, capability))) return;
      const refusal = precheck
        ? transitionRefusal(
            ctx,
            await resolveActor(deps, userId),
            clicked.incident,
            precheck.transition,
            precheck.input,
          )
        : null;
      if (refusal) {
        await refuse(deps, args.respond, userId, refusal, `${actionId} on ${clicked.incident.reference}`);
        return;
      }
      await args.client.views.open({ trigger_id: args.body.trigger_id, view: build(clicked.incident) });
    });

  step(
    DUTY_ACTIONS.agreePlan,
    'agree_action_plan',
    (i) =>
      agreePlanModal(
        i,
        deps.db.select().from(actions).where(eq(actions.incidentId, i.id)).orderBy(asc(actions.id)).all(),
      ),
    { transition: 'agree_action_plan', input: null },
  );
  step(DUTY_ACTIONS.retriage, 'triage', retriageModal, { transition: 'retriage', input: { reason: '-' } });
  step(DUTY_ACTIONS.designateIrm, 'assign_irm', designateIrmModal);
  step(DUTY_ACTIONS.manageAccess, 'manage_access', accessModal);

  // From App Home, for any incident: only those who may designate by their role see the button.
  app.action<BlockAction<ButtonAction>>(HOME_ACTIONS.designateIrm, async ({ ack, body, client, respond }) => {
    await ack();
    const actor = await resolveActor(deps, body.user.id);
    if (!rules(deps.config).assign_irm.roles.some((r) => r !== 'security' && actor.roles.has(r))) {
      await refuse(
        deps,
        respond,
        body.user.id,
        'Only the SIRO, the CIO or the Managing Director may designate an IRM from here; the security team does it on the card.',
        'designate IRM from Home',
      );
      return;
    }
    await client.views.open({ trigger_id: body.trigger_id, view: designateIrmAnyModal() });
  });
}
