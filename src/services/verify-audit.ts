import type { Db } from '../../db/client';
import type { Checkpoint } from './checkpoint-file';
import { checkpointFileOf } from './checkpoint-file';
import { type ChainWalk, walkChain } from './verify-chain';
import { collectCheckpoints, compareCheckpoints, readCheckpointFiles } from './verify-checkpoints';
import { checkIdSequence, checkReferenceCounters, checkTriggers, legacyBoundary } from './verify-schema';
import { checkStateAgainstTrail } from './verify-state';

/** One finding: where (an event and its incident's reference, a trigger, a counter, a checkpoint) and what. */
export interface AuditProblem {
  where: string;
  what: string;
}

export interface AuditReport {
  ok: boolean;
  /** Every row of the trail, whatever its id. */
  events: number;
  /** Of those, written before the chain was keyed and checked with the public formula. */
  legacyEvents: number;
  problems: AuditProblem[];
  /** How many distinct checkpoints signed with this key the trail was compared with. */
  checkpointsChecked: number;
  /** The newest of them, and where it was read. */
  lastCheckpoint: { checkpoint: Checkpoint; sources: string[] } | null;
  /** Incidents whose register rows were compared with the state the trail records (verify-state.ts). */
  stateChecked: number;
  /** Incidents last changed before events recorded the state: checked for existence only. */
  stateUnrecorded: number;
}

export interface VerifyOptions {
  /** Further checkpoint files: a copy kept elsewhere, or lines copied from the Slack thread. */
  checkpointFiles?: readonly string[];
}

/**
 * Checks everything the register's integrity rests on, and reports every finding rather than the
 * first: each event's id, link and keyed hash (verify-chain.ts); the append-only triggers, the
 * keyed chain's start, the highest id SQLite gave out and the reference counters
 * (verify-schema.ts); the checkpoints published outside the database (verify-checkpoints.ts); and
 * the register's incidents, notifications, actions and reviews against the trail (verify-state.ts).
 * Findings name event ids, references and files, never content, which can hold personal data.
 *
 * What it cannot show: a trail rewritten by someone who holds the audit key as well as the
 * database, back to the last checkpoint they could not reach.
 */
export function verifyAuditTrail(db: Db, opts: VerifyOptions = {}): AuditReport {
  const files = readCheckpointFiles(checkpointFileOf(db), opts.checkpointFiles ?? []);
  // One read transaction: every query sees the same snapshot while the app keeps writing.
  return db.transaction(
    () => {
      const triggers = checkTriggers(db);
      const boundary = legacyBoundary(db);
      const sources = collectCheckpoints(db, files);
      const walk = walkChain(
        db,
        boundary.legacyThrough,
        sources.valid.map((v) => BigInt(v.checkpoint.lastId)),
      );
      const checkpoints = compareCheckpoints(sources, walk.heads, walk);
      const state = checkStateAgainstTrail(db);
      const problems = [
        ...triggers,
        ...boundary.problems,
        ...eventProblems(db, walk),
        ...checkIdSequence(db, walk.lastId),
        ...checkReferenceCounters(db, walk.reportedSeq),
        ...checkpoints.problems,
        ...state.problems,
      ];
      return {
        ok: problems.length === 0,
        events: walk.events,
        legacyEvents: walk.legacyEvents,
        problems,
        checkpointsChecked: checkpoints.checked,
        lastCheckpoint: checkpoints.latest,
        stateChecked: state.checked,
        stateUnrecorded: state.unrecorded,
      };
    },
    { behavior: 'deferred' },
  );
}

/** Event findings, each named by its event and its incident's reference (from the trail if the row is gone). */
function eventProblems(db: Db, walk: ChainWalk): AuditProblem[] {
  const lookup = db.$client.prepare('SELECT reference FROM incidents WHERE id = ?');
  const referenceOf = (incidentId: number | null): string => {
    if (incidentId === null) return 'no incident';
    const row = lookup.pluck(true).get(incidentId);
    if (typeof row === 'string') return row;
    return walk.references.get(incidentId) ?? `incident ${incidentId}, not in the register`;
  };
  return walk.problems.map((p) => ({
    where: `event ${p.eventId} (${referenceOf(p.incidentId)})`,
    what: p.what,
  }));
}
