import type { Db } from '../../db/client';
import { GENESIS_HASH } from '../domain/audit';
import { type Checkpoint, checkpointFileOf } from './checkpoint-file';
import type { AuditProblem } from './verify-audit';
import { checkOwnEvent, EVENT_COLUMNS, type EventRow, keyedHasher, NOT_POSITIVE } from './verify-chain';
import { collectCheckpoints, compareCheckpoints, readCheckpointFiles } from './verify-checkpoints';
import { checkTriggers, legacyBoundary } from './verify-schema';
import { stateChecker } from './verify-state';

export interface IncidentIntegrity {
  ok: boolean;
  /** This incident's events that were checked. */
  events: number;
  problems: AuditProblem[];
  /** The newest checkpoint the trail was compared with, and where it was read. */
  lastCheckpoint: { checkpoint: Checkpoint; sources: string[] } | null;
  /** This incident's events after that checkpoint: not yet anchored outside the database. */
  unanchored: number;
  /**
   * Its register rows against the state its newest event records (verify-state.ts): 'matches', or
   * 'not recorded' when it was last changed before events carried the state.
   */
  register: 'matches' | 'differs' | 'not recorded';
}

/**
 * The evidence pack's check, quick enough to run while the app serves (the whole trail can take
 * seconds; `vigil verify` does that): each of one incident's events on its own and against the
 * event before it, the append-only triggers, the trail against the newest checkpoint, and the
 * incident's register rows against the state its trail records.
 */
export function verifyIncidentTrail(db: Db, incidentId: number, reference: string): IncidentIntegrity {
  const files = readCheckpointFiles(checkpointFileOf(db), []);
  return db.transaction(
    () => {
      const keyed = keyedHasher(db);
      const { legacyThrough, problems: boundary } = legacyBoundary(db);
      const problems: AuditProblem[] = [...checkTriggers(db), ...boundary];
      const rows = db.$client
        .prepare(`SELECT ${EVENT_COLUMNS} FROM incident_events WHERE incident_id = ? ORDER BY id`)
        .safeIntegers(true)
        .all(BigInt(incidentId)) as EventRow[];
      const before = db.$client.prepare(
        'SELECT id, hash FROM incident_events WHERE id < ? ORDER BY id DESC LIMIT 1',
      );
      for (const row of rows) {
        const found = (what: string) => problems.push({ where: `event ${row.id} (${reference})`, what });
        if (row.id <= 0n) found(NOT_POSITIVE);
        const prev = before.safeIntegers(true).get(row.id) as { id: bigint; hash: unknown } | undefined;
        if (row.id > 0n && (prev?.id ?? 0n) !== row.id - 1n)
          found(`the event before it (${row.id - 1n}) is missing (deleted?)`);
        if (row.prev_hash !== (prev ? prev.hash : GENESIS_HASH))
          found('it does not chain onto the event before it (an event deleted, inserted or rewritten)');
        for (const what of checkOwnEvent(keyed, row, legacyThrough).problems) found(what);
      }
      const { latest, problems: checkpointProblems } = compareLatestCheckpoint(db, files);
      problems.push(...checkpointProblems);
      const state = stateChecker(db)(incidentId);
      if (state !== 'unrecorded')
        for (const what of state.problems) problems.push({ where: reference, what });
      return {
        ok: problems.length === 0,
        events: rows.length,
        problems,
        lastCheckpoint: latest,
        unanchored: latest ? rows.filter((r) => r.id > BigInt(latest.checkpoint.lastId)).length : rows.length,
        register: state === 'unrecorded' ? 'not recorded' : state.problems.length > 0 ? 'differs' : 'matches',
      };
    },
    { behavior: 'deferred' },
  );
}

/** The trail against its newest checkpoint only: what it had at the checkpoint's last event is still there. */
function compareLatestCheckpoint(db: Db, files: ReturnType<typeof readCheckpointFiles>) {
  const sources = collectCheckpoints(db, files);
  const newest = sources.valid.at(-1);
  const trail = db.$client
    .prepare('SELECT count(*) AS events, max(id) AS lastId FROM incident_events')
    .safeIntegers(true)
    .get() as { events: bigint; lastId: bigint | null };
  const heads = new Map<bigint, { count: number; hash: string | null }>();
  if (newest) {
    const id = BigInt(newest.checkpoint.lastId);
    const at = db.$client
      .prepare(
        'SELECT (SELECT hash FROM incident_events WHERE id = ?) AS hash, (SELECT count(*) FROM incident_events WHERE id <= ?) AS count',
      )
      .get(id, id) as { hash: string | null; count: number };
    heads.set(id, at);
  }
  const verdict = compareCheckpoints({ valid: newest ? [newest] : [], problems: sources.problems }, heads, {
    events: Number(trail.events),
    lastId: trail.lastId,
  });
  return { latest: verdict.latest, problems: verdict.problems };
}
