/**
 * Builds a register of `count` incidents (default 100,000) spread over the two years before `now`,
 * fast: raw better-sqlite3 prepared statements in large transactions, on a database migrated by
 * openDatabase(). Deterministic for a given random seed.
 *
 * What is in it: incidents across kinds, categories, departments, severities and every status
 * (older reports mostly closed, recent ones open), references INC-YYYY-NNNN sequential per year in
 * the organisation's zone with reference_counters set to match, a valid hash-chained audit trail
 * (reported, triaged, escalated, action added, resolution, closure…), outside-notification
 * obligations and corrective/preventive actions. Every incident has a card (channel and ts), as a
 * live register would, and the open ones what they owe (message duties, by the app's own backfill).
 * Not seeded: reviews, reminders, outbox, App Home rows.
 *
 * Run alone: `npx tsx bench/seed.ts <path.db> [count]`.
 */
import { pathToFileURL } from 'node:url';
import { TZDate } from '@date-fns/tz';
import { AUDIT_MAC_FUNCTION } from '../db/audit-key';
import { closeDatabase, openDatabase } from '../db/client';
import type { IncidentStatus, Severity } from '../db/schema';
import { loadConfig } from '../src/config';
import { canonicalEvent, GENESIS_HASH } from '../src/domain/audit';
import { CATEGORIES, isNetworkCategory, suggestedSeverityFor } from '../src/domain/categories';
import { formatReference, referenceYear } from '../src/domain/numbering';
import { backfillDuties } from '../src/services/duty-backfill';
import { ORG_TIME_ZONE, progress } from './common';
import { BENCH_ENV, DEPARTMENTS, PEOPLE, SECURITY_CHANNEL } from './config';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const TARGET_HOURS: Record<Severity, number> = { critical: 24, high: 72, medium: 168, low: 720 };
const NOTIFY_HOURS = { regulator: 72, police: 24, cert: 24, customers: 72 } as const;
type NotificationKind = keyof typeof NOTIFY_HOURS;

export interface SeedOptions {
  count?: number;
  /** The register ends here (default: the real now). */
  now?: Date;
  /** How far back the reports go, in days (default 730). */
  spanDays?: number;
  seed?: number;
}

export interface SeedSummary {
  path: string;
  incidents: number;
  events: number;
  notifications: number;
  actions: number;
  /** Reports per reference year. */
  byYear: Record<string, number>;
  /** Open incidents (not closed or dismissed). */
  open: number;
  from: string;
  to: string;
  ms: number;
}

