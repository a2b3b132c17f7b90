import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Db } from '../../db/client';
import { CATEGORIES } from '../domain/categories';

export type ExportFormat = 'csv' | 'json';

export interface ExportOptions {
  format: ExportFormat;
  /**
   * Who the export is for, when it goes to a person in Slack: a restricted record's details are
   * left out unless they may see them (the SIROs and those added). The operator's command line,
   * which holds the database anyway, exports everything.
   */
  viewer?: { userId: string; siroIds: readonly string[] };
  /** Reports made at or after this instant. */
  from?: Date;
  /** Reports made before this instant. */
  to?: Date;
}

type ColumnType = 'text' | 'number' | 'time' | 'json';

/**
 * The register's columns, in order, with the SQL that reads each from `incidents i` (and `d`, the
 * incident a duplicate repeats). One definition for the CSV and JSON exports and the evidence pack.
 */
const COLUMNS = [
  ['reference', 'i.reference', 'text'],
  ['status', 'i.status', 'text'],
  ['kind', 'i.kind', 'text'],
  ['category', 'i.category', 'text'],
  [
    'category_group',
    `case i.category ${CATEGORIES.map((c) => `when '${c.value}' then '${c.group}'`).join(' ')} end`,
    'text',
  ],
  ['suggested_severity', 'i.suggested_severity', 'text'],
  ['severity', 'i.severity', 'text'],
  ['priority', 'i.priority', 'text'],
  ['triage_outcome', 'i.triage_outcome', 'text'],
  ['triage_rationale', 'i.triage_rationale', 'text'],
  ['duplicate_of', 'd.reference', 'text'],
  ['title', 'i.title', 'text'],
  ['description', 'i.description', 'text'],
  ['occurred_at', 'i.occurred_at', 'time'],
  ['discovered_at', 'i.discovered_at', 'time'],
  ['aware_at', 'i.aware_at', 'time'],
  ['reported_at', 'i.reported_at', 'time'],
  // Seed 000 Rep.1 "immediately": how long after discovery it was reported.
  ['report_delay_hours', 'round((i.reported_at - i.discovered_at) / 3600000.0, 1)', 'number'],
  ['triaged_at', 'i.triaged_at', 'time'],
  ['target_resolution_at', 'i.target_resolution_at', 'time'],
  ['escalated_at', 'i.escalated_at', 'time'],
  ['resolved_at', 'i.resolved_at', 'time'],
  ['closed_at', 'i.closed_at', 'time'],
  ['department', 'i.department', 'text'],
  ['reporter_id', 'i.reporter_id', 'text'],
  ['hod_id', 'i.hod_id', 'text'],
  ['irm_id', 'i.irm_id', 'text'],
  ['source', 'i.source', 'text'],
  ['source_permalink', 'i.source_permalink', 'text'],
  ['location', 'i.location', 'text'],
  ['data_involved', 'i.data_involved', 'text'],
  ['people_involved', 'i.people_involved', 'text'],
  ['people_aware', 'i.people_aware', 'text'],
  ['customers_or_staff_affected', 'i.customers_or_staff_affected', 'text'],
  ['customers_affected', 'i.customers_affected', 'text'],
  ['staff_affected', 'i.staff_affected', 'text'],
  ['personal_data', 'i.personal_data', 'text'],
  ['personal_data_count', 'i.personal_data_count', 'number'],
  ['personal_data_kinds', 'i.personal_data_kinds', 'text'],
  ['sensitivity', 'i.sensitivity', 'text'],
  ['protective_marking', 'i.protective_marking', 'text'],
  ['encrypted', 'i.encrypted', 'text'],
  ['third_party_use', 'i.third_party_use', 'text'],
  ['asset_owner_id', 'i.asset_owner_id', 'text'],
  ['immediate_cause', 'i.immediate_cause', 'text'],
  ['loss_location', 'i.loss_location', 'text'],
  ['loss_details', 'i.loss_details', 'json'],
  ['crime_number', 'i.crime_number', 'text'],
  ['resolution_note', 'i.resolution_note', 'text'],
  ['closure_justification', 'i.closure_justification', 'text'],
  ['risk_register_ref', 'i.risk_register_ref', 'text'],
  // Seed 000 Rep.4.4: the business impact and its estimated cost.
  ['impact_areas', 'i.impact_areas', 'json'],
  ['impact_cost', 'i.impact_cost', 'number'],
  // Replies from the card's thread that responders added to the record ("Add to incident timeline").
  [
    'timeline_notes',
    `(select case when count(*) = 0 then null else json_group_array(json_object(
        'at', strftime('%Y-%m-%dT%H:%M:%fZ', e.at / 1000.0, 'unixepoch'), 'added_by', e.actor_id,
        'author', json_extract(e.after, '$.authorId'), 'text', json_extract(e.after, '$.text'))) end
      from incident_events e indexed by incident_events_timeline_notes
      where e.incident_id = i.id and e.type = 'timeline_note')`,
    'json',
  ],
  // Details went only to the SIRO and the people they added (seed 000 Rep.1).
  ['restricted', "case when i.restricted = 1 then 'yes' else 'no' end", 'text'],
] as const satisfies readonly (readonly [string, string, ColumnType])[];

