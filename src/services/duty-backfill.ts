import { and, desc, eq, inArray, notExists } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { findIncidentById } from '../../db/find-incident';
import { incidentEvents, incidents, messageDuties } from '../../db/schema';
import type { Config } from '../config';
import { reconcileDuties } from '../domain/duty-messages';
import { FINAL_STATES } from '../domain/lifecycle';
import { writeTransaction } from '../domain/tx';

const OPEN = incidents.status.enumValues.filter((s) => !FINAL_STATES.includes(s));

/**
 * Records what is owed on open incidents that have no record of it yet: a register kept before
 * steps were asked for by message, or one changed behind the app's back. Quiet: nobody is messaged
 * for work that may be months old; each person's App Home lists it, and the next change to the
 * incident asks for its steps as usual. `all` looks at every open incident, not only those never
 * looked at. Returns how many incidents were looked at.
 */
export function backfillDuties(db: Db, config: Config, opts: { all?: boolean } = {}): number {
  const pending = db
    .select({ id: incidents.id })
    .from(incidents)
    .where(
      and(
        inArray(incidents.status, OPEN),
        opts.all
          ? undefined
          : notExists(
              db
                .select({ one: messageDuties.messageId })
                .from(messageDuties)
                .where(eq(messageDuties.incidentId, incidents.id)),
            ),
      ),
    )
    .all();
  for (const { id } of pending)
    writeTransaction(db, (tx) => {
      const incident = findIncidentById(db, id);
      const last = tx
        .select({ id: incidentEvents.id, actorId: incidentEvents.actorId, at: incidentEvents.at })
        .from(incidentEvents)
        .where(eq(incidentEvents.incidentId, id))
        .orderBy(desc(incidentEvents.id))
        .limit(1)
        .get();
      if (!incident || !last) return;
      reconcileDuties(
        tx,
        config,
        incident,
        { eventId: last.id, actorId: last.actorId, at: last.at },
        { quiet: true },
      );
    });
  return pending.length;
}
