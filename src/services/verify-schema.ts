import type { Db } from '../../db/client';
import { formatReference } from '../domain/numbering';

/** A finding about the database around the trail: a trigger, a counter, a record. */
export interface SchemaProblem {
  where: string;
  what: string;
}

/**
 * The triggers that make the trail and the evidence register append-only, exactly as the
 * migrations create them (db/migrations/0001, 0008 and 0013): a missing one, or one rewritten to
 * do nothing, is a finding.
 */
const GUARDS: Record<string, { table: string; sql: string }> = {
  incident_events_no_update: {
    table: 'incident_events',
    sql: "CREATE TRIGGER `incident_events_no_update` BEFORE UPDATE ON `incident_events` BEGIN SELECT RAISE(ABORT, 'incident_events is append-only'); END",
  },
  incident_events_no_delete: {
    table: 'incident_events',
    sql: "CREATE TRIGGER `incident_events_no_delete` BEFORE DELETE ON `incident_events` BEGIN SELECT RAISE(ABORT, 'incident_events is append-only'); END",
  },
  audit_chain_no_update: {
    table: 'audit_chain',
    sql: "CREATE TRIGGER `audit_chain_no_update` BEFORE UPDATE ON `audit_chain` BEGIN SELECT RAISE(ABORT, 'audit_chain is fixed'); END",
  },
  audit_chain_no_delete: {
    table: 'audit_chain',
    sql: "CREATE TRIGGER `audit_chain_no_delete` BEFORE DELETE ON `audit_chain` BEGIN SELECT RAISE(ABORT, 'audit_chain is fixed'); END",
  },
  evidence_no_update: {
    table: 'evidence',
    sql: "CREATE TRIGGER `evidence_no_update` BEFORE UPDATE ON `evidence` BEGIN SELECT RAISE(ABORT, 'evidence is append-only'); END",
  },
  evidence_no_delete: {
    table: 'evidence',
    sql: "CREATE TRIGGER `evidence_no_delete` BEFORE DELETE ON `evidence` BEGIN SELECT RAISE(ABORT, 'evidence is append-only'); END",
  },
};

const normalise = (sql: string) => sql.replace(/\s+/g, ' ').trim();

/** The append-only triggers are all there, unchanged, and nothing else hooks their tables. */
export function checkTriggers(db: Db): SchemaProblem[] {
  const found = db.$client
    .prepare(
      "SELECT name, tbl_name AS tableName, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ('incident_events', 'audit_chain', 'evidence')",
    )
    .all() as { name: string; tableName: string; sql: string | null }[];
  const problems: SchemaProblem[] = [];
  for (const [name, guard] of Object.entries(GUARDS)) {
    const trigger = found.find((t) => t.name === name);
    if (!trigger)
      problems.push({
        where: `trigger ${name}`,
        what: `missing: ${guard.table} can be changed without a trace (dropped behind Vigil's back)`,
      });
    else if (normalise(trigger.sql ?? '') !== guard.sql)
      problems.push({ where: `trigger ${name}`, what: 'changed: it no longer only refuses the change' });
  }
  for (const t of found.filter((t) => !(t.name in GUARDS)))
    problems.push({ where: `trigger ${t.name}`, what: `not Vigil's: it acts on ${t.tableName}` });
  return problems;
}

/**
 * Where the keyed chain starts (recorded once, by the migration that introduced the key). Missing,
 * every event is held to the key: the strictest reading.
 */
export function legacyBoundary(db: Db): { legacyThrough: bigint; problems: SchemaProblem[] } {
  const row = db.$client
    .prepare('SELECT legacy_through FROM audit_chain WHERE id = 1')
    .safeIntegers(true)
    .get() as { legacy_through: unknown } | undefined;
  if (row && typeof row.legacy_through === 'bigint')
    return { legacyThrough: row.legacy_through, problems: [] };
  return {
    legacyThrough: 0n,
    problems: [
      {
        where: 'table audit_chain',
        what: 'the record of where the keyed chain starts is missing or damaged; every event is checked with the key',
      },
    ],
  };
}

/**
 * SQLite remembers the highest event id it ever gave out: a trail that ends before it lost events
 * at its end, even when nothing else shows it.
 */
export function checkIdSequence(db: Db, lastId: bigint | null): SchemaProblem[] {
  const row = db.$client
    .prepare("SELECT seq FROM sqlite_sequence WHERE name = 'incident_events'")
    .safeIntegers(true)
    .get() as { seq: unknown } | undefined;
  const issued = typeof row?.seq === 'bigint' ? row.seq : null;
  if (issued === null || issued <= (lastId ?? 0n)) return [];
  return [
    {
      where: lastId === null ? 'the audit trail' : `after event ${lastId}`,
      what: `event ids up to ${issued} were given out, but the trail ends ${lastId === null ? 'empty' : `at event ${lastId}`}: events at its end were deleted`,
    },
  ];
}

/**
 * Each year's reference counter is at least the highest reference of that year, in the register or
 * in the trail: a counter behind it would hand out a reference again.
 */
export function checkReferenceCounters(db: Db, reportedSeq: ReadonlyMap<number, number>): SchemaProblem[] {
  const highest = new Map(reportedSeq);
  const rows = db.$client.prepare('SELECT year, max(seq) AS seq FROM incidents GROUP BY year').all() as {
    year: number;
    seq: number;
  }[];
  for (const r of rows) highest.set(r.year, Math.max(highest.get(r.year) ?? 0, r.seq));
  const counters = new Map(
    (
      db.$client.prepare('SELECT year, last_seq AS lastSeq FROM reference_counters').all() as {
        year: number;
        lastSeq: number;
      }[]
    ).map((c) => [c.year, c.lastSeq]),
  );
  const problems: SchemaProblem[] = [];
  for (const [year, seq] of [...highest].sort(([a], [b]) => a - b)) {
    const counter = counters.get(year);
    if (counter === undefined || counter < seq)
      problems.push({
        where: `reference counter ${year}`,
        what: `${counter === undefined ? 'missing' : `at ${counter}`}, but ${formatReference(year, seq)} exists: the next report would reuse a reference (rewound?)`,
      });
  }
  return problems;
}
