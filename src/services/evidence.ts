import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { actions, type Incident, incidentEvents, notifications, reviews } from '../../db/schema';
import { evidenceOf } from '../domain/evidence';
import { registerRow } from './export';
import { type IncidentIntegrity, verifyIncidentTrail } from './verify-incident';

export interface EvidencePack {
  json: string;
  markdown: string;
}

const cell = (v: unknown) =>
  (v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v ?? ''))
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, '<br>');

/**
 * Everything an auditor needs to trace one sampled incident end to end: its register row, the
 * full audit trail with the hash chain, actions, outside notifications and reviews.
 */
export function evidencePack(db: Db, incident: Incident, generatedAt: Date): EvidencePack {
  const events = db
    .select()
    .from(incidentEvents)
    .where(eq(incidentEvents.incidentId, incident.id))
    .orderBy(asc(incidentEvents.id))
    .all();
  const acts = db
    .select()
    .from(actions)
    .where(eq(actions.incidentId, incident.id))
    .orderBy(asc(actions.id))
    .all();
  const notes = db
    .select()
    .from(notifications)
    .where(eq(notifications.incidentId, incident.id))
    .orderBy(asc(notifications.id))
    .all();
  const revs = db
    .select()
    .from(reviews)
    .where(eq(reviews.incidentId, incident.id))
    .orderBy(asc(reviews.id))
    .all();
  const items = evidenceOf(db, incident.id);
  const row = registerRow(db, incident.id) ?? {};
  const integrity = verifyIncidentTrail(db, incident.id, incident.reference);
  const data = {
    generatedAt: generatedAt.toISOString(),
    integrity: {
      ok: integrity.ok,
      checked:
        "this incident's audit events, the append-only triggers, the trail against the newest checkpoint, and its register rows against the state its trail records",
      problems: integrity.problems,
      lastCheckpoint: integrity.lastCheckpoint && {
        ...integrity.lastCheckpoint.checkpoint,
        at: integrity.lastCheckpoint.checkpoint.at.toISOString(),
        sources: integrity.lastCheckpoint.sources,
      },
      eventsAfterLastCheckpoint: integrity.unanchored,
      register: integrity.register,
    },
    incident: row,
    auditTrail: events.map((e) => ({
      id: e.id,
      at: e.at.toISOString(),
      actor: e.actorId,
      type: e.type,
      before: e.before,
      after: e.after,
      summary: e.summary,
      prevHash: e.prevHash,
      hash: e.hash,
    })),
    actions: acts,
    notifications: notes,
    reviews: revs,
    evidence: items.map((e) => ({
      id: e.id,
      kind: e.kind,
      source: e.source,
      addedBy: e.addedBy,
      addedAt: e.addedAt.toISOString(),
      fileId: e.fileId,
      name: e.name,
      mimetype: e.mimetype,
      size: e.size,
      sha256: e.sha256,
      permalink: e.permalink,
      channelId: e.channelId,
      messageTs: e.messageTs,
      note: e.note,
    })),
  };
  const md: string[] = [
    `# Evidence pack: ${incident.reference}`,
    '',
    `Generated ${generatedAt.toISOString()}. Times are UTC. The audit trail is append-only and hash-chained: each`,
    "event's hash is an HMAC-SHA256, with a key kept outside the database, over its content and the previous hash.",
    '',
    '## Integrity',
    '',
    ...integrityLines(integrity),
    '',
    '## Register entry',
    '',
    '| field | value |',
    '| --- | --- |',
    ...Object.entries(row).map(([k, v]) => `| ${k} | ${cell(v)} |`),
    '',
    '## Audit trail',
    '',
    '| # | time | actor | event | summary | hash |',
    '| --- | --- | --- | --- | --- | --- |',
    ...events.map(
      (e) =>
        `| ${e.id} | ${e.at.toISOString()} | ${e.actorId} | ${e.type} | ${cell(e.summary)} | ${e.hash.slice(0, 16)}… |`,
    ),
    '',
    '## Actions',
    '',
    ...(acts.length === 0
      ? ['None.']
      : [
          '| kind | description | owner | due | status | reason |',
          '| --- | --- | --- | --- | --- | --- |',
          ...acts.map(
            (a) =>
              `| ${a.kind} | ${cell(a.description)} | ${a.ownerId} | ${a.dueAt?.toISOString() ?? ''} | ${a.status} | ${cell(a.statusReason)} |`,
          ),
        ]),
    '',
    '## Outside notifications',
    '',
    ...(notes.length === 0
      ? ['None required.']
      : [
          '| to | due | status | by | at | reference | reason |',
          '| --- | --- | --- | --- | --- | --- | --- |',
          ...notes.map(
            (n) =>
              `| ${n.kind} | ${n.dueAt?.toISOString() ?? ''} | ${n.status} | ${n.doneBy ?? ''} | ${n.doneAt?.toISOString() ?? ''} | ${cell(n.externalRef)} | ${cell(n.reason)} |`,
          ),
        ]),
    '',
    '## Evidence',
    '',
    'Slack keeps each file; this register keeps who added it, when, from where, its size and its SHA-256 at',
    'registration. Hash a copy downloaded from Slack and compare. Every export of this pack is in the audit trail.',
    '',
    ...(items.length === 0
      ? ['None registered.']
      : [
          '| # | kind | name | size (bytes) | SHA-256 | source | added by | added at | note |',
          '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
          ...items.map(
            (e) =>
              `| ${e.id} | ${e.kind} | ${cell(e.name)} | ${e.size ?? ''} | ${e.sha256 ?? ''} | ${e.source} | ${e.addedBy} | ${e.addedAt.toISOString()} | ${cell(e.note)} |`,
          ),
        ]),
    '',
    '## Reviews',
    '',
    ...(revs.length === 0
      ? ['None yet.']
      : revs.flatMap((r) => [
          `### ${r.type.replace('_', ' ')} (round ${r.round}): ${r.decision}`,
          '',
          `Submitted by ${r.submittedBy} at ${r.submittedAt.toISOString()}${r.decidedBy ? `; decided by ${r.decidedBy} at ${r.decidedAt?.toISOString()}` : ''}${r.comment ? `: ${r.comment}` : ''}`,
          '',
          ...Object.entries(r.content).map(([k, v]) => `- **${k}**: ${cell(v)}`),
          '',
        ])),
  ];
  return { json: `${JSON.stringify(data, null, 2)}\n`, markdown: `${md.join('\n')}\n` };
}

