/**
 * `npm run bench`: builds a 100,000-incident register, runs every speed benchmark in a process of its
 * own, and prints a Markdown table of the results (with the command line and the machine) followed by
 * the same results as JSON lines. Not part of `npm test`. Progress goes to stderr.
 *
 *   npm run bench -- [--incidents 100000] [--requests 3000] [--warmup 300] [--connections 50] [--keep]
 *                    [--only ack,export,statistics,reminder,start-up] (a quicker subset while iterating)
 *
 * Jobs: bench/seed.ts (in this process), bench/ack-latency.ts, bench/export.ts (CSV, JSON),
 * bench/register-statistics.ts, bench/reminder-sweep.ts, bench/startup.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { int, progress, RESULT_PREFIX, type Result, ROOT, round, spawnTs } from './common';
import { seedDatabase } from './seed';

const { values } = parseArgs({
  options: {
    incidents: { type: 'string', default: '100000' },
    requests: { type: 'string', default: '3000' },
    warmup: { type: 'string', default: '300' },
    connections: { type: 'string', default: '50' },
    keep: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});

const results: Result[] = [];
let failedJobs = 0;

const only = values.only ? new Set(values.only.split(',')) : null;

/** Runs one job in its own process and collects the results it prints. */
async function job(name: string, file: string, args: string[], nodeArgs: string[] = []): Promise<void> {
  if (only && !only.has(name.split(' ')[0] ?? name)) return;
  progress(`${name}…`);
  const started = performance.now();
  const child = spawnTs(join(ROOT, file), args, { nodeArgs });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const mine: Result[] = [];
  lines.on('line', (line) => {
    if (line.startsWith(RESULT_PREFIX)) mine.push(JSON.parse(line.slice(RESULT_PREFIX.length)) as Result);
    else process.stderr.write(`${line}\n`);
  });
  const loadBefore = loadavg()[0] ?? 0;
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  // The machine may be shared: every figure carries the load average it was measured under.
  const load = `${round(loadBefore, 2)} → ${round(loadavg()[0] ?? 0, 2)}`;
  for (const r of mine) {
    r.summary += ` [load ${load}]`;
    r.data.load = load;
  }
  results.push(...mine);
  progress(`${name} done in ${round((performance.now() - started) / 1000, 1)} s`);
  if (code !== 0) {
    failedJobs++;
    results.push({
      id: `failed.${name}`,
      label: `${name} (job failed)`,
      summary: `\`${file}\` exited with ${code}; see the output above`,
      target: '',
      met: false,
      data: { exit_code: code },
    });
  }
}

const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');

function report(header: string[]): void {
  const out: string[] = [
    ...header,
    '',
    '| measurement | result | target | met |',
    '| --- | --- | --- | --- |',
  ];
  for (const r of results) {
    const met = r.met === undefined ? '' : r.met ? 'yes' : '**no**';
    out.push(`| ${cell(r.label)} | ${cell(r.summary)} | ${cell(r.target)} | ${met} |`);
  }
  const notes = results.filter((r) => r.note);
  if (notes.length > 0) {
    out.push('', 'Notes:', '');
    for (const r of notes) out.push(`- ${r.label}: ${r.note}`);
  }
  out.push('', 'JSON lines:', '', '```jsonl');
  for (const r of results) out.push(JSON.stringify(r));
  out.push('```', '');
  process.stdout.write(`${out.join('\n')}\n`);
}

const work = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
const began = performance.now();
const loadStart = loadavg()[0] ?? 0;
try {
  const incidents = Number(values.incidents);
  progress(`building a register of ${int(incidents)} incidents in ${work}`);
  const seeded = join(work, 'seeded.db');
  const seed = await seedDatabase(seeded, { count: incidents });
  const years = Object.entries(seed.byYear)
    .map(([y, n]) => `${y}: ${int(n)}`)
    .join(', ');
  results.push({
    id: 'seed',
    label: 'Test register built (bench/seed.ts)',
    summary:
      `${int(seed.incidents)} incidents (${years}; ${int(seed.open)} open), ${int(seed.events)} audit events, ` +
      `${int(seed.notifications)} notifications, ${int(seed.actions)} actions in ${round(seed.ms / 1000, 1)} s`,
    target: '',
    data: {
      incidents: seed.incidents,
      open: seed.open,
      events: seed.events,
      notifications: seed.notifications,
      actions: seed.actions,
      by_year: JSON.stringify(seed.byYear),
      ms: round(seed.ms, 0),
    },
  });

  await job('ack latency', 'bench/ack-latency.ts', [
    '--db',
    seeded,
    '--work',
    work,
    '--requests',
    String(values.requests),
    '--warmup',
    String(values.warmup),
    '--connections',
    String(values.connections),
  ]);
  for (const format of ['csv', 'json'])
    await job(`export ${format}`, 'bench/export.ts', ['--db', seeded, '--format', format], ['--expose-gc']);
  await job('statistics', 'bench/register-statistics.ts', ['--db', seeded]);
  await job('reminder sweep', 'bench/reminder-sweep.ts', ['--db', seeded, '--work', work]);
  await job('start-up', 'bench/startup.ts', ['--work', work, '--db', seeded]);
} finally {
  if (!values.keep) rmSync(work, { recursive: true, force: true });
  else progress(`kept ${work}`);
}

const cpu = cpus();
const command =
  process.env.npm_lifecycle_event === 'bench'
    ? `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`
    : `tsx bench/run.ts ${process.argv.slice(2).join(' ')}`.trim();
report([
  '## Vigil speed benchmarks',
  '',
  `Command: \`${command}\` (\`tsx bench/run.ts\`; ${values.connections} connections, ` +
    `${values.warmup} warm-up + ${values.requests} recorded requests per latency scenario), ` +
    `${new Date().toISOString()}, ${round((performance.now() - began) / 1000, 0)} s in all.`,
  '',
  `Machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${round(totalmem() / 2 ** 30, 1)} GiB, ` +
    `Node ${process.version}, ${process.platform}; load average ${round(loadStart, 2)} at the start, ` +
    `${round(loadavg()[0] ?? 0, 2)} at the end. All processes (load driver, LocalSlack, floor, Vigil) share it.`,
]);
if (failedJobs > 0) process.exitCode = 1;
