import { AUDIT_MAC_FUNCTION } from '../../db/audit-key';
import type { Db } from '../../db/client';
import { canonicalEvent, GENESIS_HASH, publicEventHash } from '../domain/audit';

/** A finding about one event; the incident is turned into its reference when the report is written. */
export interface EventProblem {
  eventId: string;
  incidentId: number | null;
  what: string;
}

/** What a checkpoint said, to be compared with the trail as the walk passes its last event. */
export interface HeadAt {
  /** Events with an id up to and including this one, as the trail has them now. */
  count: number;
  /** The stored hash of the event with exactly this id; null when there is no such event. */
  hash: string | null;
}

export interface ChainWalk {
  events: number;
  legacyEvents: number;
  /** The highest event id, exactly as stored (ids are not trusted to be small or positive). */
  lastId: bigint | null;
  problems: EventProblem[];
  /** Per checkpoint id asked for: what the trail has at that id now. */
  heads: Map<bigint, HeadAt>;
  /** The highest sequence number per year that a `reported` event names (INC-YYYY-NNNN). */
  reportedSeq: Map<number, number>;
  /** References by incident id, as their `reported` events name them (for rows since deleted). */
  references: Map<number, string>;
}

/** An event as stored, read with exact integers (BigInt) and no trust in its types. */
export interface EventRow {
  id: bigint;
  incident_id: unknown;
  at: unknown;
  actor_id: unknown;
  type: unknown;
  before: unknown;
  after: unknown;
  summary: unknown;
  prev_hash: unknown;
  hash: unknown;
}

/** Rows per query: memory stays flat however long the trail is. */
const PAGE_SIZE = 1000;
export const EVENT_COLUMNS = 'id, incident_id, at, actor_id, type, before, after, summary, prev_hash, hash';
const REFERENCE = /^INC-(\d{4})-(\d{4,})$/;

/** A JSON column as stored: content edited into something unreadable is a finding, not a crash. */
function parseJson(value: unknown): { ok: true; value: Record<string, unknown> | null } | { ok: false } {
  if (value === null) return { ok: true, value: null };
  if (typeof value !== 'string') return { ok: false };
  try {
    return { ok: true, value: JSON.parse(value) as Record<string, unknown> | null };
  } catch {
    return { ok: false };
  }
}

const asNumber = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : Number(v));
const asText = (v: unknown): string => (typeof v === 'string' ? v : String(v));

/**
 * Reads every event in id order, whatever its id (zero, negative, huge: read exactly, as BigInt),
 * and checks each one on its own: its id is positive and follows the previous one, it chains onto
 * the event before it, and its hash matches its content, with the audit key after `legacyThrough`
 * (the public formula up to it). After a break it carries on from the stored hash, so every
 * damaged event is named, not only the first. Reasons name ids, never content.
 */
