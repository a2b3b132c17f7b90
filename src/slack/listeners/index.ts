import type { App } from '@slack/bolt';
import { dedupeEvents } from '../dedupe-events';
import type { ListenerDeps } from '../deps';
import { registerActionDmButtons } from './actions/action-dm-clicked';
import { registerActionMenu } from './actions/action-menu-selected';
import { registerCardChanges } from './actions/card-changed';
import { registerCardModalOpeners } from './actions/card-modal-opened';
import { registerCardMoreMenu } from './actions/card-more-picked';
import { registerDecisionPicked } from './actions/decision-picked';
import { registerHomeReportButton } from './actions/home-report-clicked';
import { registerLossLocationSelected } from './actions/loss-location-selected';
import { registerProcedureSteps } from './actions/procedure-steps';
import { registerReminderButtons } from './actions/reminder-clicked';
import { registerIncidentCommand } from './commands/incident';
import { registerReportIncidentCommand } from './commands/report-incident';
import { registerAppHomeOpened } from './events/app-home-opened';
import { registerSecurityChannelMembership } from './events/security-channel-membership';
import { registerAddToTimeline } from './shortcuts/add-to-timeline';
import { registerReportShortcuts } from './shortcuts/report-shortcuts';
import { registerCardModalSubmissions } from './views/card-modal-submitted';
import { registerDesignateFromHome } from './views/procedure-forms';
import { registerReportSubmitted } from './views/report-submitted';

/** Every Slack entry point of the app; manifest.yml must match this list (test/manifest.test.ts). */
export function registerListeners(app: App, deps: ListenerDeps): void {
  app.use(dedupeEvents(deps));
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
  registerAppHomeOpened(app, deps);
  registerSecurityChannelMembership(app, deps);
  registerHomeReportButton(app, deps);
  registerProcedureSteps(app, deps);
  registerDesignateFromHome(app, deps);
}
