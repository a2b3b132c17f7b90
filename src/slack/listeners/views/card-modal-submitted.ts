import type { SlackViewMiddlewareArgs, ViewOutput, ViewResponseAction } from '@slack/bolt';
import { and, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { CARD_MODALS, confirmDismissalModal, noticeModal } from '../../../../blocks/card-modals';
import { incidentEvents, notifications, pendingConfirmations } from '../../../../db/schema';
import { parseOrgDate } from '../../../dates';
import { setActionStatus } from '../../../domain/action-status';
import { actionInputSchema, addAction } from '../../../domain/add-action';
import type { RecordResult, Target } from '../../../domain/change';
import { approveClosure, peerReview, reopenIncident, requestClosure } from '../../../domain/closure';
import { editAction } from '../../../domain/edit-action';
import { DomainError, Stale } from '../../../domain/errors';
import {
  causalAnalysisSchema,
  closureRequestSchema,
  decideCausalAnalysis,
  decisionSchema,
  learningReviewSchema,
  markResolved,
  recordLearningReview,
  resolutionInputSchema,
  submitCausalAnalysis,
} from '../../../domain/follow-through';
import { knowsOf, NOT_YOURS } from '../../../domain/knows-of';
import { soleCioRefusal, transitionRefusal } from '../../../domain/lifecycle';
import { can } from '../../../domain/permissions';
import { postUpdate } from '../../../domain/post-update';
import { notificationInputSchema, recordNotification } from '../../../domain/record-notification';
import type { Actor } from '../../../domain/roles';
import { setSeverity, severityChangeSchema, triageIncident, triageInputSchema } from '../../../domain/triage';
import { actionInput, readTeam } from '../../action-team';
import { findIncident, refreshCard, refusalFor, resolveActor } from '../../card-interaction';
import type { ListenerDeps } from '../../deps';
import { formAgain } from '../../stale-form';
import { type FormResult, parseForm, readViewState } from '../../view-state';
import type { Listeners } from '../router';
import { registerFactsForms } from './facts-forms';
import { registerProcedureForms } from './procedure-forms';

const metadataSchema = z.object({
  i: z.number().int().positive(),
  v: z.number().int().positive(),
  n: z.number().int().optional(),
  a: z.number().int().optional(),
});

type Args = SlackViewMiddlewareArgs;

/**
 * Forms opened from a card. The metadata names the incident and the version the person saw (hints,
 * re-read by the domain); the view id makes a double submission apply once.
 */
export function registerCardModalSubmissions(app: Listeners, deps: ListenerDeps): void {
  const ctx = { db: deps.db, clock: deps.clock, config: deps.config };

  /**
   * The incident moved on while the form was open (any change bumps its version, even an update
   * that has nothing to do with this form). The person's answers come back in the same form, now
   * for the current version, with what changed, so they can check and save again.
   */
  function staleFormAgain(view: ViewOutput, meta: z.output<typeof metadataSchema>) {
    const incident = findIncident(deps, meta.i);
    if (!incident) return null;
    const latest = deps.db
      .select({ summary: incidentEvents.summary })
      .from(incidentEvents)
      .where(eq(incidentEvents.incidentId, incident.id))
      .orderBy(desc(incidentEvents.id))
      .limit(1)
      .get();
    const note =
      `:warning: *${incident.reference} changed while this form was open.* Your answers are kept below: ` +
      // A restricted record's changes are not told to whoever holds the form (an action's owner).
      `check them against the card and save again.${latest && !incident.restricted ? `\n>Latest change: ${latest.summary}` : ''}`;
    return formAgain(view, JSON.stringify({ ...meta, v: incident.version }), note);
  }

  function handle<T>(
    callbackId: string,
    errorBlock: string,
    parse: (answers: Map<string, unknown>, meta: z.output<typeof metadataSchema>) => FormResult<T>,
    apply: (actor: Actor, target: Target, value: T, meta: z.output<typeof metadataSchema>) => RecordResult,
    /** Answers the form instead of applying it (a confirmation to give, a field to correct), or null. */
    before?: (form: {
      value: T;
      view: ViewOutput;
      meta: z.output<typeof metadataSchema>;
      userId: string;
    }) => Promise<ViewResponseAction | null>,
  ) {
    app.view(callbackId, async ({ ack, body, view }: Args) => {
      const meta = metadataSchema.safeParse(safeJson(view.private_metadata));
      if (!meta.success) {
        await ack({
          response_action: 'errors',
          errors: { [errorBlock]: 'This form is damaged; please open it again from the card.' },
        });
        return;
      }
      // Permission before anything about the incident: a form about one this person has not been
      // told of (forged, walking incident ids) is refused in the same words as for none at all.
      const actor = await resolveActor(deps, body.user.id);
      const incident = findIncident(deps, meta.data.i);
      if (!incident || !knowsOf(deps.db, deps.config, actor, incident)) {
        deps.logger.info(`refused ${callbackId} for ${body.user.id}: incident ${meta.data.i} not theirs`);
        await ack({ response_action: 'errors', errors: { [errorBlock]: NOT_YOURS } });
        return;
      }
      const answers = readViewState(view.state.values);
      const parsed = parse(answers, meta.data);
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
      const answer = await before?.({ value: parsed.value, view, meta: meta.data, userId: body.user.id });
      if (answer) {
        await ack(answer);
        return;
      }
      const target: Target = { incidentId: meta.data.i, version: meta.data.v, requestKey: `view:${view.id}` };
      try {
        apply(actor, target, parsed.value, meta.data);
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        deps.logger.info(`refused ${callbackId} for ${body.user.id} on incident ${meta.data.i}`);
        if (err instanceof Stale) {
          refreshCard(deps, meta.data.i);
          const again = staleFormAgain(view, meta.data);
          if (again) {
            await ack({ response_action: 'update', view: again });
            return;
          }
        }
        await ack({ response_action: 'errors', errors: { [errorBlock]: err.message } });
        return;
      }
      await ack();
      deps.outbox.kick();
    });
  }

  const parseTriage = (answers: Map<string, unknown>) =>
    parseForm(
      triageInputSchema({ now: deps.clock.now() }),
      Object.fromEntries(answers),
      new Set(answers.keys()),
      'rationale',
    );
  handle(
    CARD_MODALS.triage,
    'rationale',
    parseTriage,
    (actor, target, value) => triageIncident(ctx, actor, target, value),
    // Closing a report at triage is asked once more; the answers wait, kept, for the answer.
    async ({ value, view, meta, userId }) => {
      if (value.outcome === 'incident') return null;
      const incident = findIncident(deps, meta.i);
      if (!incident) return null;
      // What would be refused is refused now, on the form, rather than after the confirmation.
      const refusal = transitionRefusal(
        ctx,
        await resolveActor(deps, userId),
        incident,
        value.outcome === 'duplicate' ? 'dismiss_duplicate' : 'dismiss_not_incident',
        { duplicateOf: value.duplicateOf },
      );
      if (refusal) return { response_action: 'errors', errors: { rationale: refusal } };
      const pending = { userId, payload: { meta, values: view.state.values }, createdAt: deps.clock.now() };
      deps.db
        .insert(pendingConfirmations)
        .values({ key: view.id, ...pending })
        .onConflictDoUpdate({ target: pendingConfirmations.key, set: pending })
        .run();
      return {
        response_action: 'push',
        view: confirmDismissalModal(incident, value.outcome, JSON.stringify({ f: view.id })),
      };
    },
  );

  app.view(CARD_MODALS.confirmDismissal, async ({ ack, body, view }) => {
    const form = z.object({ f: z.string().max(40) }).safeParse(safeJson(view.private_metadata));
    const pending = form.success
      ? deps.db.select().from(pendingConfirmations).where(eq(pendingConfirmations.key, form.data.f)).get()
      : undefined;
    const meta = metadataSchema.safeParse(pending?.payload.meta);
    const values = pending?.payload.values as Parameters<typeof readViewState>[0] | undefined;
    const parsed = values ? parseTriage(readViewState(values)) : null;
    if (!form.success || !pending || pending.userId !== body.user.id || !meta.success || !parsed?.ok) {
      await ack({
        response_action: 'update',
        view: noticeModal(
          'Nothing was changed',
          'This confirmation is no longer valid. Open Triage again from the card or your message.',
        ),
      });
      return;
    }
    const actor = await resolveActor(deps, body.user.id);
    const target = { incidentId: meta.data.i, version: meta.data.v, requestKey: `view:${form.data.f}` };
    try {
      triageIncident(ctx, actor, target, parsed.value);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      if (err instanceof Stale) refreshCard(deps, meta.data.i);
      await ack({ response_action: 'update', view: noticeModal('Nothing was changed', err.message) });
      return;
    }
    deps.db.delete(pendingConfirmations).where(eq(pendingConfirmations.key, form.data.f)).run();
    await ack({ response_action: 'clear' });
    deps.outbox.kick();
  });

  // Someone else's action marked done, confirmed: no questions, so a refusal is said in the dialog.
  app.view(CARD_MODALS.confirmActionDone, async ({ ack, body, view }) => {
    const meta = metadataSchema.safeParse(safeJson(view.private_metadata));
    if (!meta.success) {
      await ack({
        response_action: 'update',
        view: noticeModal('Nothing was changed', 'This form is damaged.'),
      });
      return;
    }
    const target = {
      actionId: meta.data.a ?? -1,
      incidentId: meta.data.i,
      requestKey: `view:${view.id}`,
    };
    const actor = await resolveActor(deps, body.user.id);
    try {
      setActionStatus(ctx, actor, target, 'done', null);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      refreshCard(deps, meta.data.i);
      await ack({
        response_action: 'update',
        view: noticeModal('Nothing was changed', refusalFor(deps, actor, meta.data.i, err.message)),
      });
      return;
    }
    await ack();
    deps.outbox.kick();
  });

  handle(
    CARD_MODALS.severity,
    'reason',
    (answers) =>
      parseForm(severityChangeSchema, Object.fromEntries(answers), new Set(answers.keys()), 'reason'),
    (actor, target, value) => setSeverity(ctx, actor, target, value),
  );

  handle(
    CARD_MODALS.update,
    'text',
    (answers) =>
      parseForm(
        z.object({
          text: z.string({ error: 'Please write the update.' }).trim().min(1, 'Please write the update.'),
        }),
        Object.fromEntries(answers),
        new Set(answers.keys()),
        'text',
      ),
    // Updates add to the record; they do not depend on the version the person saw.
    (actor, target, value) => postUpdate(ctx, actor, { ...target, version: undefined }, value.text),
  );

  // Adding an action and editing one ask the same questions.
  const parseActionForm = (answers: Map<string, unknown>) =>
    parseForm(
      actionInputSchema({ now: deps.clock.now(), timeZone: deps.config.orgTimeZone }),
      { ...Object.fromEntries(answers), dueAt: endOfOrgDay(answers.get('dueAt'), deps.config.orgTimeZone) },
      new Set(answers.keys()),
      'description',
    );
  handle(
    CARD_MODALS.action,
    'description',
    parseActionForm,
    (actor, target, value) =>
      addAction(ctx, actor, { ...target, version: undefined }, actionInput(deps, value)),
    readTeam(deps),
  );

  handle(
    CARD_MODALS.notification,
    'outcome',
    (answers, meta) => {
      const n = deps.db
        .select({ kind: notifications.kind })
        .from(notifications)
        .where(and(eq(notifications.id, meta.n ?? -1), eq(notifications.incidentId, meta.i)))
        .get();
      return parseForm(
        notificationInputSchema({ now: deps.clock.now(), kind: n?.kind ?? 'unknown' }),
        Object.fromEntries(answers),
        new Set(answers.keys()),
        'outcome',
      );
    },
    (actor, target, value, meta) =>
      recordNotification(ctx, actor, { ...target, version: undefined, notificationId: meta.n ?? -1 }, value),
  );

  const simpleForm =
    <S extends z.ZodType>(schema: S | (() => S), errorBlock: string) =>
    (answers: Map<string, unknown>) =>
      parseForm(
        typeof schema === 'function' ? schema() : schema,
        Object.fromEntries(answers),
        new Set(answers.keys()),
        errorBlock,
      );

  handle(
    CARD_MODALS.resolve,
    'how',
    simpleForm(() => resolutionInputSchema(deps.clock.now()), 'how'),
    (actor, target, value) => markResolved(ctx, actor, target, value),
  );
  handle(
    CARD_MODALS.analysis,
    'rootCause',
    simpleForm(causalAnalysisSchema, 'rootCause'),
    (actor, target, value) => submitCausalAnalysis(ctx, actor, target, value),
  );
  handle(
    CARD_MODALS.analysisReview,
    'decision',
    simpleForm(decisionSchema, 'decision'),
    (actor, target, value) => decideCausalAnalysis(ctx, actor, target, value),
  );
  handle(
    CARD_MODALS.learning,
    'reasoning',
    simpleForm(learningReviewSchema, 'reasoning'),
    (actor, target, value) => recordLearningReview(ctx, actor, target, value),
  );
  handle(
    CARD_MODALS.closure,
    'justification',
    (answers) => {
      const ticked = answers.get('noAction');
      return parseForm(
        closureRequestSchema,
        {
          noAction: Array.isArray(ticked) && ticked.includes('yes'),
          justification: answers.get('justification'),
          reporterNote: answers.get('reporterNote'),
          reviewerId: answers.get('reviewerId'),
        },
        new Set(answers.keys()),
        'justification',
      );
    },
    // A closure request is judged on the record as it is now, not as it was when the form opened.
    (actor, target, value) => requestClosure(ctx, actor, { ...target, version: undefined }, value),
    // The person asked for the peer review must be one who may do it, and not the requester; nor
    // the only CIO, who could then not approve it (four eyes that cannot deadlock).
    async ({ value, meta, userId }) => {
      if (!value.reviewerId) return null;
      const incident = findIncident(deps, meta.i);
      const reviewer = await resolveActor(deps, value.reviewerId);
      const sole = soleCioRefusal(deps.config, value.reviewerId);
      if (incident && sole && value.reviewerId !== userId)
        return {
          response_action: 'errors',
          errors: {
            reviewerId:
              'They are the only CIO, and closure needs a CIO who did not do the peer review: choose someone else; they approve closure after it.',
          },
        };
      if (!incident || (value.reviewerId !== userId && can(deps.config, reviewer, 'peer_review', incident)))
        return null;
      return {
        response_action: 'errors',
        errors: {
          reviewerId:
            value.reviewerId === userId
              ? 'Choose someone else: the peer review needs a second person.'
              : `They cannot peer-review ${incident.reference}: choose someone from the security team or a role holder (SIRO, CIO, Managing Director, IAO).`,
        },
      };
    },
  );
  handle(CARD_MODALS.peerReview, 'decision', simpleForm(decisionSchema, 'decision'), (actor, target, value) =>
    peerReview(ctx, actor, target, value),
  );
  handle(CARD_MODALS.approval, 'decision', simpleForm(decisionSchema, 'decision'), (actor, target, value) =>
    approveClosure(ctx, actor, target, value),
  );
  const reasonSchema = z.object({
    reason: z
      .string({ error: 'Please give the reason.' })
      .trim()
      .min(1, 'Please give the reason.')
      .max(2000, 'Please keep this under 2000 characters.'),
  });
  handle(CARD_MODALS.reopen, 'reason', simpleForm(reasonSchema, 'reason'), (actor, target, value) =>
    reopenIncident(ctx, actor, target, value.reason),
  );
  const actionTarget = (target: Target, meta: z.output<typeof metadataSchema>) => ({
    actionId: meta.a ?? -1,
    incidentId: meta.i,
    ...(target.requestKey ? { requestKey: target.requestKey } : {}),
  });
  handle(
    CARD_MODALS.actionNotDoing,
    'reason',
    simpleForm(reasonSchema, 'reason'),
    (actor, target, value, meta) =>
      setActionStatus(ctx, actor, actionTarget(target, meta), 'not_doing', value.reason),
  );
  handle(
    CARD_MODALS.actionEdit,
    'description',
    parseActionForm,
    // An action is judged by its own state (still open?), not by the incident's version.
    (actor, target, value, meta) =>
      editAction(ctx, actor, actionTarget(target, meta), actionInput(deps, value)),
    readTeam(deps),
  );
  registerProcedureForms(handle, deps);
  registerFactsForms(handle, deps);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** A due date means the end of that day where the organisation works. */
function endOfOrgDay(value: unknown, timeZone: string): Date | null {
  if (typeof value !== 'string' || !value) return null;
  try {
    return parseOrgDate(value, timeZone, 'end');
  } catch {
    // No calendar has it (2026-02-30): an invalid date, which the form's schema refuses on the question.
    return new Date(Number.NaN);
  }
}
