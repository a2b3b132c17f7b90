/**
 * Start-up as in production: spawn `node dist/main.mjs` (what `npm start` runs after its build) (HTTP mode, PORT=0) against a
 * LocalSlack with the security channel and a fresh, empty DATABASE_PATH (so every migration runs),
 * and time spawn → the log line `listening on`. Then, after 2 s idle, read VmRSS from /proc.
 * Repeated, and once more on a copy of the seeded register (migrations already applied).
 *
 * Usage: npx tsx bench/startup.ts --work <dir> [--db <seeded.db>] [--runs 5]
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { LocalSlack } from '../src/local-slack/local-slack';
import { copyDatabase, emit, mb, median, ms, ROOT, round, sleep, stopChild, vmRss } from './common';
import { BENCH_ENV, SECURITY_CHANNEL_SETUP } from './config';

const START_LIMIT_MS = 1500;
const RSS_LIMIT_BYTES = 150 * 1024 * 1024;
const IDLE_MS = 2000;

const { values } = parseArgs({
  options: { work: { type: 'string' }, db: { type: 'string' }, runs: { type: 'string', default: '5' } },
});
if (!values.work) {
  process.stderr.write('usage: npx tsx bench/startup.ts --work <dir> [--db <seeded.db>] [--runs 5]\n');
  process.exit(2);
}
const WORK = values.work;

interface Start {
  ms: number;
  rss: number | null;
}

/** Spawns `node <args>` and times it until it logs `listening on`; then idles and reads its RSS. */
async function startOnce(args: string[], env: Record<string, string> = {}): Promise<Start> {
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  try {
    const lines: string[] = [];
    const elapsed = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no "listening on" within 30 s:\n${lines.join('\n')}`)),
        30_000,
      );
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`Vigil exited (${code}) during start-up:\n${lines.join('\n')}`));
      });
      createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (line) => {
        lines.push(line);
        if (line.includes('listening on')) {
          clearTimeout(timer);
          resolve(performance.now() - started);
        }
      });
    });
    await sleep(IDLE_MS);
    return { ms: elapsed, rss: child.pid ? vmRss(child.pid) : null };
  } finally {
    await stopChild(child);
  }
}

const vigil = (fakeUrl: string, databasePath: string) =>
  startOnce(['dist/main.mjs'], {
    ...BENCH_ENV,
    SLACK_APP_TOKEN: '',
    SLACK_API_URL: fakeUrl,
    DATABASE_PATH: databasePath,
    PORT: '0',
    LOG_LEVEL: 'info',
  });
/** What Node alone, and Node with the tsx loader, cost before any of the app is loaded. */
const EMPTY = "process.stderr.write('listening on\\n'); setInterval(() => {}, 1000);";

const fake = await LocalSlack.start({ channels: [SECURITY_CHANNEL_SETUP] });
try {
  const node = await startOnce(['-e', EMPTY]);
  const nodeTsx = await startOnce(['--import', 'tsx', '-e', EMPTY]);
  const fresh: Start[] = [];
  for (let run = 0; run < Number(values.runs); run++)
    fresh.push(await vigil(fake.url, join(WORK, `startup-${run}`, 'vigil.db')));
  const times = fresh.map((s) => s.ms);
  const rss = fresh.map((s) => s.rss).filter((r): r is number => r !== null);
  emit({
    id: 'startup.fresh',
    label: 'Start-up incl. migrations (fresh database)',
    summary:
      `median ${ms(median(times))}, max ${ms(Math.max(...times))} over ${times.length} runs ` +
      `(${times.map((t) => Math.round(t)).join(', ')} ms)`,
    target: `< ${START_LIMIT_MS / 1000} s (median)`,
    met: median(times) < START_LIMIT_MS,
    data: {
      median_ms: round(median(times), 0),
      max_ms: round(Math.max(...times), 0),
      runs: JSON.stringify(times.map((t) => Math.round(t))),
    },
    note: 'spawn of `node dist/main.mjs` (built by `npm install`) → "listening on"; includes Node start-up and the Slack checks against the fake.',
  });
  emit({
    id: 'startup.idle-rss',
    label: `Idle RSS ${IDLE_MS / 1000} s after start (VmRSS)`,
    summary:
      rss.length > 0
        ? `median ${mb(median(rss))} MB, max ${mb(Math.max(...rss))} MB over ${rss.length} runs`
        : 'not available (/proc)',
    target: '< 150 MB',
    ...(rss.length > 0 ? { met: Math.max(...rss) < RSS_LIMIT_BYTES } : {}),
    data: {
      median_mb: rss.length > 0 ? mb(median(rss)) : null,
      max_mb: rss.length > 0 ? mb(Math.max(...rss)) : null,
    },
  });
  if (values.db) {
    const copy = join(WORK, 'startup-seeded.db');
    copyDatabase(values.db, copy);
    const seeded = await vigil(fake.url, copy);
    emit({
      id: 'startup.seeded',
      label: 'Start-up on the seeded register (no migration to run)',
      summary: `${ms(seeded.ms)}; idle RSS ${seeded.rss !== null ? `${mb(seeded.rss)} MB` : 'n/a'}`,
      target: '',
      data: { ms: round(seeded.ms, 0), rss_mb: seeded.rss !== null ? mb(seeded.rss) : null },
    });
  }
  const rssOf = (s: Start) => (s.rss !== null ? `${mb(s.rss)} MB` : 'n/a');
  emit({
    id: 'startup.runtime',
    label: 'For comparison: an empty program',
    summary: `node: ${ms(node.ms)}, idle RSS ${rssOf(node)}; node --import tsx: ${ms(nodeTsx.ms)}, idle RSS ${rssOf(nodeTsx)}`,
    target: '',
    data: {
      node_ms: round(node.ms, 0),
      node_rss_mb: node.rss !== null ? mb(node.rss) : null,
      node_tsx_ms: round(nodeTsx.ms, 0),
      node_tsx_rss_mb: nodeTsx.rss !== null ? mb(nodeTsx.rss) : null,
    },
    note: 'The part of start-up time and RSS that is the runtime (Node, the tsx loader and its worker thread), not the app.',
  });
} finally {
  await fake.stop();
}
