import type { BlockAction, ButtonAction } from '@slack/bolt';
import { and, desc, eq } from 'drizzle-orm';
import { addInformationModal, answerModal } from '../../../../blocks/facts-modals';
import { REPORTER_ACTIONS } from '../../../../blocks/record-controls';
import { findIncidentById } from '../../../../db/find-incident';
import { incidentEvents, incidents } from '../../../../db/schema';
import { NOT_YOURS } from '../../../domain/reporter-dialogue';
import { refuse } from '../../card-interaction';
import type { ListenerDeps } from '../../deps';
import type { Listeners } from '../router';

/**
 * The reporter's buttons (seed 003 §4.1): "Answer" under the team's question, "Add information"
 * under the receipt and in App Home. The button's value is the client's word: the question and
 * the report are read again, and anyone but their reporter is told only that there is nothing for
 * them there.
 */
export function registerReporterControls(app: Listeners, deps: ListenerDeps): void {
  app.action<BlockAction<ButtonAction>>(
    REPORTER_ACTIONS.answer,
    async ({ ack, body, action, client, respond }) => {
      await ack();
      const userId = body.user.id;
      const id = /^\d{1,12}$/.test(action.value ?? '') ? Number(action.value) : 0;
      const asked = deps.db
        .select()
        .from(incidentEvents)
        .where(and(eq(incidentEvents.id, id), eq(incidentEvents.type, 'reporter_asked')))
        .get();
      const incident = asked ? findIncidentById(deps.db, asked.incidentId) : undefined;
      if (!asked || incident?.reporterId !== userId) {
        await refuse(deps, respond, userId, NOT_YOURS, 'answer to a question not theirs');
        return;
      }
      await client.views.open({
        trigger_id: body.trigger_id,
        view: answerModal(incident, asked.id, String(asked.after?.question ?? '')),
      });
    },
  );

  app.action<BlockAction<ButtonAction>>(
    REPORTER_ACTIONS.addInformation,
    async ({ ack, body, action, client, respond }) => {
      await ack();
      const userId = body.user.id;
      if (/^\d{1,12}$/.test(action.value ?? '')) {
        const incident = findIncidentById(deps.db, Number(action.value));
        if (incident?.reporterId !== userId) {
          await refuse(deps, respond, userId, NOT_YOURS, 'information added to a report not theirs');
          return;
        }
        await client.views.open({ trigger_id: body.trigger_id, view: addInformationModal(incident) });
        return;
      }
      // From App Home: the person chooses among their own reports, newest first.
      const mine = deps.db
        .select({ id: incidents.id, reference: incidents.reference, title: incidents.title })
        .from(incidents)
        .where(eq(incidents.reporterId, userId))
        .orderBy(desc(incidents.id))
        .limit(100)
        .all();
      if (mine.length === 0) {
        await refuse(
          deps,
          respond,
          userId,
          'You have not reported anything yet.',
          'add information with no reports',
        );
        return;
      }
      await client.views.open({ trigger_id: body.trigger_id, view: addInformationModal({ choose: mine }) });
    },
  );
}
