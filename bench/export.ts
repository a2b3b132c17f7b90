/**
 * The register export (src/services/export.ts) of the whole seeded database to a null stream, in a
 * process of its own so its peak RSS is the export's: time, bytes, rows, RSS before, peak RSS.
 *
 * Usage: npx tsx bench/export.ts --db <seeded.db> --format csv|json
 */
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { closeDatabase, openDatabase } from '../db/client';
import { exportRegister } from '../src/services/export';
import { emit, int, mb, peakRss, round } from './common';

const LIMIT_MS = 5000;

const { values } = parseArgs({
  options: { db: { type: 'string' }, format: { type: 'string', default: 'csv' } },
});
const format = values.format;
if (!values.db || (format !== 'csv' && format !== 'json')) {
  process.stderr.write('usage: npx tsx bench/export.ts --db <seeded.db> --format csv|json\n');
  process.exit(2);
}

const db = openDatabase(values.db);

/** A stream that keeps nothing; `onBytes` sees the running total. */
function nullSink(onBytes?: (total: number) => void): { sink: Writable; bytes: () => number } {
  let bytes = 0;
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
      onBytes?.(bytes);
      done();
    },
  });
  return { sink, bytes: () => bytes };
}

// 1. Timed: time, and the process's peak RSS (VmHWM).
const timed = nullSink();
const rssBefore = process.memoryUsage().rss;
const started = performance.now();
const rows = await exportRegister(db, timed.sink, { format });
const elapsed = performance.now() - started;
const peak = peakRss();
const bytes = timed.bytes();

// 2. Bounded? Export again, collecting garbage every 4 MB written and noting the live heap: flat if
// rows stream through, rising with the output if they pile up. Needs node --expose-gc.
const gc = (globalThis as { gc?: () => void }).gc;
const live: number[] = [];
if (gc) {
  const STEP = 4 * 1024 * 1024;
  let nextSample = STEP;
  const sampled = nullSink((total) => {
    if (total < nextSample) return;
    nextSample += STEP;
    gc();
    live.push(process.memoryUsage().heapUsed);
  });
  await exportRegister(db, sampled.sink, { format });
}
closeDatabase(db);

const liveRise = live.length > 1 ? Math.max(...live) - (live[0] ?? 0) : null;
const bounded = liveRise === null ? null : liveRise < 32 * 1024 * 1024;
const growth = Math.max(0, peak - rssBefore);
emit({
  id: `export.${format}`,
  label: `Export ${format.toUpperCase()} of the register to a null stream`,
  summary:
    `${round(elapsed / 1000, 2)} s for ${int(rows)} rows, ${mb(bytes)} MB written; ` +
    `peak RSS ${mb(peak)} MB (${mb(rssBefore)} MB before); ` +
    (liveRise === null
      ? 'live heap not sampled (run with node --expose-gc)'
      : `live heap after GC while exporting ${mb(live[0] ?? 0)} → max ${mb(Math.max(...live))} MB`),
  target: `< ${LIMIT_MS / 1000} s, memory bounded`,
  met: elapsed < LIMIT_MS && bounded !== false,
  data: {
    ms: round(elapsed, 0),
    rows,
    bytes,
    rss_before_mb: mb(rssBefore),
    peak_rss_mb: mb(peak),
    rss_growth_mb: mb(growth),
    live_heap_first_mb: live.length > 0 ? mb(live[0] ?? 0) : null,
    live_heap_max_mb: live.length > 0 ? mb(Math.max(...live)) : null,
    live_heap_samples: live.length,
  },
  note:
    bounded === false
      ? 'The live heap rose with the output: rows are being held, not streamed.'
      : 'Bounded: the live heap stays flat while the output grows; the RSS above it is garbage not yet collected.',
});
