import { and, eq, like } from 'drizzle-orm';
import { z } from 'zod';
import { userText } from '../../blocks/text';
import { type Incident, notifications } from '../../db/schema';
import type { RecordResult, Target } from './change';
import type { DomainContext } from './context';
import { applyTransition } from './lifecycle';
import {
  ensureReportObligations,
  type ObligationTrace,
  reopenObligations,
  withObligations,
} from './obligations';
import type { Actor } from './roles';
import type { Tx } from './tx';

export const retriageSchema = z.object({
  reason: z
    .string({ error: 'Please say what new facts bring it back.' })
    .trim()
    .min(1, 'Please say what new facts bring it back.')
    .max(2000, 'Please keep this under 2000 characters.'),
});

const iso = (d: Date | null) => d?.toISOString() ?? null;

/**
 * The outside parties a dismissal released owe a notification again, with deadlines from the
 * awareness time, and any the report's own facts call for are opened: triage decides afresh.
 */
function reinstateObligations(
  tx: Tx,
  incident: Incident,
  at: Date,
  bodies: DomainContext['config']['outsideBodies'],
): ObligationTrace {
  const released = tx
    .select()
    .from(notifications)
    .where(
      and(
        eq(notifications.incidentId, incident.id),
        eq(notifications.status, 'not_required'),
        like(notifications.reason, 'Triage: %'),
      ),
    )
    .all();
  const trace = reopenObligations(tx, released, bodies, incident.awareAt);
  const opened = ensureReportObligations(tx, incident, at, bodies);
  return { before: { ...trace.before, ...opened.before }, after: { ...trace.after, ...opened.after } };
}

/**
 * Seed 003 §5.3, §5.11: a record closed at triage as not an incident or a duplicate comes back for
 * a new triage decision when new facts emerge, with the reason. It waits for triage again (the
 * SIRO is asked), and the obligations are worked out afresh.
 */
export function retriageIncident(
  ctx: DomainContext,
  actor: Actor,
  target: Target,
  reason: string,
): RecordResult {
  return applyTransition(ctx, actor, target, 'retriage', { reason }, (tx, incident, now) => {
    const patch: Partial<Incident> = {
      triageOutcome: null,
      triageRationale: null,
      duplicateOfId: null,
      triagedAt: null,
      closedAt: null,
    };
    const obligations = reinstateObligations(tx, incident, now, ctx.config.outsideBodies);
    const trace = withObligations(
      {
        before: {
          triageOutcome: incident.triageOutcome,
          triageRationale: incident.triageRationale,
          duplicateOfId: incident.duplicateOfId,
          triagedAt: iso(incident.triagedAt),
          closedAt: iso(incident.closedAt),
        },
        after: { ...patch, reason: reason.trim() },
      },
      obligations,
    );
    return {
      actor,
      type: 'retriage',
      patch,
      ...trace,
      summary: `<@${actor.id}> brought this back for a new triage decision: ${userText(reason.trim(), 500)}`,
    };
  });
}
