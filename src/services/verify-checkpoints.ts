import type { Db } from '../../db/client';
import { auditCheckpoints } from '../../db/schema';
import { auditMac } from '../domain/audit';
import {
  type Checkpoint,
  type CheckpointFileLine,
  checkpointMacText,
  readCheckpointFile,
} from './checkpoint-file';
import type { HeadAt } from './verify-chain';
import type { SchemaProblem } from './verify-schema';

/** One distinct checkpoint (by its MAC) and every place it was read from. */
interface Found {
  checkpoint: Checkpoint;
  sources: string[];
}

export interface CheckpointSources {
  /** Distinct checkpoints signed with this database's key, oldest first. */
  valid: Found[];
  problems: SchemaProblem[];
}

export interface CheckpointVerdict {
  problems: SchemaProblem[];
  checked: number;
  /** The newest checkpoint the trail was compared with, and where it was read. */
  latest: { checkpoint: Checkpoint; sources: string[] } | null;
}

/** Checkpoint lines as read from one file, before the database is looked at. */
export interface CheckpointFileRead {
  file: string;
  lines: CheckpointFileLine[] | null;
  /** The file beside the database may be absent; one the operator names must exist. */
  required: boolean;
}

/**
 * Reads the files first, outside the database snapshot verify takes next: every line in them was
 * written after the events it counts were committed, so the snapshot has them all (a line written
 * after the snapshot began could count events it cannot see).
 */
export function readCheckpointFiles(
  defaultFile: string | null,
  extraFiles: readonly string[],
): CheckpointFileRead[] {
  return [
    ...(defaultFile ? [{ file: defaultFile, lines: readCheckpointFile(defaultFile), required: false }] : []),
    ...extraFiles.map((file) => {
      const lines = readCheckpointFile(file);
      if (lines === null) throw new Error(`no checkpoint file at ${file}`);
      return { file, lines, required: true };
    }),
  ];
}

/**
 * The checkpoints verify can see: the file beside the database (absent is not a finding unless
 * the database says checkpoints were taken), files the operator gives (a copy kept elsewhere, or
 * lines pasted from the Slack thread), and the database's own copy. Only those signed with this
 * database's key count; a line that is not is named.
 */
export function collectCheckpoints(db: Db, files: readonly CheckpointFileRead[]): CheckpointSources {
  const byMac = new Map<string, Found>();
  const problems: SchemaProblem[] = [];
  const add = (c: Checkpoint, source: string) => {
    if (auditMac(db, checkpointMacText(c)) !== c.mac) {
      problems.push({
        where: source,
        what: 'not signed with this audit key (forged, or from another database)',
      });
      return;
    }
    const seen = byMac.get(c.mac);
    if (seen) seen.sources.push(source);
    else byMac.set(c.mac, { checkpoint: c, sources: [source] });
  };
  const stored = db.select().from(auditCheckpoints).orderBy(auditCheckpoints.id).all();
  for (const { file, lines, required } of files) {
    if (lines === null) {
      if (!required && stored.length > 0)
        problems.push({
          where: file,
          what: `missing, though ${stored.length} checkpoint${stored.length === 1 ? ' was' : 's were'} taken (deleted?)`,
        });
      continue;
    }
    for (const { line, checkpoint } of lines) {
      if (checkpoint) add(checkpoint, `${file} line ${line}`);
      else problems.push({ where: `${file} line ${line}`, what: 'not a checkpoint (damaged or edited)' });
    }
  }
  for (const s of stored)
    add(
      {
        at: s.at,
        events: s.eventCount,
        lastId: s.lastEventId,
        head: s.headHash,
        reason: s.reason,
        mac: s.mac,
      },
      `database checkpoint ${s.id}`,
    );
  const valid = [...byMac.values()].sort((a, b) => a.checkpoint.at.getTime() - b.checkpoint.at.getTime());
  return { valid, problems };
}

/**
 * Compares the trail with each checkpoint: the event a checkpoint ended at must still be there
 * with the hash it recorded, and as many events up to it. Fewer at the end is truncation; another
 * hash is a rewrite (possible only with the key, or of events from before the key).
 */
export function compareCheckpoints(
  sources: CheckpointSources,
  heads: ReadonlyMap<bigint, HeadAt>,
  trail: { events: number; lastId: bigint | null },
): CheckpointVerdict {
  const problems: SchemaProblem[] = [...sources.problems];
  for (const { checkpoint: c, sources: from } of sources.valid) {
    if (c.events === 0) continue;
    const where = `checkpoint of ${c.at.toISOString()} (${from[0]})`;
    const head = heads.get(BigInt(c.lastId));
    if (!head || head.hash === null) {
      if (trail.lastId === null || BigInt(c.lastId) > trail.lastId)
        problems.push({
          where,
          what: `it counted ${c.events} events up to event ${c.lastId}, but the trail ends ${trail.lastId === null ? 'empty' : `at event ${trail.lastId}`} with ${trail.events}: events at its end were deleted (truncated)`,
        });
      else
        problems.push({
          where,
          what: `event ${c.lastId}, the last it counted, is no longer in the trail (deleted)`,
        });
    } else if (head.hash !== c.head)
      problems.push({
        where,
        what: `event ${c.lastId} no longer has the hash it recorded: the trail was rewritten since`,
      });
    else if (head.count !== c.events)
      problems.push({
        where,
        what: `it counted ${c.events} events up to event ${c.lastId}; the trail now has ${head.count} (events deleted or inserted)`,
      });
  }
  const latest = sources.valid.at(-1);
  return {
    problems,
    checked: sources.valid.length,
    latest: latest ? { checkpoint: latest.checkpoint, sources: latest.sources } : null,
  };
}
