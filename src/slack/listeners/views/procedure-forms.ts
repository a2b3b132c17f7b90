import type { ViewOutput, ViewResponseAction } from '@slack/bolt';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { PROCEDURE_MODALS } from '../../../../blocks/procedure-modals';
import { incidents } from '../../../../db/schema';
import { accessSchema, setAccess } from '../../../domain/access';
import { agreeActionPlan, agreePlanSchema } from '../../../domain/action-plan';
import { assignIrm } from '../../../domain/assign-irm';
import type { RecordResult, Target } from '../../../domain/change';
import { DomainError, Forbidden } from '../../../domain/errors';
import { parseReference } from '../../../domain/numbering';
import { SLACK_USER_ID } from '../../../domain/people-ids';
import { retriageIncident, retriageSchema } from '../../../domain/retriage';
import type { Actor } from '../../../domain/roles';
import { resolveActor } from '../../card-interaction';
import type { ListenerDeps } from '../../deps';
import { type FormResult, parseForm, readViewState } from '../../view-state';
import type { Listeners } from '../router';

/** What a form opened about one incident carries back (see card-modal-submitted.ts). */
interface FormMeta {
  i: number;
  v: number;
  n?: number;
  a?: number;
}

/** The card forms' handler: metadata, answers, stale forms, refusals and retries, all as for the card's own. */
export type CardFormHandler = <T>(
  callbackId: string,
  errorBlock: string,
  parse: (answers: Map<string, unknown>, meta: FormMeta) => FormResult<T>,
  apply: (actor: Actor, target: Target, value: T, meta: FormMeta) => RecordResult,
  before?: (form: {
    value: T;
    view: ViewOutput;
    meta: FormMeta;
    userId: string;
  }) => Promise<ViewResponseAction | null>,
) => void;

const form =
  <S extends z.ZodType>(schema: S, errorBlock: string) =>
  (answers: Map<string, unknown>) =>
    parseForm(schema, Object.fromEntries(answers), new Set(answers.keys()), errorBlock);

const irmSchema = z.object({
  irmId: z.string({ error: 'Please choose a person.' }).regex(SLACK_USER_ID, 'Please choose a person.'),
});

/**
 * The forms of the steps asked where people are: the SIRO agreeing the action plan (seed 003
 * §4.3), bringing a dismissed record back to triage (§5.3), choosing who sees a restricted record,
 * and designating the IRM (seed 000 Responsibilities), from a message or from App Home.
 */
export function registerProcedureForms(handle: CardFormHandler, deps: ListenerDeps): void {
  const ctx = { db: deps.db, clock: deps.clock, config: deps.config };
  handle(PROCEDURE_MODALS.agreePlan, 'note', form(agreePlanSchema, 'note'), (actor, target, value) =>
    agreeActionPlan(ctx, actor, target, value),
  );
  handle(PROCEDURE_MODALS.retriage, 'reason', form(retriageSchema, 'reason'), (actor, target, value) =>
    retriageIncident(ctx, actor, target, value.reason),
  );
  handle(PROCEDURE_MODALS.designateIrm, 'irmId', form(irmSchema, 'irmId'), (actor, target, value) =>
    // Designating is judged on the record as it is, not on the version the form was opened at.
    assignIrm(ctx, actor, { ...target, version: undefined }, value.irmId),
  );
  handle(PROCEDURE_MODALS.access, 'accessIds', form(accessSchema, 'accessIds'), (actor, target, value) =>
    setAccess(ctx, actor, target, value),
  );
}

/** Designating the IRM from App Home: the incident is named by its reference. */
export function registerDesignateFromHome(app: Listeners, deps: ListenerDeps): void {
  const ctx = { db: deps.db, clock: deps.clock, config: deps.config };
  const schema = irmSchema.extend({
    reference: z
      .string({ error: 'Please give the reference, e.g. INC-2026-0007.' })
      .trim()
      .refine((r) => parseReference(r) !== null, 'Please give the reference, e.g. INC-2026-0007.'),
  });
  app.view(PROCEDURE_MODALS.designateIrmAny, async ({ ack, body, view }) => {
    const answers = readViewState(view.state.values);
    const parsed = form(schema, 'reference')(answers);
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
    const reference = parseReference(parsed.value.reference) ?? '';
    const incident = deps.db.select().from(incidents).where(eq(incidents.reference, reference)).get();
    // The same answer whether it does not exist or is not theirs to touch: references are not an oracle.
    const missing = `There is no open incident ${reference} that you may designate an IRM for.`;
    if (!incident) {
      deps.logger.info(`refused designate IRM for ${body.user.id}: unknown reference`);
      await ack({ response_action: 'errors', errors: { reference: missing } });
      return;
    }
    try {
      assignIrm(
        ctx,
        await resolveActor(deps, body.user.id),
        { incidentId: incident.id, requestKey: `view:${view.id}` },
        parsed.value.irmId,
      );
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      deps.logger.info(`refused designate IRM for ${body.user.id} on incident ${incident.id}`);
      await ack({
        response_action: 'errors',
        errors: { reference: err instanceof Forbidden ? missing : err.message },
      });
      return;
    }
    await ack();
    deps.outbox.kick();
  });
}
