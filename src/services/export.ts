import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { and, asc, gt, gte, lt, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { type Incident, incidents } from '../../db/schema';
import { findCategory } from '../domain/categories';

export type ExportFormat = 'csv' | 'json';

export interface ExportOptions {
  format: ExportFormat;
  /** Reports made at or after this instant. */
  from?: Date;
  /** Reports made before this instant. */
  to?: Date;
}

const PAGE = 1000;

export const REGISTER_COLUMNS = [
  'reference',
  'status',
  'kind',
  'category',
  'category_group',
  'suggested_severity',
  'severity',
  'priority',
  'triage_outcome',
  'triage_rationale',
  'title',
  'description',
  'occurred_at',
  'discovered_at',
  'aware_at',
  'reported_at',
  'triaged_at',
  'target_resolution_at',
  'escalated_at',
  'resolved_at',
  'closed_at',
  'department',
  'reporter_id',
  'hod_id',
  'irm_id',
  'source',
  'source_permalink',
  'location',
  'data_involved',
  'people_involved',
  'people_aware',
  'customers_or_staff_affected',
  'personal_data',
  'personal_data_count',
  'personal_data_kinds',
  'sensitivity',
  'protective_marking',
  'encrypted',
  'third_party_use',
  'asset_owner_id',
  'immediate_cause',
  'loss_location',
  'loss_details',
  'crime_number',
  'closure_justification',
  'risk_register_ref',
] as const;
export type RegisterColumn = (typeof REGISTER_COLUMNS)[number];

/** One register row: every field of the incident, times in ISO 8601 UTC. */
export function registerRow(i: Incident): Record<RegisterColumn, string | number | null> {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    reference: i.reference,
    status: i.status,
    kind: i.kind,
    category: i.category,
    category_group: findCategory(i.category)?.group ?? null,
    suggested_severity: i.suggestedSeverity,
    severity: i.severity,
    priority: i.priority,
    triage_outcome: i.triageOutcome,
    triage_rationale: i.triageRationale,
    title: i.title,
    description: i.description,
    occurred_at: iso(i.occurredAt),
    discovered_at: iso(i.discoveredAt),
    aware_at: iso(i.awareAt),
    reported_at: iso(i.reportedAt),
    triaged_at: iso(i.triagedAt),
    target_resolution_at: iso(i.targetResolutionAt),
    escalated_at: iso(i.escalatedAt),
    resolved_at: iso(i.resolvedAt),
    closed_at: iso(i.closedAt),
    department: i.department,
    reporter_id: i.reporterId,
    hod_id: i.hodId,
    irm_id: i.irmId,
    source: i.source,
    source_permalink: i.sourcePermalink,
    location: i.location,
    data_involved: i.dataInvolved,
    people_involved: i.peopleInvolved,
    people_aware: i.peopleAware,
    customers_or_staff_affected: i.customersOrStaffAffected,
    personal_data: i.personalData,
    personal_data_count: i.personalDataCount,
    personal_data_kinds: i.personalDataKinds,
    sensitivity: i.sensitivity,
    protective_marking: i.protectiveMarking,
    encrypted: i.encrypted,
    third_party_use: i.thirdPartyUse,
    asset_owner_id: i.assetOwnerId,
    immediate_cause: i.immediateCause,
    loss_location: i.lossLocation,
    loss_details: i.lossDetails ? JSON.stringify(i.lossDetails) : null,
    crime_number: i.crimeNumber,
    closure_justification: i.closureJustification,
    risk_register_ref: i.riskRegisterRef,
  };
}

/**
 * A spreadsheet runs a cell starting with = + - @ (or a tab/CR) as a formula; a leading quote keeps
 * hostile report text inert (OWASP "CSV injection").
 */
export function neutraliseFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** Reads the register a page at a time, so memory stays flat however large it grows. */
function* pages(db: Db, opts: ExportOptions): Generator<Incident[]> {
  let lastId = 0;
  for (;;) {
    const where: SQL[] = [gt(incidents.id, lastId)];
    if (opts.from) where.push(gte(incidents.reportedAt, opts.from));
    if (opts.to) where.push(lt(incidents.reportedAt, opts.to));
    const page = db
      .select()
      .from(incidents)
      .where(and(...where))
      .orderBy(asc(incidents.id))
      .limit(PAGE)
      .all();
    if (page.length === 0) return;
    yield page;
    lastId = page[page.length - 1]?.id ?? lastId;
  }
}

async function write(out: Writable, chunk: string): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

/** Streams the register to `out` (RFC 4180 CSV with a header row, or a JSON array). Returns the row count. */
export async function exportRegister(db: Db, out: Writable, opts: ExportOptions): Promise<number> {
  let count = 0;
  if (opts.format === 'json') {
    await write(out, '[');
    for (const page of pages(db, opts)) {
      for (const i of page)
        await write(out, `${count++ === 0 ? '\n' : ',\n'}${JSON.stringify(registerRow(i))}`);
    }
    await write(out, count === 0 ? ']\n' : '\n]\n');
    return count;
  }
  const csv = stringify({
    header: true,
    columns: [...REGISTER_COLUMNS],
    record_delimiter: '\r\n',
    quoted_match: /[",\r\n]/,
    cast: { string: (v) => neutraliseFormula(v) },
  });
  csv.on('data', (chunk: Buffer) => {
    if (!out.write(chunk)) csv.pause();
  });
  out.on('drain', () => csv.resume());
  const finished = once(csv, 'end');
  for (const page of pages(db, opts)) {
    for (const i of page) {
      count++;
      if (!csv.write(registerRow(i))) await once(csv, 'drain');
    }
  }
  csv.end();
  await finished;
  return count;
}