/** mulberry32: small, fast, good enough to spread test data. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CATEGORY_WEIGHTS: Record<string, number> = {
  malware: 12,
  intrusion: 5,
  policy_violation: 10,
  internet_server: 3,
  disruption: 4,
  device_loss: 20,
  software_loss: 2,
  misdelivery: 18,
  unauthorised_use: 8,
  improper_disposal: 6,
  customer_infection: 2,
  customer_access: 2,
  other: 8,
};

const TITLES: Record<string, readonly string[]> = {
  malware: [
    'Ransomware warning on a laptop',
    'Antivirus quarantined a macro document',
    'Suspicious process on build server',
  ],
  intrusion: [
    'Unknown login to the VPN from abroad',
    'Admin account used outside hours',
    'Altered invoice bank details',
  ],
  policy_violation: [
    'Password shared in a chat',
    'Customer list on a personal drive',
    'Screen left unlocked in reception',
  ],
  internet_server: [
    'Brute-force attempts on the web server',
    'Defaced status page',
    'Open directory listing on the CDN',
  ],
  disruption: ['File server taken offline after alert', 'Email gateway paused for a phishing wave'],
  device_loss: [
    'Laptop left on a train',
    'Phone stolen from a car',
    'USB stick missing after a conference',
    'Papers left in a taxi',
  ],
  software_loss: ['Source archive copied to a public bucket', 'Licence keys posted in a forum'],
  misdelivery: [
    'Payslips emailed to the wrong team',
    'Contract posted to an old address',
    'Fax sent to the wrong number',
    'Spreadsheet attached to the wrong email',
  ],
  unauthorised_use: ['HR records exported without approval', 'Customer data taken home on paper'],
  improper_disposal: ['Confidential papers in the recycling bin', 'Old disks sold without wiping'],
  customer_infection: ['Customer reports malware from our update'],
  customer_access: ['Customer portal showed another account'],
  other: [
    'Visitor tailgated through the side door',
    'Camera pointed at a whiteboard',
    'Something odd with the printer queue',
  ],
};

const SENTENCES = [
  'Noticed it at the start of the shift and reported it straight away.',
  'A colleague pointed it out during the morning stand-up.',
  'It is not clear yet how many records were involved.',
  'The device was encrypted as far as I know, but I cannot confirm the PIN policy.',
  'The recipient replied to say they had received it by mistake and deleted it.',
  'IT were called and have started looking at the logs.',
  'The customer has not been told yet.',
  'This has happened once before, about three months ago.',
  'There was no protective marking on the documents.',
  'I have changed my password as a precaution.',
  'The door was propped open because of the heat.',
  'The alert came from the endpoint protection console.',
];

const LOCATIONS = ['London office', 'Leeds office', 'Home', 'Client site', 'Train', 'Data centre', 'Remote'];
const DATA = [
  'Customer names and emails',
  'Payroll data',
  'Contracts',
  'Source code',
  'Board papers',
  'Marketing lists',
];
const KINDS_OF_DATA = ['names, emails', 'bank details', 'health data', 'addresses', 'dates of birth'];
const MARKINGS = ['OFFICIAL', 'OFFICIAL-SENSITIVE', 'CONFIDENTIAL'];
const SENSITIVITY = ['public', 'internal', 'confidential', 'restricted', 'unknown'];
const CAUSES = ['breach', 'theft', 'misplaced', 'destroyed', 'other'];

interface PendingEvent {
  incidentId: number;
  at: number;
  actorId: string;
  type: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  summary: string;
  /** Order of creation: keeps one incident's events at the same instant in the order they happened. */
  seq?: number;
}

/** A binary min-heap of events by (at, incident, creation order): the trail's order. */
class EventHeap {
  private readonly items: PendingEvent[] = [];
  private next = 0;
  private static less(a: PendingEvent, b: PendingEvent): boolean {
    return (a.at - b.at || a.incidentId - b.incidentId || (a.seq ?? 0) - (b.seq ?? 0)) < 0;
  }
  peek(): PendingEvent | undefined {
    return this.items[0];
  }
  push(e: PendingEvent): void {
    e.seq = this.next++;
    const items = this.items;
    let i = items.push(e) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!EventHeap.less(e, items[parent] as PendingEvent)) break;
      items[i] = items[parent] as PendingEvent;
      i = parent;
    }
    items[i] = e;
  }
  pop(): PendingEvent | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || !last) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= items.length) break;
      const r = l + 1;
      const child =
        r < items.length && EventHeap.less(items[r] as PendingEvent, items[l] as PendingEvent) ? r : l;
      if (!EventHeap.less(items[child] as PendingEvent, last)) break;
      items[i] = items[child] as PendingEvent;
      i = child;
    }
    items[i] = last;
    return top;
  }
}

