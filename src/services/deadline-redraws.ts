import { and, eq, inArray, isNotNull, lte, notInArray } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { actions, incidents, notifications } from '../../db/schema';
import { enqueueMany } from '../domain/deliveries';
import { FINAL_STATES } from '../domain/lifecycle';
import { OPEN_WORK } from '../domain/reminders';

/**
 * Cards count down on their own (Slack renders `{ago}` live), but "overdue" is the card's own
 * word: when a target resolution time, a notification deadline or an action's due date passes,
 * the card is drawn once more. The deadline is in the dedupe key, so each passing is queued once
 * however many sweeps, restarts or instances see it, and a moved deadline is redrawn when it passes.
 */
export function queueDeadlineRedraws(db: Db, now: Date): number {
  const open = and(notInArray(incidents.status, [...FINAL_STATES]), isNotNull(incidents.cardTs));
  const passed: { incidentId: number; key: string }[] = [];
  for (const r of db
    .select({ id: incidents.id, at: incidents.targetResolutionAt })
    .from(incidents)
    // A target matters while the work is under way (as on the card and in reminders).
    .where(
      and(
        inArray(incidents.status, [...OPEN_WORK]),
        isNotNull(incidents.cardTs),
        lte(incidents.targetResolutionAt, now),
      ),
    )
    .all())
    if (r.at) passed.push({ incidentId: r.id, key: `target:${r.id}:${r.at.getTime()}` });
  for (const r of db
    .select({ id: notifications.id, incidentId: notifications.incidentId, at: notifications.dueAt })
    .from(notifications)
    .innerJoin(incidents, eq(incidents.id, notifications.incidentId))
    .where(and(open, eq(notifications.status, 'pending'), lte(notifications.dueAt, now)))
    .all())
    if (r.at) passed.push({ incidentId: r.incidentId, key: `notification:${r.id}:${r.at.getTime()}` });
  for (const r of db
    .select({ id: actions.id, incidentId: actions.incidentId, at: actions.dueAt })
    .from(actions)
    .innerJoin(incidents, eq(incidents.id, actions.incidentId))
    .where(and(open, eq(actions.status, 'open'), lte(actions.dueAt, now)))
    .all())
    if (r.at) passed.push({ incidentId: r.incidentId, key: `action:${r.id}:${r.at.getTime()}` });
  // Every sweep sees every deadline that ever passed on an open incident (thousands in a large
  // register): one statement queues the new ones and skips those already queued.
  return enqueueMany(
    db,
    passed.map((p) => ({
      delivery: { kind: 'update_card', incidentId: p.incidentId },
      dedupeKey: `deadline:${p.key}`,
    })),
    now,
  );
}
