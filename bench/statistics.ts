/**
 * Benchmark of computeStatistics on a register of 100,000 incidents spread over two years.
 *
 *   npx tsx bench/statistics.ts [--incidents N] [--runs N] [--index "CREATE INDEX …"]… [--database FILE]
 *
 * Builds a throwaway database in the temp folder (the schema's own migrations, rows inserted
 * through drizzle in batched transactions), then times a one-year statistics run. Prints JSON
 * lines on stdout. --index adds an index to the throwaway database only, to try one out before it
 * goes into a migration. --database keeps the database in FILE (and reuses it if it is there).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { closeDatabase, type Db, openDatabase } from '../db/client';
import {
  actions,
  type IncidentKind,
  incidents,
  type NewIncident,
  notifications,
  type Severity,
} from '../db/schema';
import { CATEGORIES, isNetworkCategory } from '../src/domain/categories';
import { computeStatistics } from '../src/services/statistics';

const { values } = parseArgs({
  options: {
    incidents: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '20' },
    index: { type: 'string', multiple: true, default: [] },
    database: { type: 'string' },
  },
});
const INCIDENTS = Number(values.incidents);
const RUNS = Number(values.runs);

const H = 3_600_000;
const DAY = 24 * H;
const START = Date.UTC(2024, 5, 1); // two years of reports: June 2024 to June 2026
const SPAN = Date.UTC(2026, 5, 1) - START;
const NOW = new Date(Date.UTC(2026, 5, 15));
const TIME_ZONE = 'Europe/London';
// One London year, 1 June 2025 to 1 June 2026 (BST: midnight is 23:00 UTC the day before).
const PERIOD = { from: new Date('2025-05-31T23:00:00Z'), to: new Date('2026-05-31T23:00:00Z') };

/** mulberry32: a small seeded generator, so every run builds the same register. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = rng(27001);
const pick = <T>(items: readonly (readonly [T, number])[]): T => {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let r = random() * total;
  for (const [item, w] of items) {
    r -= w;
    if (r <= 0) return item;
  }
  return (items.at(-1) as readonly [T, number])[0];
};
/** Log-normal hours around a median, as waiting times are. */
const hoursAround = (median: number, spread = 1) =>
  median * Math.exp(spread * Math.sqrt(-2 * Math.log(random() || 1e-9)) * Math.cos(2 * Math.PI * random()));

const DEPARTMENTS = [
  ['Finance', 12],
  ['Engineering', 30],
  ['Sales', 18],
  ['Support', 15],
  ['HR', 5],
  ['Legal', 3],
  ['Operations', 12],
  ['Marketing', 5],
] as const;
const CATEGORY_WEIGHTS = CATEGORIES.map(
  (c) =>
    [
      c.value,
      { device_loss: 20, misdelivery: 18, malware: 12, policy_violation: 10, other: 6 }[c.value] ?? 4,
    ] as const,
);
const KINDS = [
  ['incident', 78],
  ['near_miss', 17],
  ['weakness', 5],
] as const satisfies readonly (readonly [IncidentKind, number])[];
const SEVERITIES = [
  ['critical', 3],
  ['high', 15],
  ['medium', 42],
  ['low', 40],
] as const satisfies readonly (readonly [Severity, number])[];
const CAUSES = [
  ['breach', 20],
  ['theft', 10],
  ['misplaced', 30],
  ['destroyed', 5],
  ['other', 15],
  [null, 20],
] as const;
const RESOLVE_HOURS: Record<Severity, number> = { critical: 8, high: 36, medium: 96, low: 240 };

/** Report times as the app writes them: in order, so ids rise with reported_at. */
function reportTimes(n: number): number[] {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    // Reports cluster in working hours on weekdays.
    let day = START + Math.floor(random() * (SPAN / DAY)) * DAY;
    const weekday = new Date(day).getUTCDay();
    if ((weekday === 0 || weekday === 6) && random() < 0.6) day += (weekday === 0 ? 1 : 2) * DAY;
    times.push(
      Math.min(day + (7 + Math.floor(random() * 11)) * H + Math.floor(random() * H), START + SPAN - 1),
    );
  }
  return times.sort((a, b) => a - b);
}

const FILLER = 'The laptop bag was left on the train and the finder handed it to the station staff. '.repeat(
  12,
);

