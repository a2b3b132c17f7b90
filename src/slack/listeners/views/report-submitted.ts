import { reportConfirmation } from '../../../../blocks/report-confirmation';
import { REPORT_MODAL_CALLBACK } from '../../../../blocks/report-modal';
import { submitReport } from '../../../domain/submit-report';
import type { ListenerDeps } from '../../deps';
import { parseReportForm, parseReportMetadata } from '../../report-form';
import type { Listeners } from '../router';

export function registerReportSubmitted(app: Listeners, deps: ListenerDeps): void {
  const { db, clock, config, outbox, logger } = deps;
  app.view(REPORT_MODAL_CALLBACK, async ({ ack, body, view }) => {
    const parsed = parseReportForm(view.state.values, {
      now: clock.now(),
      departments: config.departments.map((d) => d.name),
    });
    if (!parsed.ok) {
      await ack({ response_action: 'errors', errors: parsed.errors });
      return;
    }
    // A person picker's choice is someone Vigil can resolve before it is stored or mentioned.
    const notPeople = await deps.people.pickerErrors(view.state.values);
    if (notPeople) {
      await ack({ response_action: 'errors', errors: notPeople });
      return;
    }
    const meta = parseReportMetadata(view.private_metadata, deps.workspaceUrl);
    const incident = submitReport({ db, clock, config }, parsed.value, {
      reporterId: body.user.id,
      source: meta.source,
      submissionKey: view.id,
      sourcePermalink: meta.permalink,
    });
    await ack({ response_action: 'update', view: reportConfirmation(incident) });
    logger.info(`${incident.reference} reported`);
    outbox.kick();
  });
}
