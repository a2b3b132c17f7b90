import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { orgDate, userText } from '../../blocks/text';
import { notifications } from '../../db/schema';
import { applyChange, type RecordResult, type Target } from './change';
import type { DomainContext } from './context';
import { InvalidTransition, NotFound } from './errors';
import { optionalFormDate } from './form-dates';
import { assertOpen } from './lifecycle';
import { notificationNoun } from './outside-bodies';
import { assertCan } from './permissions';
import type { Actor } from './roles';

export function notificationInputSchema(opts: { now: Date; kind: string }) {
  return z
    .object({
      outcome: z.enum(['done', 'not_required'], { error: 'Please choose what happened.' }),
      doneAt: optionalFormDate(opts.now),
      externalRef: z
        .string()
        .trim()
        .max(200, 'Please keep this under 200 characters.')
        .nullish()
        .transform((v) => v || null),
      reason: z
        .string()
        .trim()
        .max(2000, 'Please keep this under 2000 characters.')
        .nullish()
        .transform((v) => v || null),
    })
    .superRefine((n, ctx) => {
      if (n.outcome === 'done' && opts.kind === 'police' && !n.externalRef)
        ctx.addIssue({
          code: 'custom',
          path: ['externalRef'],
          message: 'Please give the crime number the police gave you.',
        });
      if (n.outcome === 'not_required' && !n.reason)
        ctx.addIssue({
          code: 'custom',
          path: ['reason'],
          message: 'Please record why no notification is needed.',
        });
      if (n.doneAt && n.doneAt.getTime() > opts.now.getTime() + 5 * 60_000)
        ctx.addIssue({ code: 'custom', path: ['doneAt'], message: 'This time is in the future.' });
    });
}
export type NotificationInput = z.output<ReturnType<typeof notificationInputSchema>>;

/**
 * Records that an outside party was told (who, when, their reference) or why it is not needed:
 * GDPR Art. 33(5) wants the reasoning for not notifying the regulator kept.
 */
export function recordNotification(
  ctx: DomainContext,
  actor: Actor,
  target: Target & { notificationId: number },
  input: NotificationInput,
): RecordResult {
  return applyChange(ctx, { ...target, version: undefined }, (tx, incident, now) => {
    const n = tx
      .select()
      .from(notifications)
      .where(and(eq(notifications.id, target.notificationId), eq(notifications.incidentId, incident.id)))
      .get();
    if (!n) throw new NotFound('That notification does not belong to this incident.');
    const label = notificationNoun(n);
    assertCan(ctx.config, actor, `notify_${n.kind}`, incident, `record the ${label} notification`);
    assertOpen(incident, 'record notifications');
    // Plain words: this message is shown as a form error, where Slack does not turn <@U…> into a name.
    if (n.status !== 'pending')
      throw new InvalidTransition(
        `The ${label} notification was already recorded${n.doneBy === actor.id ? ' by you' : ' by someone else'}${n.doneAt ? ` on ${orgDate(n.doneAt, ctx.config.orgTimeZone)}` : ''}. The card shows who recorded it.`,
      );
    // Seed 003 §5.9: the crime number is documented with the incident report.
    if (n.kind === 'police' && input.outcome === 'done' && !input.externalRef?.trim())
      throw new InvalidTransition('Please give the crime number the police gave you.');
    if (input.outcome === 'not_required' && !input.reason?.trim())
      throw new InvalidTransition('Please record why no notification is needed.');
    const doneAt = input.doneAt ?? now;
    tx.update(notifications)
      .set({
        status: input.outcome,
        doneBy: actor.id,
        doneAt,
        externalRef: input.outcome === 'done' ? input.externalRef : null,
        reason: input.reason,
      })
      .where(eq(notifications.id, n.id))
      .run();
    const late = input.outcome === 'done' && n.dueAt && doneAt.getTime() > n.dueAt.getTime();
    return {
      actor,
      type: input.outcome === 'done' ? 'notification_done' : 'notification_not_required',
      patch: n.kind === 'police' && input.outcome === 'done' ? { crimeNumber: input.externalRef } : {},
      before: { notification: n.kind, status: 'pending' },
      after: {
        notification: n.kind,
        status: input.outcome,
        doneAt: doneAt.toISOString(),
        externalRef: input.externalRef,
        reason: input.reason,
      },
      summary:
        input.outcome === 'done'
          ? `<@${actor.id}> recorded the ${label} as notified${input.externalRef ? ` (reference ${userText(input.externalRef, 200)})` : ''}${late ? ', after the deadline' : ''}.`
          : `<@${actor.id}> recorded that the ${label} need not be notified. Reason: ${userText(input.reason ?? '', 500)}`,
    };
  });
}
