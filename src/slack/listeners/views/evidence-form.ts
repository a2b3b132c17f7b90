import { z } from 'zod';
import { EVIDENCE_MODAL } from '../../../../blocks/evidence-modals';
import { EVIDENCE_FILES_BLOCK } from '../../../../blocks/facts-modals';
import { findIncidentById } from '../../../../db/find-incident';
import { DomainError, NotFound } from '../../../domain/errors';
import { registerEvidence } from '../../../domain/evidence';
import { assertCan } from '../../../domain/permissions';
import { EvidenceFileError, hashSlackFiles } from '../../../services/evidence-files';
import { resolveActor } from '../../card-interaction';
import type { ListenerDeps } from '../../deps';
import { readViewState } from '../../view-state';
import type { Listeners } from '../router';

const metaSchema = z.object({ i: z.number().int().positive() });

/**
 * The card's "Add evidence" form: each file is read from Slack and hashed before the form closes,
 * so a file Slack will not give is said on the question, with the note kept.
 */
export function registerEvidenceForm(app: Listeners, deps: ListenerDeps): void {
  const ctx = { db: deps.db, clock: deps.clock, config: deps.config };
  app.view(EVIDENCE_MODAL, async ({ ack, body, view, client }) => {
    let meta: z.output<typeof metaSchema> | undefined;
    try {
      meta = metaSchema.parse(JSON.parse(view.private_metadata));
    } catch {
      await ack({
        response_action: 'errors',
        errors: { note: 'This form is damaged; please open it again.' },
      });
      return;
    }
    const answers = readViewState(view.state.values);
    const fileIds = (answers.get(EVIDENCE_FILES_BLOCK) ?? []) as string[];
    const note = typeof answers.get('note') === 'string' ? String(answers.get('note')) : null;
    const actor = await resolveActor(deps, body.user.id);
    try {
      // Who may, first: nobody else makes Vigil fetch a file.
      const incident = findIncidentById(deps.db, meta.i);
      if (!incident) throw new NotFound('That incident does not exist.');
      assertCan(deps.config, actor, 'add_evidence', incident, 'register evidence');
      const files = await hashSlackFiles(client, deps.config.slack.botToken, fileIds);
      registerEvidence(
        ctx,
        actor,
        { incidentId: meta.i, requestKey: `view:${view.id}` },
        {
          source: 'form',
          files,
          note,
        },
      );
    } catch (err) {
      if (!(err instanceof DomainError) && !(err instanceof EvidenceFileError)) throw err;
      deps.logger.info(`refused evidence for ${body.user.id} on incident ${meta.i}`);
      await ack({
        response_action: 'errors',
        errors: { [err instanceof EvidenceFileError ? EVIDENCE_FILES_BLOCK : 'note']: err.message },
      });
      return;
    }
    await ack();
    deps.outbox.kick();
  });
}
