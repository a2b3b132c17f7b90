import { AuditKeyError } from '../../db/audit-key';
import type { Db } from '../../db/client';
import { auditMac, canonicalEvent } from '../domain/audit';

/**
 * At start-up: the newest keyed event must carry this key's hash. Otherwise AUDIT_KEY (or the key
 * file) is not the key the trail was written with, and every event written from now on would look
 * forged; or the trail's end was tampered with. Either way someone must look before Vigil writes.
 */
export function assertAuditKeyFits(db: Db): void {
  const row = db.$client
    .prepare(
      `SELECT e.id, e.incident_id AS incidentId, e.at, e.actor_id AS actorId, e.type, e.before, e.after,
         e.summary, e.prev_hash AS prevHash, e.hash
       FROM incident_events e
       WHERE e.id > coalesce((SELECT legacy_through FROM audit_chain WHERE id = 1), 0)
       ORDER BY e.id DESC LIMIT 1`,
    )
    .get() as
    | {
        id: number;
        incidentId: number;
        at: number;
        actorId: string;
        type: string;
        before: string | null;
        after: string | null;
        summary: string;
        prevHash: string;
        hash: string;
      }
    | undefined;
  if (!row) return;
  let content: string;
  try {
    content = canonicalEvent(row.prevHash, {
      ...row,
      at: new Date(row.at),
      before: row.before === null ? null : (JSON.parse(row.before) as Record<string, unknown>),
      after: row.after === null ? null : (JSON.parse(row.after) as Record<string, unknown>),
    });
  } catch {
    content = '';
  }
  if (auditMac(db, content) !== row.hash)
    throw new AuditKeyError(
      `the audit key does not fit the audit trail: its newest event (${row.id}) was not written with it. ` +
        'Either AUDIT_KEY or the key file is not the one this database was written with (restore the right one), ' +
        'or the trail was tampered with (run npm run vigil -- verify). Vigil will not add events under a key that does not fit.',
    );
}