function incidentRow(i: number, reported: number, year: number, seq: number): NewIncident {
  const category = pick(CATEGORY_WEIGHTS);
  const kind = pick(KINDS);
  const discovered = reported - Math.floor(hoursAround(2, 1.2) * H);
  const occurred = random() < 0.7 ? discovered - Math.floor(hoursAround(6, 1.5) * H) : null;
  const recent = NOW.getTime() - reported < 3 * DAY;
  const outcome =
    recent && random() < 0.5
      ? null
      : pick([
          ['incident', 85],
          ['not_incident', 10],
          ['duplicate', 5],
        ] as const);
  const triaged = outcome ? reported + Math.floor(hoursAround(3, 1) * H) : null;
  const severity = outcome === 'incident' ? pick(SEVERITIES) : null;
  const resolved =
    severity && triaged && random() < 0.92
      ? triaged + Math.floor(hoursAround(RESOLVE_HOURS[severity], 0.8) * H)
      : null;
  const closed =
    outcome && outcome !== 'incident'
      ? triaged
      : resolved && random() < 0.85
        ? resolved + Math.floor(hoursAround(14 * 24, 0.6) * H)
        : null;
  const status = !outcome
    ? 'reported'
    : outcome !== 'incident'
      ? outcome
      : closed
        ? 'closed'
        : resolved
          ? 'resolved'
          : 'resolving';
  const department = pick(DEPARTMENTS);
  const at = (ms: number | null) => (ms === null ? null : new Date(ms));
  return {
    reference: `INC-${year}-${String(seq).padStart(5, '0')}`,
    year,
    seq,
    source: 'command',
    kind,
    category,
    title: `Benchmark incident ${i}`,
    // Real descriptions run to a few hundred characters; they make the table as big as a real one.
    description: FILLER.slice(0, 100 + Math.floor(random() * 700)),
    occurredAt: at(occurred),
    discoveredAt: new Date(discovered),
    awareAt: new Date(discovered),
    reportedAt: new Date(reported),
    department,
    reporterId: `U${String(1000 + Math.floor(random() * 400))}`,
    personalData: random() < 0.3 ? 'yes' : 'no',
    immediateCause: pick(CAUSES),
    status,
    triageOutcome: outcome,
    severity,
    priority: severity ? 'P3' : null,
    triagedAt: at(triaged),
    targetResolutionAt: severity && triaged ? new Date(triaged + RESOLVE_HOURS[severity] * H) : null,
    resolvedAt: at(resolved),
    closedAt: at(closed),
    createdAt: new Date(reported),
    updatedAt: new Date(closed ?? resolved ?? triaged ?? reported),
  };
}

