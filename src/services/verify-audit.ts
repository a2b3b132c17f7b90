import { asc, gt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { incidentEvents } from '../../db/schema';
import { eventHash, GENESIS_HASH } from '../domain/audit';

export type AuditVerdict =
  | { ok: true; events: number }
  | {
      ok: false;
      /** Events read up to and including the broken one; the walk stops at the first break. */
      events: number;
      brokenAt: { eventId: number; incidentId: number; reason: string };
    };

/** Rows per query: memory stays flat however long the trail is. */
const PAGE_SIZE = 1000;

/** A JSON column as its stored text: content edited into invalid JSON is a finding, not a crash. */
function parseJson(text: string | null): { ok: true; value: Record<string, unknown> | null } | { ok: false } {
  if (text === null) return { ok: true, value: null };
  try {
    return { ok: true, value: JSON.parse(text) as Record<string, unknown> | null };
  } catch {
    return { ok: false };
  }
}

/**
 * Walks the whole audit chain in id order and reports the first broken link: a row whose hash
 * does not match its own content (edited), or whose prev_hash is not the previous row's hash
 * (a row deleted or inserted before it). Reasons name event ids only, never content, which can
 * hold personal data.
 *
 * Limits: the chain carries no secret and no external anchor, so it cannot show rows removed from
 * the end, nor a rewrite that recomputes every later hash; compare the event count and last hash
 * against an earlier run or a backup for that.
 */
export function verifyAuditTrail(db: Db): AuditVerdict {
  // One read transaction: every page comes from the same snapshot while the app keeps writing.
  return db.transaction(
    (tx) => {
      let events = 0;
      let lastId = 0;
      let prev: { id: number; hash: string } | null = null;
      for (;;) {
        const page = tx
          .select({
            id: incidentEvents.id,
            incidentId: incidentEvents.incidentId,
            at: incidentEvents.at,
            actorId: incidentEvents.actorId,
            type: incidentEvents.type,
            before: sql<string | null>`${incidentEvents.before}`,
            after: sql<string | null>`${incidentEvents.after}`,
            summary: incidentEvents.summary,
            prevHash: incidentEvents.prevHash,
            hash: incidentEvents.hash,
          })
          .from(incidentEvents)
          .where(gt(incidentEvents.id, lastId))
          .orderBy(asc(incidentEvents.id))
          .limit(PAGE_SIZE)
          .all();
        for (const row of page) {
          events++;
          const broken = (reason: string): AuditVerdict => ({
            ok: false,
            events,
            brokenAt: { eventId: row.id, incidentId: row.incidentId, reason },
          });
          if (row.prevHash !== (prev?.hash ?? GENESIS_HASH))
            return broken(
              prev
                ? `prev_hash does not match event ${prev.id} (deleted or inserted?)`
                : 'prev_hash does not match the start of the chain (deleted or inserted?)',
            );
          const before = parseJson(row.before);
          const after = parseJson(row.after);
          if (!before.ok || !after.ok) return broken('content is not valid JSON (edited?)');
          const hash = eventHash(row.prevHash, { ...row, before: before.value, after: after.value });
          if (hash !== row.hash) return broken('hash does not match its content (edited?)');
          prev = { id: row.id, hash: row.hash };
        }
        const last = page.at(-1);
        if (!last || page.length < PAGE_SIZE) return { ok: true, events };
        lastId = last.id;
      }
    },
    { behavior: 'deferred' },
  );
}