export async function seedDatabase(path: string, opts: SeedOptions = {}): Promise<SeedSummary> {
  const started = performance.now();
  const count = opts.count ?? 100_000;
  const now = (opts.now ?? new Date()).getTime();
  const spanDays = opts.spanDays ?? 730;
  const random = rng(opts.seed ?? 27001);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const chance = (p: number) => random() < p;
  const between = (lo: number, hi: number) => lo + random() * (hi - lo);
  const weighted = <T>(items: readonly (readonly [T, number])[]): T => {
    const total = items.reduce((s, [, w]) => s + w, 0);
    let r = random() * total;
    for (const [item, w] of items) {
      r -= w;
      if (r <= 0) return item;
    }
    return (items.at(-1) as readonly [T, number])[0];
  };
  const categories = CATEGORIES.map((c) => [c.value, CATEGORY_WEIGHTS[c.value] ?? 1] as const);
  const departments = DEPARTMENTS.map((d) => [d, d.weight] as const);
  const reporters = Array.from({ length: 400 }, (_, n) => `USTAFF${(n + 1).toString(36).toUpperCase()}`);
  const owners = [
    PEOPLE.responder,
    PEOPLE.hodFinance,
    PEOPLE.hodEngineering,
    PEOPLE.iao,
    ...reporters.slice(0, 40),
  ];

  // Report times: working days and hours are busier; a mild growth over the two years.
  const start = now - spanDays * DAY;
  const times: number[] = [];
  while (times.length < count) {
    // Density rising linearly by half over the span (inverse CDF of 1 + g·x).
    const g = 0.5;
    const x = (-1 + Math.sqrt(1 + 2 * g * random() * (1 + g / 2))) / g;
    const t = start + x * (now - 10 * 60_000 - start);
    const d = new Date(t);
    const weekend = d.getUTCDay() === 0 || d.getUTCDay() === 6;
    const office = d.getUTCHours() >= 8 && d.getUTCHours() < 18;
    if (weekend && !chance(0.3)) continue;
    if (!office && !chance(0.35)) continue;
    times.push(Math.floor(t));
  }
  times.sort((a, b) => a - b);

  const db = openDatabase(path);
  const sqlite = db.$client;
  // Bulk load: no journal and a large page cache; the app's settings come back before closing.
  sqlite.pragma('journal_mode = OFF');
  sqlite.pragma('synchronous = OFF');
  sqlite.pragma('cache_size = -262144');
  // The tables' own indexes are built once after the load, from sorted data, instead of being kept
  // up to date row by row (a third of a million-incident seed's time).
  const BULK_TABLES = ['incidents', 'incident_events', 'notifications', 'actions'];
  const indexes = sqlite
    .prepare(
      `select name, sql from sqlite_master where type = 'index' and sql is not null
         and tbl_name in (${BULK_TABLES.map(() => '?').join(', ')})`,
    )
    .all(...BULK_TABLES) as { name: string; sql: string }[];
  for (const { name } of indexes) sqlite.exec(`drop index "${name}"`);

  const insertIncident = sqlite.prepare(`insert into incidents (
      id, reference, year, seq, submission_key, source, source_permalink, kind, category, suggested_severity,
      title, description, occurred_at, discovered_at, aware_at, reported_at, location, department, reporter_id,
      hod_id, data_involved, people_involved, people_aware, customers_or_staff_affected, customers_affected, personal_data,
      personal_data_count, personal_data_kinds, sensitivity, protective_marking, encrypted, third_party_use,
      asset_owner_id, immediate_cause, loss_location, loss_details, crime_number, status, triage_outcome,
      triage_rationale, duplicate_of_id, severity, priority, irm_id, triaged_at, target_resolution_at,
      escalated_at, resolved_at, closed_at, resolution_note, closure_justification, risk_register_ref,
      card_channel_id, card_ts, version, created_at, updated_at)
    values (
      @id, @reference, @year, @seq, @submissionKey, @source, @sourcePermalink, @kind, @category, @suggestedSeverity,
      @title, @description, @occurredAt, @discoveredAt, @awareAt, @reportedAt, @location, @department, @reporterId,
      @hodId, @dataInvolved, @peopleInvolved, @peopleAware, @customersOrStaffAffected, @customersAffected, @personalData,
      @personalDataCount, @personalDataKinds, @sensitivity, @protectiveMarking, @encrypted, @thirdPartyUse,
      @assetOwnerId, @immediateCause, @lossLocation, @lossDetails, @crimeNumber, @status, @triageOutcome,
      @triageRationale, @duplicateOfId, @severity, @priority, @irmId, @triagedAt, @targetResolutionAt,
      @escalatedAt, @resolvedAt, @closedAt, @resolutionNote, @closureJustification, @riskRegisterRef,
      @cardChannelId, @cardTs, @version, @createdAt, @updatedAt)`);
  const insertEvent = sqlite.prepare(
    `insert into incident_events (incident_id, at, actor_id, type, before, after, summary, prev_hash, hash)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertNotification = sqlite.prepare(
    `insert into notifications (incident_id, kind, due_at, status, done_by, done_at, external_ref, reason, created_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertAction = sqlite.prepare(
    `insert into actions (incident_id, kind, description, owner_id, due_at, status, status_reason, created_by,
       created_at, completed_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const upsertCounter = sqlite.prepare(
    'insert into reference_counters (year, last_seq) values (?, ?) on conflict(year) do update set last_seq = excluded.last_seq',
  );

  // Events wait here until no incident still to come can precede them (each incident's events are at
  // or after its report, and reports come in time order), then join the one hash chain in time order.
  // Holding only that window, not the whole trail, keeps a million-incident seed's memory flat.
  const pending = new EventHeap();
  const mac = sqlite.prepare(`select ${AUDIT_MAC_FUNCTION}(?)`).pluck();
  let prevHash = GENESIS_HASH;
  let eventCount = 0;
  /** Writes, chained, every waiting event before `until` (all of them when undefined). */
  const flushEvents = (until?: number) => {
    for (;;) {
      const e = pending.peek();
      if (!e || (until !== undefined && e.at >= until)) return;
      pending.pop();
      const before = e.before ? JSON.stringify(e.before) : null;
      const after = e.after ? JSON.stringify(e.after) : null;
      // canonicalEvent's text (src/domain/audit.ts), through the connection's keyed function as appendEvent hashes it.
      const hash = mac.get(
        canonicalEvent(prevHash, { ...e, at: new Date(e.at), before: e.before, after: e.after }),
      ) as string;
      insertEvent.run(e.incidentId, e.at, e.actorId, e.type, before, after, e.summary, prevHash, hash);
      prevHash = hash;
      eventCount++;
    }
  };
  const seqByYear = new Map<number, number>();
  let notificationCount = 0;
  let actionCount = 0;
  let openCount = 0;

  // The reference year in the organisation's zone; times are sorted, so only year ends need the zone.
  let yearEnd = Number.NEGATIVE_INFINITY;
  let currentYear = 0;
  const yearOf = (t: number): number => {
    if (t >= yearEnd) {
      currentYear = referenceYear(new Date(t), ORG_TIME_ZONE);
      yearEnd = new TZDate(currentYear + 1, 0, 1, ORG_TIME_ZONE).getTime();
    }
    return currentYear;
  };

  const BATCH = 20_000;
  const insertBatch = sqlite.transaction((from: number, to: number) => {
    for (let n = from; n < to; n++) {
      const id = n + 1;
      const reportedAt = times[n] as number;
      flushEvents(reportedAt);
      const age = now - reportedAt;
      const year = yearOf(reportedAt);
      const seq = (seqByYear.get(year) ?? 0) + 1;
      seqByYear.set(year, seq);
      const category = weighted(categories);
      const department = weighted(departments);
      const reporterId = pick(reporters);
      const kind = weighted([
        ['incident', 60],
        ['near_miss', 25],
        ['weakness', 15],
      ] as const);
      const source = weighted([
        ['command', 70],
        ['shortcut', 20],
        ['message', 10],
      ] as const);
      const discoveredAt = reportedAt - Math.floor(random() ** 3 * 72 * HOUR);
      const occurredAt = chance(0.6) ? discoveredAt - Math.floor(random() ** 2 * 14 * DAY) : null;
      const customers = weighted([
        ['yes', 8],
        ['no', 60],
        ['unknown', 32],
      ] as const);
      const personal = weighted([
        ['yes', 18],
        ['no', 55],
        ['unknown', 27],
      ] as const);
      const loss = category === 'device_loss' || category === 'misdelivery';
      const lossLocation = loss ? pick(['post', 'courier', 'home_office', 'office', 'other']) : null;
      const lossDetails =
        lossLocation === 'post'
          ? {
              post_how_sent: 'Royal Mail 2nd class',
              post_double_enveloped: 'no',
              post_address_verified: 'unknown',
            }
          : lossLocation === 'courier'
            ? { courier_collected_from: 'Reception', courier_track_and_trace: 'yes' }
            : lossLocation === 'home_office'
              ? { home_accessed_from: 'desk', home_protectively_marked: 'no' }
              : null;
      const immediateCause = chance(0.7) ? (loss ? pick(['theft', 'misplaced']) : pick(CAUSES)) : null;
      const crimeNumber = immediateCause === 'theft' && chance(0.4) ? `CRM/${year}/${100000 + id}` : null;
      const hodId = department.headId;
      const description = Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick(SENTENCES)).join(
        ' ',
      );

      // Where the incident is now, by age: old reports are mostly closed, recent ones open.
      const ageDays = age / DAY;
      const status: IncidentStatus =
        ageDays < 3
          ? weighted([
              ['reported', 60],
              ['triaged', 30],
              ['resolving', 10],
            ] as const)
          : ageDays < 30
            ? weighted([
                ['reported', 5],
                ['triaged', 20],
                ['resolving', 25],
                ['resolved', 20],
                ['in_review', 10],
                ['closed', 10],
                ['not_incident', 7],
                ['duplicate', 3],
              ] as const)
            : ageDays < 90
              ? weighted([
                  ['triaged', 3],
                  ['resolving', 7],
                  ['resolved', 10],
                  ['in_review', 10],
                  ['closed', 55],
                  ['not_incident', 10],
                  ['duplicate', 5],
                ] as const)
              : weighted([
                  ['resolving', 1],
                  ['resolved', 2],
                  ['in_review', 2],
                  ['closed', 80],
                  ['not_incident', 10],
                  ['duplicate', 5],
                ] as const);
      const dismissed = status === 'not_incident' || status === 'duplicate';
      const open = !(dismissed || status === 'closed');
      if (open) openCount++;
      const suggested = suggestedSeverityFor(category);
      const severity: Severity | null =
        status === 'reported' || dismissed
          ? null
          : chance(0.7) && suggested
            ? suggested
            : weighted([
                ['critical', 5],
                ['high', 20],
                ['medium', 40],
                ['low', 35],
              ] as const);
      const clamp = (t: number) => Math.min(t, now - 60_000);
      const triagedAt =
        status === 'reported' ? null : clamp(reportedAt + Math.floor(between(0.2, 30) * HOUR));
      const targetResolutionAt = severity && triagedAt ? triagedAt + TARGET_HOURS[severity] * HOUR : null;
      const resolvedAt =
        ['resolved', 'in_review', 'closed'].includes(status) && triagedAt && severity
          ? clamp(triagedAt + Math.floor(between(0.1, 1.6) * TARGET_HOURS[severity] * HOUR))
          : null;
      const closedAt =
        status === 'closed' && resolvedAt
          ? clamp(resolvedAt + Math.floor(between(1, 30) * DAY))
          : dismissed
            ? triagedAt
            : null;
      const escalatedAt =
        customers === 'yes' ? reportedAt : triagedAt && chance(0.06) ? clamp(triagedAt + HOUR) : null;
      const irmId = chance(0.85) ? hodId : pick([PEOPLE.responder, PEOPLE.siro]);

      // Audit trail of this incident; chained later in global time order.
      const ev = (
        at: number,
        actorId: string,
        type: string,
        summary: string,
        after: Record<string, unknown>,
      ) => pending.push({ incidentId: id, at, actorId, type, before: null, after, summary });
      let changes = 0;
      // Notifications and actions reference the incident row: written just after it.
      const dependents: (() => void)[] = [];
      ev(
        reportedAt,
        reporterId,
        'reported',
        `Reported by <@${reporterId}> (${source === 'command' ? '/report-incident' : source})`,
        {
          reference: formatReference(year, seq),
          kind,
          category,
          department: department.name,
        },
      );
      if (customers === 'yes')
        ev(
          reportedAt,
          'vigil',
          'escalated',
          'Escalated automatically to the SIRO and the Managing Director.',
          {
            escalatedAt: new Date(reportedAt).toISOString(),
            automatic: true,
          },
        );
      if (triagedAt) {
        changes++;
        ev(
          triagedAt,
          PEOPLE.siro,
          dismissed ? `dismissed_${status}` : 'triaged',
          dismissed
            ? `<@${PEOPLE.siro}> decided this is not a security incident; it stays in the register.`
            : `<@${PEOPLE.siro}> triaged this as a security incident: severity ${severity}.`,
          { status: dismissed ? status : 'triaged', severity },
        );
      }
      if (escalatedAt && customers !== 'yes') {
        changes++;
        ev(
          escalatedAt,
          irmId,
          'escalated',
          `<@${irmId}> escalated this to the SIRO and the Managing Director.`,
          {
            escalatedAt: new Date(escalatedAt).toISOString(),
          },
        );
      }
      if (triagedAt && ['resolving', 'resolved', 'in_review', 'closed'].includes(status)) {
        changes++;
        ev(clamp(triagedAt + HOUR), irmId, 'resolution_started', `<@${irmId}> started resolution.`, {
          status: 'resolving',
        });
      }
      if (resolvedAt) {
        changes++;
        ev(resolvedAt, irmId, 'resolved', `<@${irmId}> marked operations restored.`, {
          status: 'resolved',
          resolvedAt: new Date(resolvedAt).toISOString(),
        });
      }
      if (resolvedAt && (status === 'in_review' || status === 'closed')) {
        changes++;
        ev(clamp(resolvedAt + DAY), irmId, 'closure_requested', `<@${irmId}> asked for closure.`, {
          status: 'in_review',
        });
      }
      if (status === 'closed' && closedAt) {
        changes++;
        ev(closedAt, PEOPLE.cio, 'closed', `<@${PEOPLE.cio}> approved closure.`, { status: 'closed' });
      }

      // Outside notifications: regulator at report time, the rest from triage.
      const kinds: NotificationKind[] = [];
      if (personal === 'yes') kinds.push('regulator');
      if (triagedAt && !dismissed) {
        if (crimeNumber || (immediateCause === 'theft' && chance(0.3))) kinds.push('police');
        if (isNetworkCategory(category)) kinds.push('cert');
        if (customers === 'yes') kinds.push('customers');
      }
      for (const k of kinds) {
        const due = discoveredAt + NOTIFY_HOURS[k] * HOUR;
        const createdAt = k === 'regulator' ? reportedAt : (triagedAt ?? reportedAt);
        let st: 'pending' | 'done' | 'not_required' = 'pending';
        if (dismissed) st = 'not_required';
        else if (k === 'police' && crimeNumber) st = 'done';
        else if (status === 'closed') st = chance(0.88) ? 'done' : 'not_required';
        else if (status !== 'reported') st = chance(0.6) ? 'done' : 'pending';
        const doneAt =
          st === 'done' ? clamp(createdAt + Math.floor(between(0.1, 1.3) * NOTIFY_HOURS[k] * HOUR)) : null;
        dependents.push(() =>
          insertNotification.run(
            id,
            k,
            due,
            st,
            st === 'done' ? (k === 'police' && crimeNumber ? reporterId : PEOPLE.siro) : null,
            doneAt,
            st === 'done' ? (k === 'police' && crimeNumber ? crimeNumber : `REF-${id}-${k}`) : null,
            st === 'not_required'
              ? dismissed
                ? 'Triage: not a security incident'
                : 'Below the threshold'
              : null,
            createdAt,
          ),
        );
        notificationCount++;
      }

      // Corrective and preventive actions once work has started.
      if (triagedAt && !dismissed && status !== 'triaged') {
        const n = weighted([
          [0, 40],
          [1, 35],
          [2, 18],
          [3, 7],
        ] as const);
        for (let a = 0; a < n; a++) {
          const createdAt = clamp(triagedAt + Math.floor(between(2, 72) * HOUR));
          const dueAt = createdAt + Math.floor(between(7, 60) * DAY);
          const st =
            status === 'closed' ? (chance(0.85) ? 'done' : 'not_doing') : chance(0.4) ? 'done' : 'open';
          const ownerId = pick(owners);
          dependents.push(() =>
            insertAction.run(
              id,
              chance(0.6) ? 'corrective' : 'preventive',
              pick([
                'Re-train the team on secure email',
                'Enable full-disk encryption',
                'Review the access list',
                'Rotate the credentials',
                'Add a second check before posting',
              ]),
              ownerId,
              dueAt,
              st,
              st === 'not_doing' ? 'Superseded by the new policy' : null,
              irmId,
              createdAt,
              st === 'open' ? null : clamp(createdAt + Math.floor(between(1, 40) * DAY)),
            ),
          );
          actionCount++;
          changes++;
          ev(createdAt, irmId, 'action_added', `<@${irmId}> added an action for <@${ownerId}>.`, { ownerId });
        }
      }

      const lastChange = Math.max(
        reportedAt,
        triagedAt ?? 0,
        resolvedAt ?? 0,
        closedAt ?? 0,
        escalatedAt ?? 0,
      );
      insertIncident.run({
        id,
        reference: formatReference(year, seq),
        year,
        seq,
        submissionKey: source === 'message' ? null : `VSEED${id.toString(36).toUpperCase()}`,
        source,
        sourcePermalink:
          source === 'message' ? `https://vigil-test.slack.com/archives/C0TEST/p${reportedAt}000` : null,
        kind,
        category,
        suggestedSeverity: suggested,
        title: pick(TITLES[category] ?? TITLES.other ?? ['Incident']),
        description,
        occurredAt,
        discoveredAt,
        awareAt: discoveredAt,
        reportedAt,
        location: chance(0.5) ? pick(LOCATIONS) : null,
        department: department.name,
        reporterId,
        hodId,
        dataInvolved: chance(0.4) ? pick(DATA) : null,
        peopleInvolved: chance(0.3) ? 'Two people in the team' : null,
        peopleAware: chance(0.3) ? 'My manager' : null,
        customersOrStaffAffected: customers,
        // The bench's answer opens the customer obligation, so it is the customers' answer.
        customersAffected: customers,
        personalData: personal,
        personalDataCount: personal === 'yes' ? Math.floor(random() ** 3 * 5000) + 1 : null,
        personalDataKinds: personal === 'yes' ? pick(KINDS_OF_DATA) : null,
        sensitivity: chance(0.6) ? pick(SENSITIVITY) : null,
        protectiveMarking: chance(0.2) ? pick(MARKINGS) : null,
        encrypted:
          category === 'device_loss' ? pick(['yes', 'no', 'unknown']) : chance(0.3) ? 'not_applicable' : null,
        thirdPartyUse: chance(0.1) ? 'Shared with the payroll provider' : null,
        assetOwnerId: chance(0.2) ? PEOPLE.iao : null,
        immediateCause,
        lossLocation,
        lossDetails: lossDetails ? JSON.stringify(lossDetails) : null,
        crimeNumber,
        status,
        triageOutcome: triagedAt ? (dismissed ? status : 'incident') : null,
        triageRationale: triagedAt
          ? dismissed
            ? 'Routine, no information at risk.'
            : 'Information may be at risk.'
          : null,
        duplicateOfId:
          status === 'duplicate' && id > 1 ? Math.max(1, id - 1 - Math.floor(random() * 50)) : null,
        severity,
        priority: severity
          ? ({ critical: 'P1', high: 'P2', medium: 'P3', low: 'P4' } as const)[severity]
          : null,
        irmId,
        triagedAt,
        targetResolutionAt,
        escalatedAt,
        resolvedAt,
        closedAt,
        resolutionNote: resolvedAt ? 'Device wiped remotely; passwords reset.' : null,
        closureJustification:
          status === 'closed' && severity === 'low' && chance(0.3) ? 'Low risk, no action needed.' : null,
        riskRegisterRef: status === 'closed' && chance(0.3) ? `RR-${100 + (id % 400)}` : null,
        cardChannelId: SECURITY_CHANNEL,
        cardTs: `${Math.floor(reportedAt / 1000)}.${String(id % 1_000_000).padStart(6, '0')}`,
        version: 1 + changes,
        createdAt: reportedAt,
        updatedAt: lastChange,
      });
      for (const write of dependents) write();
    }
  });
  for (let from = 0; from < count; from += BATCH) insertBatch(from, Math.min(count, from + BATCH));

  sqlite.transaction(() => flushEvents())();

  const byYear: Record<string, number> = {};
  for (const [year, last] of seqByYear) {
    upsertCounter.run(year, last);
    byYear[String(year)] = last;
  }
  for (const { sql } of indexes) sqlite.exec(sql);
  // What each open incident owes, recorded as the running app records it, so the app does not
  // start by catching up on a register that looks kept from before duties existed.
  const owed = backfillDuties(db, loadConfig({ ...BENCH_ENV, DATABASE_PATH: path }));
  progress(`recorded what is owed on ${owed} open incidents`);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  closeDatabase(db);
  return {
    path,
    incidents: count,
    events: eventCount,
    notifications: notificationCount,
    actions: actionCount,
    byYear,
    open: openCount,
    from: new Date(times[0] ?? now).toISOString(),
    to: new Date(times.at(-1) ?? now).toISOString(),
    ms: performance.now() - started,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [path, count] = process.argv.slice(2);
  if (!path) {
    process.stderr.write('usage: npx tsx bench/seed.ts <path.db> [count]\n');
    process.exit(2);
  }
  const summary = await seedDatabase(path, { count: count ? Number(count) : 100_000 });
  progress(`seeded ${JSON.stringify(summary)}`);
}