/** What the check at generation found, and the checkpoint the trail was compared with. */
function integrityLines(i: IncidentIntegrity): string[] {
  const last = i.lastCheckpoint;
  const checkpoint = last
    ? `the newest checkpoint published outside the database: ${last.checkpoint.at.toISOString()}, ${last.checkpoint.events} events through event ${last.checkpoint.lastId}, head \`${last.checkpoint.head}\` (${last.sources.join(', ')}); ${i.unanchored} of this incident's events came after it`
    : 'no checkpoint has been published yet, so the end of the trail is not anchored outside the database';
  const register =
    i.register === 'not recorded'
      ? ' Its register rows could not be compared with the trail: it was last changed before events recorded its state.'
      : i.register === 'matches'
        ? ' Its status, severity, IRM, notifications, actions and reviews in the register are as its trail left them.'
        : '';
  return [
    i.ok
      ? `Checked when this pack was generated: each of its ${i.events} audit events matches its hash under the audit key and links to the event before it, the append-only triggers are in place, and the trail matches ${checkpoint}.${register}`
      : `**Checked when this pack was generated: ${i.problems.length} problem${i.problems.length === 1 ? '' : 's'} found.** Compared with ${checkpoint}.`,
    ...i.problems.map((p) => `- ${p.where}: ${p.what}`),
    '',
    "This checks this incident's events and register rows, the triggers and the newest checkpoint; `npm run vigil -- verify` checks the whole trail and register.",
  ];
}
