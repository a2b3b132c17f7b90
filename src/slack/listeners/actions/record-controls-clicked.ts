import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import { evidenceModal } from '../../../../blocks/evidence-modals';
import { askReporterModal, correctFactsModal } from '../../../../blocks/facts-modals';
import { RECORD_ACTIONS } from '../../../../blocks/record-controls';
import type { Incident } from '../../../../db/schema';
import type { Capability } from '../../../domain/permissions';
import { clickedIncident, mayOpen } from '../../card-interaction';
import type { ListenerDeps } from '../../deps';
import type { Listeners } from '../router';

/**
 * The card's controls about the record: correct the facts, ask the reporter, add evidence. Who may
 * is checked before the form opens; the domain checks again when it comes back.
 */
export function registerRecordControls(app: Listeners, deps: ListenerDeps): void {
  const departments = deps.config.departments.map((d) => d.name);
  const openers: [string, Capability, (i: Incident) => ModalView][] = [
    [RECORD_ACTIONS.correctFacts, 'correct_facts', (i) => correctFactsModal(i, departments)],
    [RECORD_ACTIONS.askReporter, 'ask_reporter', askReporterModal],
    [RECORD_ACTIONS.addEvidence, 'add_evidence', evidenceModal],
  ];
  for (const [actionId, capability, build] of openers)
    app.action<BlockAction<ButtonAction>>(actionId, async (args) => {
      await args.ack();
      const clicked = await clickedIncident(deps, args);
      if (!clicked || !(await mayOpen(deps, args.respond, args.body.user.id, clicked.incident, capability)))
        return;
      await args.client.views.open({ trigger_id: args.body.trigger_id, view: build(clicked.incident) });
    });
}
