import { asc, eq } from 'drizzle-orm';
import { type Evidence, evidence, type Incident } from '../../db/schema';
import { appendEvent } from './audit';
import { applyChange, type RecordResult, type Target } from './change';
import type { DomainContext } from './context';
import { enqueue } from './deliveries';
import { InvalidTransition } from './errors';
import { assertCan } from './permissions';
import type { Actor } from './roles';
import { type Tx, writeTransaction } from './tx';

export const EVIDENCE_NOTE_MAX = 3000;

/** A file as Slack describes it and as Vigil hashed it, at registration (services/evidence-files.ts). */
export interface EvidenceFile {
  fileId: string;
  name: string;
  mimetype: string | null;
  size: number;
  sha256: string;
  permalink: string | null;
}

export interface NewEvidence {
  source: Evidence['source'];
  files: EvidenceFile[];
  note: string | null;
  /** The message the files were shared with, when they came from one. */
  channelId?: string;
  messageTs?: string;
}

/** What an audit event keeps of an evidence item: enough to check the file against its hash later. */
export const evidenceFacts = (e: Evidence) => ({
  id: e.id,
  kind: e.kind,
  source: e.source,
  ...(e.kind === 'file'
    ? { fileId: e.fileId, name: e.name, mimetype: e.mimetype, size: e.size, sha256: e.sha256 }
    : { note: e.note }),
});

/**
 * Writes the items into the register, inside the caller's change; a file this incident already
 * holds is not registered twice. Returns what was registered.
 */
export function insertEvidence(
  tx: Tx,
  incident: Pick<Incident, 'id'>,
  addedBy: string,
  at: Date,
  input: NewEvidence,
): Evidence[] {
  const note = input.note?.trim() || null;
  if (note && note.length > EVIDENCE_NOTE_MAX)
    throw new InvalidTransition(`Please keep the note under ${EVIDENCE_NOTE_MAX} characters.`);
  const where = {
    source: input.source,
    channelId: input.channelId ?? null,
    messageTs: input.messageTs ?? null,
    addedBy,
    addedAt: at,
  };
  const added: Evidence[] = [];
  for (const f of input.files) {
    const row = tx
      .insert(evidence)
      .values({ incidentId: incident.id, kind: 'file', ...f, note, ...where })
      .onConflictDoNothing()
      .returning()
      .get();
    if (row) added.push(row);
  }
  // A note with no file is an item of its own; with files, it is what was said about them.
  if (note && input.files.length === 0)
    added.push(
      tx
        .insert(evidence)
        .values({ incidentId: incident.id, kind: 'note', note, ...where })
        .returning()
        .get(),
    );
  return added;
}

/**
 * Seed 000 Rep.2, ISO 27001 A.5.28: files and notes attached to an incident are registered with
 * who, when, from where, and each file's size and SHA-256, in one audited change.
 */
export function registerEvidence(
  ctx: DomainContext,
  actor: Actor,
  target: Target,
  input: NewEvidence,
): RecordResult {
  return applyChange(ctx, { ...target, version: undefined }, (tx, incident, now) => {
    assertCan(ctx.config, actor, 'add_evidence', incident, 'register evidence');
    if (input.files.length === 0 && !input.note?.trim())
      throw new InvalidTransition('Please attach a file or write a note.');
    const added = insertEvidence(tx, incident, actor.id, now, input);
    if (added.length === 0)
      throw new InvalidTransition(`That is already in ${incident.reference}’s evidence.`);
    return {
      actor,
      type: 'evidence_registered',
      after: { evidence: added.map(evidenceFacts) },
      summary: `Evidence registered: ${added.map((e) => (e.kind === 'file' ? `${e.name} sha256:${e.sha256}` : 'a note')).join(', ')}`,
    };
  });
}

export function evidenceOf(db: Pick<Tx, 'select'>, incidentId: number): Evidence[] {
  return db
    .select()
    .from(evidence)
    .where(eq(evidence.incidentId, incidentId))
    .orderBy(asc(evidence.id))
    .all();
}

/**
 * The chain of custody: every access to or export of an incident's evidence is an audit event
 * (who, when, how, which items), also told in the card's thread. It changes nothing on the record,
 * so it does not make anyone's open form stale.
 */
export function logEvidenceAccess(
  ctx: Pick<DomainContext, 'db' | 'clock'>,
  actorId: string,
  incident: Pick<Incident, 'id'>,
  via: string,
): Evidence[] {
  return writeTransaction(ctx.db, (tx) => {
    const items = evidenceOf(tx, incident.id);
    const at = ctx.clock.now();
    const event = appendEvent(tx, {
      incidentId: incident.id,
      at,
      actorId,
      type: 'evidence_exported',
      after: { via, items: items.length, evidenceIds: items.map((e) => e.id) },
      summary: `Evidence pack exported (${items.length} items) via ${via}`,
    });
    enqueue(tx, { kind: 'thread_line', incidentId: incident.id, eventId: event.id }, at);
    return items;
  });
}
