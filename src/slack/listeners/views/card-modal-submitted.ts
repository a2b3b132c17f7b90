import type { App, SlackViewMiddlewareArgs } from '@slack/bolt';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { CARD_MODALS } from '../../../../blocks/card-modals';
import { notifications } from '../../../../db/schema';
import { parseOrgDate } from '../../../dates';
import { actionInputSchema, addAction } from '../../../domain/add-action';
import type { RecordResult, Target } from '../../../domain/change';
import { DomainError, Stale } from '../../../domain/errors';
import { postUpdate } from '../../../domain/post-update';
import { notificationInputSchema, recordNotification } from '../../../domain/record-notification';
import type { Actor } from '../../../domain/roles';
import { triageIncident, triageInputSchema } from '../../../domain/triage';
import { refreshCard, resolveActor } from '../../card-interaction';
import type { ListenerDeps } from '../../deps';
import { type FormResult, parseForm, readViewState } from '../../view-state';

const metadataSchema = z.object({
  i: z.number().int().positive(),
  v: z.number().int().positive(),
  n: z.number().int().optional(),
});

type Args = SlackViewMiddlewareArgs;

/**
 * Forms opened from a card. The metadata names the incident and the version the person saw (hints,
 * re-read by the domain); the view id makes a double submission apply once.
 */
export function registerCardModalSubmissions(app: App, deps: ListenerDeps): void {
  const ctx = { db: deps.db, clock: deps.clock, config: deps.config };

  function handle<T>(
    callbackId: string,
    errorBlock: string,
    parse: (answers: Map<string, unknown>, meta: z.output<typeof metadataSchema>) => FormResult<T>,
    apply: (actor: Actor, target: Target, value: T, meta: z.output<typeof metadataSchema>) => RecordResult,
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
      const answers = readViewState(view.state.values);
      const parsed = parse(answers, meta.data);
      if (!parsed.ok) {
        await ack({ response_action: 'errors', errors: parsed.errors });
        return;
      }
      const actor = await resolveActor(deps, body.user.id);
      const target: Target = { incidentId: meta.data.i, version: meta.data.v, requestKey: `view:${view.id}` };
      try {
        apply(actor, target, parsed.value, meta.data);
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        if (err instanceof Stale) refreshCard(deps, meta.data.i);
        deps.logger.info(`refused ${callbackId} for ${body.user.id} on incident ${meta.data.i}`);
        await ack({ response_action: 'errors', errors: { [errorBlock]: err.message } });
        return;
      }
      await ack();
      deps.outbox.kick();
    });
  }

  handle(
    CARD_MODALS.triage,
    'rationale',
    (answers) =>
      parseForm(
        triageInputSchema({ now: deps.clock.now() }),
        Object.fromEntries(answers),
        new Set(answers.keys()),
        'rationale',
      ),
    (actor, target, value) => triageIncident(ctx, actor, target, value),
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

  handle(
    CARD_MODALS.action,
    'description',
    (answers) =>
      parseForm(
        actionInputSchema,
        { ...Object.fromEntries(answers), dueAt: endOfOrgDay(answers.get('dueAt'), deps.config.orgTimeZone) },
        new Set(answers.keys()),
        'description',
      ),
    (actor, target, value) => addAction(ctx, actor, { ...target, version: undefined }, value),
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
  return typeof value === 'string' && value ? parseOrgDate(value, timeZone, 'end') : null;
}