function build(db: Db): { incidents: number; actions: number; notifications: number } {
  const BATCH = 5000;
  const ROWS_PER_INSERT = 200;
  const seqs = new Map<number, number>();
  const times = reportTimes(INCIDENTS);
  let actionCount = 0;
  let notificationCount = 0;
  for (let done = 0; done < INCIDENTS; done += BATCH) {
    const rows: NewIncident[] = [];
    for (let i = done; i < Math.min(done + BATCH, INCIDENTS); i++) {
      const reported = times[i] ?? START;
      const year = new Date(reported).getUTCFullYear();
      const seq = (seqs.get(year) ?? 0) + 1;
      seqs.set(year, seq);
      rows.push(incidentRow(i, reported, year, seq));
    }
    db.transaction((tx) => {
      for (let k = 0; k < rows.length; k += ROWS_PER_INSERT) {
        const inserted = tx
          .insert(incidents)
          .values(rows.slice(k, k + ROWS_PER_INSERT))
          .returning({
            id: incidents.id,
            reportedAt: incidents.reportedAt,
            awareAt: incidents.awareAt,
            category: incidents.category,
            personalData: incidents.personalData,
            resolvedAt: incidents.resolvedAt,
            triageOutcome: incidents.triageOutcome,
          })
          .all();
        const actionRows: (typeof actions.$inferInsert)[] = [];
        const notificationRows: (typeof notifications.$inferInsert)[] = [];
        for (const inc of inserted) {
          if (inc.triageOutcome === 'incident') {
            const n = Math.floor(random() * 4); // 0–3 actions, 1.5 on average
            for (let a = 0; a < n; a++) {
              const due = inc.reportedAt.getTime() + Math.floor(hoursAround(14 * 24, 0.7) * H);
              const state =
                due > NOW.getTime()
                  ? 'open'
                  : pick([
                      ['done', 80],
                      ['open', 12],
                      ['not_doing', 8],
                    ] as const);
              actionRows.push({
                incidentId: inc.id,
                kind: a === 0 ? 'corrective' : 'preventive',
                description: 'Benchmark action',
                ownerId: 'UOWNER',
                dueAt: random() < 0.95 ? new Date(due) : null,
                status: state,
                createdBy: 'USIRO',
                createdAt: inc.reportedAt,
                completedAt: state === 'done' ? new Date(due - Math.floor(hoursAround(24, 1.5) * H)) : null,
              });
            }
          }
          const kinds = [
            ...(inc.personalData === 'yes' ? (['regulator'] as const) : []),
            ...(isNetworkCategory(inc.category) ? (['cert'] as const) : []),
          ];
          for (const kind of kinds) {
            const due = inc.awareAt.getTime() + (kind === 'regulator' ? 72 : 24) * H;
            const state =
              inc.triageOutcome && inc.triageOutcome !== 'incident'
                ? 'not_required'
                : pick([
                    ['done', 85],
                    ['pending', 5],
                    ['not_required', 10],
                  ] as const);
            const doneAt =
              inc.awareAt.getTime() + Math.floor(hoursAround(kind === 'regulator' ? 40 : 12, 0.6) * H);
            notificationRows.push({
              incidentId: inc.id,
              kind,
              dueAt: new Date(due),
              status: state,
              doneAt: state === 'pending' ? null : new Date(doneAt),
              doneBy: state === 'pending' ? null : 'USIRO',
              createdAt: inc.reportedAt,
            });
          }
        }
        if (actionRows.length > 0) tx.insert(actions).values(actionRows).run();
        if (notificationRows.length > 0) tx.insert(notifications).values(notificationRows).run();
        actionCount += actionRows.length;
        notificationCount += notificationRows.length;
      }
    });
  }
  return { incidents: INCIDENTS, actions: actionCount, notifications: notificationCount };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const round = (n: number) => Math.round(n * 10) / 10;

const dir = values.database ? null : mkdtempSync(join(tmpdir(), 'vigil-bench-'));
const path = values.database ?? join(dir ?? '.', 'vigil.db');
const reuse = existsSync(path);
const db = openDatabase(path);
try {
  const buildStart = performance.now();
  const built = reuse ? { reused: path } : build(db);
  for (const ddl of values.index) db.$client.exec(ddl);
  // A running app's WAL is checkpointed as it goes; start the timing from that steady state.
  db.$client.pragma('wal_checkpoint(TRUNCATE)');
  const buildMs = performance.now() - buildStart;
  process.stdout.write(
    `${JSON.stringify({ phase: 'build', ...built, indexes: values.index, ms: Math.round(buildMs), rssMb: mb(process.memoryUsage.rss()) })}\n`,
  );

  const times: number[] = [];
  // CPU time beside wall time: on a shared machine the difference is time spent waiting for a core.
  const cpuTimes: number[] = [];
  let peakRss = process.memoryUsage.rss();
  const rssBefore = peakRss;
  let total = 0;
  for (let run = 0; run < RUNS; run++) {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const stats = computeStatistics(db, { ...PERIOD, now: NOW, orgTimeZone: TIME_ZONE });
    times.push(performance.now() - t0);
    const cpu = process.cpuUsage(cpu0);
    cpuTimes.push((cpu.user + cpu.system) / 1000);
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    total = stats.total;
  }
  const sorted = [...times].sort((a, b) => a - b);
  process.stdout.write(
    `${JSON.stringify({
      phase: 'computeStatistics',
      period: { from: PERIOD.from.toISOString(), to: PERIOD.to.toISOString() },
      reportsInPeriod: total,
      runs: RUNS,
      p50Ms: round(percentile(sorted, 50)),
      p95Ms: round(percentile(sorted, 95)),
      maxMs: round(sorted.at(-1) ?? Number.NaN),
      firstRunMs: round(times[0] ?? Number.NaN),
      cpuP50Ms: round(
        percentile(
          [...cpuTimes].sort((a, b) => a - b),
          50,
        ),
      ),
      rssBeforeMb: mb(rssBefore),
      peakRssMb: mb(peakRss),
      processMaxRssMb: mb(process.resourceUsage().maxRSS * 1024),
      targetMs: 300,
    })}\n`,
  );
} finally {
  closeDatabase(db);
  if (dir) rmSync(dir, { recursive: true, force: true });
}
