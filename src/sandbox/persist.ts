/**
 * The sandbox's Slack side, kept beside its database so a restart shows the same channels, DMs and
 * Homes the database refers to (a real workspace would still have them). Written atomically.
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { LocalSlackSnapshot } from '../local-slack/local-slack';
import type { TimelineSnapshot } from './timeline';

export interface Saved {
  version: 1;
  clockOffsetMs: number;
  slack: LocalSlackSnapshot;
  timeline: TimelineSnapshot;
}

export function load(path: string): Saved | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const saved = JSON.parse(readFileSync(path, 'utf8')) as Saved;
    return saved.version === 1 ? saved : undefined;
  } catch {
    // A file cut short by a crash: start the Slack side afresh rather than not at all.
    return undefined;
  }
}

export function save(path: string, saved: Saved): void {
  writeFileSync(`${path}.partial`, JSON.stringify(saved));
  renameSync(`${path}.partial`, path);
}

export function forget(paths: string[]): void {
  for (const p of paths) rmSync(p, { force: true });
}
