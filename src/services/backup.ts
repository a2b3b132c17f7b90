import { closeSync, mkdirSync, openSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Db } from '../../db/client';

/** Pages copied per step; between steps the event loop (and the app's requests) run. */
const PAGES_PER_STEP = 100;
/** better-sqlite3's largest step: everything left, in one go. */
const ALL_REMAINING = 0x7fffffff;

/**
 * Copies the live database to `file` with SQLite's online backup API: consistent even while this
 * or another process keeps writing (WAL mode). Refuses to overwrite anything already at `file`.
 */
export async function backupDatabase(db: Db, file: string): Promise<{ pages: number; bytes: number }> {
  const target = resolve(file);
  mkdirSync(dirname(target), { recursive: true });
  try {
    // 'wx' claims the name atomically: a file that appears after a mere exists-check is not clobbered.
    closeSync(openSync(target, 'wx'));
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'EEXIST')
      throw new Error(`${file} already exists; refusing to overwrite it (choose a new file name)`);
    throw err;
  }
  try {
    let lastRemaining = Number.POSITIVE_INFINITY;
    const result = await db.$client.backup(target, {
      // A write by another connection restarts the copy from page one, so a busy app could keep
      // a stepped copy from ever finishing. When a step makes no headway, copy the rest at once:
      // one step holds one read snapshot, and in WAL mode writers carry on meanwhile.
      progress: ({ remainingPages }) => {
        const stalled = remainingPages >= lastRemaining;
        lastRemaining = remainingPages;
        return stalled ? ALL_REMAINING : PAGES_PER_STEP;
      },
    });
    return { pages: result.totalPages, bytes: statSync(target).size };
  } catch (err) {
    rmSync(target, { force: true });
    throw err;
  }
}