export const REGISTER_COLUMNS = COLUMNS.map(([name]) => name);
export type RegisterColumn = (typeof COLUMNS)[number][0];
export type RegisterValue = string | number | Record<string, unknown> | null;
export type RegisterRow = Record<RegisterColumn, RegisterValue>;

const TYPES: readonly ColumnType[] = COLUMNS.map(([, , type]) => type);
const PAGE = 100;
/** Excel reads a CSV file as the local code page unless it starts with the UTF-8 byte order mark. */
const BOM = '\uFEFF';

// After the columns, what decides whether a viewer sees a restricted row's details.
const selectOf = (expr: (column: (typeof COLUMNS)[number]) => string) =>
  `select i.id, ${COLUMNS.map(expr).join(', ')}, i.restricted, i.access_ids
  from incidents i left join incidents d on d.id = i.duplicate_of_id`;
const SELECT = selectOf(([, expr]) => expr);
const RESTRICTED_TITLE_JSON = JSON.stringify('Restricted report');
/**
 * The same for the JSON export, with each text column already a JSON string literal (`null` when
 * empty): SQLite's json_quote writes exactly what JSON.stringify does for any text it can hold,
 * and quoting in C spares a call per value per row.
 */
const SELECT_JSON = selectOf(([, expr, type]) => (type === 'text' ? `json_quote(${expr})` : expr));

/** What a restricted row still shows to someone who may not see its details: what, when and how far. */
const KEPT_WHEN_RESTRICTED = new Set<string>([
  'reference',
  'status',
  'kind',
  'suggested_severity',
  'severity',
  'priority',
  'triage_outcome',
  'restricted',
  ...COLUMNS.filter(([, , type]) => type === 'time').map(([name]) => name),
]);

/** A raw row as `viewer` may see it: a restricted record's details blanked unless they are an insider. */
function forViewer(
  raw: unknown[],
  viewer: ExportOptions['viewer'],
  restrictedTitle = 'Restricted report',
): unknown[] {
  if (!viewer || Number(raw[COLUMNS.length + 1]) !== 1) return raw;
  const access = (JSON.parse(String(raw[COLUMNS.length + 2] ?? 'null')) as string[] | null) ?? [];
  if (viewer.siroIds.includes(viewer.userId) || access.includes(viewer.userId)) return raw;
  return raw.map((v, c) => {
    const name = REGISTER_COLUMNS[c - 1];
    if (c === 0 || c > COLUMNS.length || (name && KEPT_WHEN_RESTRICTED.has(name))) return v;
    return name === 'title' ? restrictedTitle : null;
  });
}

/**
 * A spreadsheet runs a cell starting with = + - @ (or a tab/CR) as a formula; a leading quote keeps
 * hostile report text inert (OWASP "CSV injection").
 */
export function neutraliseFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

const NEEDS_QUOTES = /[",\r\n]/;
const QUOTE = /"/g;

/** One RFC 4180 field: quoted when it holds a quote, comma or line break. */
function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replace(QUOTE, '""')}"` : value;
}

const DAY_MS = 86_400_000;
/** Times this side of year 10000 format as `YYYY-MM-DDTHH:MM:SS.mmmZ`; beyond it, toISOString's wider form. */
const ISO_LIMIT_MS = 253_402_300_800_000;
const TWO = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const dates = new Map<number, string>();

/**
 * Date#toISOString, several times faster over a register: the register has ten times a row and
 * few distinct days, so each day's `YYYY-MM-DDT` is made once and the time of day by arithmetic.
 */
export function isoTime(ms: number): string {
  if (!(ms >= 0 && ms < ISO_LIMIT_MS) || !Number.isInteger(ms)) return new Date(ms).toISOString();
  const day = Math.floor(ms / DAY_MS);
  let date = dates.get(day);
  if (date === undefined) {
    date = new Date(day * DAY_MS).toISOString().slice(0, 11);
    if (dates.size < 50_000) dates.set(day, date);
  }
  let t = ms - day * DAY_MS;
  const milli = t % 1000;
  t = (t - milli) / 1000;
  const second = t % 60;
  t = (t - second) / 60;
  const minute = t % 60;
  const hour = (t - minute) / 60;
  const pad = milli < 10 ? '00' : milli < 100 ? '0' : '';
  return `${date}${TWO[hour]}:${TWO[minute]}:${TWO[second]}.${pad}${milli}Z`;
}

/** A stored value as the register shows it: times in ISO 8601 UTC, JSON as an object. */
function typed(value: unknown, type: ColumnType): RegisterValue {
  if (value === null || value === undefined) return null;
  if (type === 'time') return isoTime(Number(value));
  if (type === 'number') return Number(value);
  if (type === 'json') return JSON.parse(String(value)) as Record<string, unknown>;
  return String(value);
}

function toRow(raw: unknown[]): RegisterRow {
  const row: Record<string, RegisterValue> = {};
  for (let c = 0; c < COLUMNS.length; c++)
    row[REGISTER_COLUMNS[c] as string] = typed(raw[c + 1], TYPES[c] as ColumnType);
  return row as RegisterRow;
}

