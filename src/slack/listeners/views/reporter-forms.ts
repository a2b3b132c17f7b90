import { z } from 'zod';
import { EVIDENCE_FILES_BLOCK, FACTS_MODALS } from '../../../../blocks/facts-modals';
import { findIncidentById } from '../../../../db/find-incident';
import type { RecordResult, Target } from '../../../domain/change';
import { DomainError } from '../../../domain/errors';
import {
  addReporterInformation,
  answerQuestion,
  NOT_YOURS,
  type ReporterContribution,
} from '../../../domain/reporter-dialogue';
import type { Actor } from '../../../domain/roles';
import { EvidenceFileError, hashSlackFiles } from '../../../services/evidence-files';
import { resolveActor } from '../../card-interaction';
import type { ListenerDeps } from '../../deps';
import { readViewState } from '../../view-state';
import type { Listeners } from '../router';

const answerMeta = z.object({ i: z.number().int().positive(), q: z.number().int().positive() });
const addMeta = z.object({ i: z.number().int().positive().optional() });

function json(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * The reporter's forms (seed 003 §4.1): an answer to the team's question, and information added
 * to their own report. Only the reporter, checked before any file is fetched; files are hashed
 * into the evidence register; a refusal reveals nothing about the report.
 */
export function registerReporterForms(app: Listeners, deps: ListenerDeps): void {
  const ctx = { db: deps.db, clock: deps.clock, config: deps.config };

  const submit = (
    callbackId: string,
    textBlock: string,
    target: (answers: Map<string, unknown>, meta: unknown) => { incidentId: number; q?: number } | string,
    apply: (actor: Actor, target: Target, value: ReporterContribution, q?: number) => RecordResult,
  ) =>
    app.view(callbackId, async ({ ack, body, view, client }) => {
      const answers = readViewState(view.state.values);
      const where = target(answers, json(view.private_metadata));
      if (typeof where === 'string') {
        await ack({
          response_action: 'errors',
          errors: { [answers.has('report') ? 'report' : textBlock]: where },
        });
        return;
      }
      const userId = body.user.id;
      const incident = findIncidentById(deps.db, where.incidentId);
      if (incident?.reporterId !== userId) {
        deps.logger.info(`refused ${callbackId} for ${userId}: not their report`);
        await ack({ response_action: 'errors', errors: { [textBlock]: NOT_YOURS } });
        return;
      }
      const text = answers.get(textBlock);
      const fileIds = (answers.get(EVIDENCE_FILES_BLOCK) ?? []) as string[];
      try {
        const files = await hashSlackFiles(client, deps.config.slack.botToken, fileIds);
        apply(
          await resolveActor(deps, userId),
          { incidentId: incident.id, requestKey: `view:${view.id}` },
          { text: typeof text === 'string' ? text : null, files },
          where.q,
        );
      } catch (err) {
        if (!(err instanceof DomainError) && !(err instanceof EvidenceFileError)) throw err;
        deps.logger.info(`refused ${callbackId} for ${userId} on incident ${incident.id}`);
        await ack({
          response_action: 'errors',
          errors: { [err instanceof EvidenceFileError ? EVIDENCE_FILES_BLOCK : textBlock]: err.message },
        });
        return;
      }
      await ack();
      deps.outbox.kick();
    });

  submit(
    FACTS_MODALS.answer,
    'answer',
    (_answers, meta) => {
      const m = answerMeta.safeParse(meta);
      return m.success
        ? { incidentId: m.data.i, q: m.data.q }
        : 'This form is damaged; please open it again.';
    },
    (actor, target, value, q) => answerQuestion(ctx, actor, target, q ?? 0, value),
  );
  submit(
    FACTS_MODALS.addInformation,
    'information',
    (answers, meta) => {
      const m = addMeta.safeParse(meta);
      const chosen = answers.get('report');
      const id =
        m.success && m.data.i
          ? m.data.i
          : typeof chosen === 'string' && /^\d{1,12}$/.test(chosen)
            ? Number(chosen)
            : 0;
      return id > 0 ? { incidentId: id } : 'Please choose one of your reports.';
    },
    (actor, target, value) => addReporterInformation(ctx, actor, target, value),
  );
}
