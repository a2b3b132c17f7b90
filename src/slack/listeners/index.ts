import type { App } from '@slack/bolt';
import { durable } from '../../../db/group-commit';
import { dedupeEvents } from '../dedupe-events';
import type { ListenerDeps } from '../deps';
import { leanRespond } from '../lean-client';
import { registerActionDmButtons } from './actions/action-dm-clicked';
import { registerActionMenu } from './actions/action-menu-selected';
import { registerBriefingAcknowledged } from './actions/briefing-acknowledged';
import { registerBriefingRecommendations } from './actions/briefing-recommend';
import { registerCardChanges } from './actions/card-changed';
import { registerCardModalOpeners } from './actions/card-modal-opened';
import { registerCardMoreMenu } from './actions/card-more-picked';
import { registerDecisionPicked } from './actions/decision-picked';
import { registerHomeReportButton } from './actions/home-report-clicked';
import { registerLossLocationSelected } from './actions/loss-location-selected';
import { registerProcedureSteps } from './actions/procedure-steps';
import { registerRecordControls } from './actions/record-controls-clicked';
import { registerReminderButtons } from './actions/reminder-clicked';
import { registerReporterControls } from './actions/reporter-controls';
import { registerIncidentCommand } from './commands/incident';
import { registerReportIncidentCommand } from './commands/report-incident';
import { registerAppHomeOpened } from './events/app-home-opened';
import { registerSecurityChannelMembership } from './events/security-channel-membership';
import { routeByTable } from './router';
import { registerAddAsEvidence } from './shortcuts/add-as-evidence';
import { registerAddToTimeline } from './shortcuts/add-to-timeline';
import { registerReportShortcuts } from './shortcuts/report-shortcuts';
import { registerCardModalSubmissions } from './views/card-modal-submitted';
import { registerEvidenceForm } from './views/evidence-form';
import { registerDesignateFromHome } from './views/procedure-forms';
import { registerReportSubmitted } from './views/report-submitted';
import { registerReporterForms } from './views/reporter-forms';

/** Every Slack entry point of the app; manifest.yml must match this list (test/manifest.test.ts). */
export function registerListeners(bolt: App, deps: ListenerDeps): void {
  bolt.use(dedupeEvents(deps));
  const app = routeByTable(bolt, {
    client: bolt.client,
    durable: () => durable(deps.db),
    respondTo: (url) => leanRespond(url, deps.config.slack.timeoutMs),
  });
  registerReportIncidentCommand(app, deps);
  registerReportShortcuts(app, deps);
  registerAddToTimeline(app, deps);
  registerIncidentCommand(app, deps);
  registerLossLocationSelected(app, deps);
  registerReportSubmitted(app, deps);
  registerCardModalOpeners(app, deps);
  registerCardChanges(app, deps);
  registerCardMoreMenu(app, deps);
  registerActionMenu(app, deps);
  registerCardModalSubmissions(app, deps);
  registerDecisionPicked(app, deps);
  registerActionDmButtons(app, deps);
  registerReminderButtons(app, deps);
  registerBriefingAcknowledged(app, deps);
  registerBriefingRecommendations(app, deps);
  registerAppHomeOpened(app, deps);
  registerSecurityChannelMembership(app, deps);
  registerHomeReportButton(app, deps);
  registerProcedureSteps(app, deps);
  registerDesignateFromHome(app, deps);
  registerRecordControls(app, deps);
  registerEvidenceForm(app, deps);
  registerAddAsEvidence(app, deps);
  registerReporterControls(app, deps);
  registerReporterForms(app, deps);
}