/** `{"reference":`, `,"status":`, …: each column's key as JSON.stringify writes it before the value. */
const JSON_KEYS = REGISTER_COLUMNS.map((name, c) => `${c === 0 ? '{' : ','}${JSON.stringify(name)}:`);

/**
 * JSON.stringify(toRow(raw)), written directly: the same text (keys in column order, each value
 * as JSON.stringify writes it) without building an object per row first. `raw` is a SELECT_JSON
 * row: its text columns are JSON already.
 */
function toJsonLine(raw: unknown[]): string {
  let line = '';
  for (let c = 0; c < COLUMNS.length; c++) {
    const value = raw[c + 1];
    line += JSON_KEYS[c];
    if (value === null || value === undefined) line += 'null';
    else {
      const type = TYPES[c];
      if (type === 'text') line += value;
      else if (type === 'time') line += `"${isoTime(Number(value))}"`;
      else line += JSON.stringify(typed(value, type as ColumnType));
    }
  }
  return `${line}}`;
}

function toCsvLine(raw: unknown[]): string {
  let line = '';
  for (let c = 0; c < COLUMNS.length; c++) {
    const value = raw[c + 1];
    if (c > 0) line += ',';
    if (value === null || value === undefined) continue;
    const type = TYPES[c];
    // loss_details stays the JSON text it is stored as: one cell.
    if (type === 'time') line += isoTime(Number(value));
    else if (type === 'number') line += String(value);
    else line += csvField(neutraliseFormula(String(value)));
  }
  return line;
}

/** One incident's register entry, read with the same SQL as the export (for the evidence pack). */
export function registerRow(db: Db, incidentId: number): RegisterRow | undefined {
  const raw = db.$client.prepare(`${SELECT} where i.id = ?`).raw().get(incidentId) as unknown[] | undefined;
  return raw ? toRow(raw) : undefined;
}

/**
 * Reads the register a page at a time by id (keyset), as raw arrays from one prepared statement:
 * memory stays flat however large the register grows, and no page holds the connection across an
 * await, so the app keeps answering Slack while an export runs.
 */
function* pages(db: Db, opts: ExportOptions, select = SELECT): Generator<unknown[][]> {
  const where = ['i.id > ?'];
  const params: number[] = [];
  if (opts.from) {
    where.push('i.reported_at >= ?');
    params.push(opts.from.getTime());
  }
  if (opts.to) {
    where.push('i.reported_at < ?');
    params.push(opts.to.getTime());
  }
  const page = db.$client.prepare(`${select} where ${where.join(' and ')} order by i.id limit ${PAGE}`).raw();
  let lastId = 0;
  for (;;) {
    const rows = page.all(lastId, ...params) as unknown[][];
    if (rows.length === 0) return;
    yield rows;
    lastId = Number(rows[rows.length - 1]?.[0] ?? lastId);
  }
}

/** Lines become bytes in one reused buffer, sent on in chunks of about this size. */
const CHUNK = 256 * 1024;

/** Gathers encoded lines and writes them on a chunk at a time, waiting when `out` asks to. */
class ChunkWriter {
  private buf = Buffer.allocUnsafe(CHUNK * 2);
  private used = 0;
  constructor(private readonly out: Writable) {}
  add(text: string): void {
    if (this.buf.length - this.used < text.length * 3) this.grow(text.length * 3);
    this.used += this.buf.write(text, this.used);
  }
  /** Sends what is gathered once it reaches a chunk (or always, when `all`). */
  async flush(all = false): Promise<void> {
    if (this.used === 0 || (!all && this.used < CHUNK)) return;
    const chunk = Buffer.from(this.buf.subarray(0, this.used));
    this.used = 0;
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }
  private grow(need: number): void {
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.used + need));
    this.buf.copy(bigger, 0, 0, this.used);
    this.buf = bigger;
  }
}

/**
 * Streams the register to `out`: RFC 4180 CSV (UTF-8 with a byte order mark, CRLF, a header row)
 * or a JSON array of objects. Returns the row count.
 */
export async function exportRegister(db: Db, out: Writable, opts: ExportOptions): Promise<number> {
  let count = 0;
  const w = new ChunkWriter(out);
  if (opts.format === 'json') {
    w.add('[');
    for (const rows of pages(db, opts, SELECT_JSON)) {
      for (const raw of rows) {
        w.add(count++ === 0 ? '\n' : ',\n');
        w.add(toJsonLine(forViewer(raw, opts.viewer, RESTRICTED_TITLE_JSON)));
      }
      await w.flush();
    }
    w.add(count === 0 ? ']\n' : '\n]\n');
    await w.flush(true);
    return count;
  }
  w.add(`${BOM}${REGISTER_COLUMNS.join(',')}\r\n`);
  for (const rows of pages(db, opts)) {
    for (const raw of rows) w.add(`${toCsvLine(forViewer(raw, opts.viewer))}\r\n`);
    count += rows.length;
    await w.flush();
  }
  await w.flush(true);
  return count;
}
