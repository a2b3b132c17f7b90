/**
 * Shared bits of the speed benchmarks (`npm run bench`), kept free of app imports so a job's memory
 * figures are its own: the JSON-line protocol between bench/run.ts and the jobs it spawns, and small statistics helpers.
 * Benchmarks measure wall time: performance.now() everywhere, never an injected clock.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Copies a seeded database with its audit key (beside it, not in it), as a restore would. */
export function copyDatabase(from: string, to: string): void {
  copyFileSync(from, to);
  copyFileSync(`${resolve(from)}.audit-key`, `${resolve(to)}.audit-key`);
}

/** The organisation's zone in the bench configuration (bench/config.ts): reference years, calendar months. */
export const ORG_TIME_ZONE = 'Europe/London';

// ---------------------------------------------------------------------------------------------------------------
// Results: every job prints one JSON object per line on stdout, prefixed so progress text never mixes in.

export const RESULT_PREFIX = 'BENCH-RESULT ';

export interface Result {
  /** Stable identifier, e.g. `ack.command.vigil`. */
  id: string;
  /** What the table row says. */
  label: string;
  /** Human-readable figures for the table. */
  summary: string;
  /** Target in words, or '' when the figure is only informative. */
  target: string;
  /** Whether the target was met; undefined when there is no target. */
  met?: boolean;
  /** Raw figures (ms, MB, counts) for the JSON line. */
  data: Record<string, number | string | boolean | null>;
  /** Why a target was missed or how to read the figure. */
  note?: string;
}

export function emit(result: Result): void {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

// ---------------------------------------------------------------------------------------------------------------
// Statistics

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

export const round = (n: number, digits = 1): number => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

export const ms = (n: number): string => `${n < 10 ? round(n, 2) : round(n, 1)} ms`;
export const mb = (bytes: number): number => round(bytes / 1024 / 1024, 1);
export const int = (n: number): string => Math.round(n).toLocaleString('en-GB');

/** VmRSS of a live process in bytes (Linux), or null where /proc is not available. */
export function vmRss(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * CPU time (user + system) a live process has used so far, in ms (Linux; null elsewhere). Unlike
 * latency it barely moves with other load on the machine, so it is the steadier cost figure.
 */
export function cpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return null;
  }
}
/** USER_HZ: 100 on every Linux that Node supports. */
const CLOCK_TICKS = 100;

/**
 * This process's peak RSS in bytes since it started: VmHWM (Linux). Not getrusage's maxrss, which
 * keeps the parent's high-water mark across fork + exec and so over-reports in a spawned job.
 */
export function peakRss(): number {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------------------------
// Child processes

/** `node --import tsx <bench/file.ts> ...args`: each job runs in its own process, as the app would. */
export function spawnTs(
  file: string,
  args: string[],
  opts: {
    env?: Record<string, string>;
    ipc?: boolean;
    stdout?: 'pipe' | 'inherit' | 'ignore';
    /** Node options before the script, e.g. --expose-gc. */
    nodeArgs?: string[];
  } = {},
): ChildProcess {
  return spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', file, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', opts.stdout ?? 'pipe', 'inherit', ...(opts.ipc ? (['ipc'] as const) : [])],
  });
}

/** Stops a child this bench started (by its pid) and waits for it to exit. */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
