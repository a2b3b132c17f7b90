import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import type { Db } from '../../db/client';

/** A published head of the audit chain: how many events there were, the last one, and its hash. */
export interface Checkpoint {
  at: Date;
  events: number;
  lastId: number;
  head: string;
  reason: string;
  /** HMAC with the audit key over the fields above (checkpointMacText). */
  mac: string;
}

/** `<DATABASE_PATH>.checkpoints`, beside the database; none for a private `:memory:` database. */
export const checkpointFilePath = (databasePath: string): string | null =>
  databasePath === ':memory:' || databasePath === '' ? null : `${resolve(databasePath)}.checkpoints`;

/** The checkpoint file of an open database (the connection knows its file). */
export const checkpointFileOf = (db: Db): string | null => checkpointFilePath(db.$client.name);

/** What a checkpoint's MAC covers; the tag keeps it from ever reading as an audit event. */
export const checkpointMacText = (c: Omit<Checkpoint, 'mac'>): string =>
  JSON.stringify(['vigil-checkpoint', c.at.toISOString(), c.events, c.lastId, c.head, c.reason]);

/** One line of the checkpoint file, and of the Slack message that carries it. */
export const checkpointLine = (c: Checkpoint): string =>
  JSON.stringify({
    v: 1,
    at: c.at.toISOString(),
    events: c.events,
    lastId: c.lastId,
    head: c.head,
    reason: c.reason,
    mac: c.mac,
  });

const HEX64 = /^[0-9a-f]{64}$/;
const lineSchema = z.object({
  v: z.literal(1),
  at: z.iso.datetime(),
  events: z.number().int().nonnegative(),
  lastId: z.number().int(),
  head: z.string().regex(HEX64),
  reason: z.string().max(100),
  mac: z.string().regex(HEX64),
});

export function parseCheckpointLine(text: string): Checkpoint | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = lineSchema.safeParse(json);
  if (!parsed.success) return null;
  const { v: _version, at, ...rest } = parsed.data;
  return { ...rest, at: new Date(at) };
}

/**
 * Appends one line and syncs it to disk before returning: a checkpoint is published only once it
 * would survive a power cut. Append-only by construction (O_APPEND); readable by its owner only.
 */
export function appendCheckpointLine(file: string, c: Checkpoint): void {
  const created = !existsSync(file);
  const fd = openSync(file, 'a', 0o600);
  try {
    writeSync(fd, `${checkpointLine(c)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  if (created) {
    const dir = openSync(dirname(file), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  }
}

export type CheckpointFileLine =
  | { line: number; checkpoint: Checkpoint }
  | { line: number; checkpoint: null };

/** Every line of a checkpoint file, in order (a damaged one as `checkpoint: null`); null if no file. */
export function readCheckpointFile(file: string): CheckpointFileLine[] | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  return text
    .split('\n')
    .map((raw, i) => ({ raw: raw.trim(), line: i + 1 }))
    .filter(({ raw }) => raw !== '')
    .map(({ raw, line }) => ({ line, checkpoint: parseCheckpointLine(raw) }));
}