export function walkChain(db: Db, legacyThrough: bigint, checkpointIds: readonly bigint[]): ChainWalk {
  const first = db.$client.prepare(`SELECT ${EVENT_COLUMNS} FROM incident_events ORDER BY id LIMIT ?`);
  const after = db.$client.prepare(
    `SELECT ${EVENT_COLUMNS} FROM incident_events WHERE id > ? ORDER BY id LIMIT ?`,
  );
  const targets = [...new Set(checkpointIds)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let target = 0;
  const walk: ChainWalk = {
    events: 0,
    legacyEvents: 0,
    lastId: null,
    problems: [],
    heads: new Map(),
    reportedSeq: new Map(),
    references: new Map(),
  };
  const keyed = keyedHasher(db);
  let prev: { id: bigint; hash: string } | null = null;
  let lastPositive = 0n;
  for (;;) {
    const page = (
      walk.lastId === null
        ? first.safeIntegers(true).all(PAGE_SIZE)
        : after.safeIntegers(true).all(walk.lastId, PAGE_SIZE)
    ) as EventRow[];
    for (const row of page) {
      // Checkpoints whose last event comes before this one: the trail has nothing at their id.
      for (let t = targets[target]; t !== undefined && t < row.id; t = targets[++target])
        walk.heads.set(t, { count: walk.events, hash: null });
      walk.events++;
      if (targets[target] === row.id) {
        walk.heads.set(row.id, { count: walk.events, hash: asText(row.hash) });
        target++;
      }
      checkEvent(keyed, walk, row, prev, lastPositive, legacyThrough);
      if (row.id > 0n) lastPositive = row.id;
      prev = { id: row.id, hash: asText(row.hash) };
      walk.lastId = row.id;
    }
    if (page.length < PAGE_SIZE) break;
  }
  for (let t = targets[target]; t !== undefined; t = targets[++target])
    walk.heads.set(t, { count: walk.events, hash: null });
  return walk;
}

function checkEvent(
  keyed: Keyed,
  walk: ChainWalk,
  row: EventRow,
  prev: { id: bigint; hash: string } | null,
  lastPositive: bigint,
  legacyThrough: bigint,
): void {
  const incidentId = typeof row.incident_id === 'bigint' ? Number(row.incident_id) : null;
  const found = (what: string) => walk.problems.push({ eventId: String(row.id), incidentId, what });
  if (row.id <= 0n) found(NOT_POSITIVE);
  else if (row.id !== lastPositive + 1n)
    found(
      row.id - 1n === lastPositive + 1n
        ? `event ${lastPositive + 1n} before it is missing (deleted?)`
        : `events ${lastPositive + 1n} to ${row.id - 1n} before it are missing (deleted?)`,
    );
  if (row.prev_hash !== (prev?.hash ?? GENESIS_HASH))
    found(
      prev
        ? `it does not chain onto event ${prev.id} before it (an event deleted, inserted or rewritten)`
        : 'it does not chain onto the start of the trail (an event deleted, inserted or rewritten)',
    );
  const own = checkOwnEvent(keyed, row, legacyThrough);
  for (const what of own.problems) found(what);
  if (own.legacy) walk.legacyEvents++;
  if (row.type === 'reported' && incidentId !== null) noteReference(walk, incidentId, own.after);
}

/** The HMAC with the connection's audit key, through one prepared statement. */
export type Keyed = (text: string) => string;
export function keyedHasher(db: Db): Keyed {
  // The same function appendEvent uses, without building a query per event (a long trail has
  // hundreds of thousands).
  const mac = db.$client.prepare(`SELECT ${AUDIT_MAC_FUNCTION}(?)`);
  return (text) => String(mac.pluck(true).get(text));
}

export const NOT_POSITIVE =
  'its id is not positive: Vigil never writes such an event (inserted behind its back)';

/**
 * What can be checked of one event on its own (its id aside): readable content, and a hash that
 * matches it (with the key after `legacyThrough`, the public formula up to it).
 */
export function checkOwnEvent(
  keyed: Keyed,
  row: EventRow,
  legacyThrough: bigint,
): { problems: string[]; legacy: boolean; after: Record<string, unknown> | null } {
  const problems: string[] = [];
  const legacy = row.id > 0n && row.id <= legacyThrough;
  const before = parseJson(row.before);
  const after = parseJson(row.after);
  if (!before.ok || !after.ok) {
    problems.push('its content is not valid JSON (edited?)');
    return { problems, legacy, after: null };
  }
  const content = {
    incidentId: asNumber(row.incident_id),
    at: new Date(asNumber(row.at)),
    actorId: asText(row.actor_id),
    type: asText(row.type),
    before: before.value,
    after: after.value,
    summary: asText(row.summary),
  };
  const prevHash = asText(row.prev_hash);
  if (legacy) {
    if (publicEventHash(prevHash, content) !== row.hash)
      problems.push('its hash does not match its content (edited?)');
  } else if (keyed(canonicalEvent(prevHash, content)) !== row.hash)
    problems.push(
      'its hash does not match its content under the audit key (edited, forged, or written without the key)',
    );
  return { problems, legacy, after: after.value };
}

function noteReference(walk: ChainWalk, incidentId: number, after: Record<string, unknown> | null): void {
  const reference = after?.reference;
  if (typeof reference !== 'string') return;
  const m = REFERENCE.exec(reference);
  if (!m) return;
  walk.references.set(incidentId, reference);
  const year = Number(m[1]);
  walk.reportedSeq.set(year, Math.max(walk.reportedSeq.get(year) ?? 0, Number(m[2])));
}
