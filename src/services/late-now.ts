import { subDays, subHours } from 'date-fns';
import { and, count, eq, inArray, isNotNull, lte } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { actions, incidents, notifications } from '../../db/schema';
import type { Config } from '../config';
import { closureWaits } from '../domain/closure-waits';
import { OPEN_WORK } from '../domain/reminders';

/** What is late across the register now, of every kind (seed 000 Rep.4.4: what management is told). */
export interface LateNow {
  /** Reports waiting for triage longer than REMIND_UNTRIAGED_HOURS. */
  untriaged: number;
  /** Incidents being worked on past their target resolution time. */
  pastTarget: number;
  /** Open actions past their due date. */
  actions: number;
  /** Outside bodies' deadlines passed with nothing recorded. */
  notifications: number;
  /** Recurrence reviews, requests for closure, peer reviews and CIO approvals waiting past REMIND_CLOSURE_DAYS. */
  closureSteps: number;
}

export function lateNow(db: Db, config: Config, now: Date): LateNow {
  const n = (q: { n: number } | undefined) => q?.n ?? 0;
  return {
    untriaged: n(
      db
        .select({ n: count() })
        .from(incidents)
        .where(
          and(
            eq(incidents.status, 'reported'),
            lte(incidents.reportedAt, subHours(now, config.reminders.untriagedHours)),
          ),
        )
        .get(),
    ),
    pastTarget: n(
      db
        .select({ n: count() })
        .from(incidents)
        .where(
          and(
            inArray(incidents.status, [...OPEN_WORK]),
            isNotNull(incidents.targetResolutionAt),
            lte(incidents.targetResolutionAt, now),
          ),
        )
        .get(),
    ),
    actions: n(
      db
        .select({ n: count() })
        .from(actions)
        .where(and(eq(actions.status, 'open'), isNotNull(actions.dueAt), lte(actions.dueAt, now)))
        .get(),
    ),
    notifications: n(
      db
        .select({ n: count() })
        .from(notifications)
        .where(
          and(
            eq(notifications.status, 'pending'),
            isNotNull(notifications.dueAt),
            lte(notifications.dueAt, now),
          ),
        )
        .get(),
    ),
    closureSteps: closureWaits(db, config, subDays(now, config.reminders.closureDays)).length,
  };
}
