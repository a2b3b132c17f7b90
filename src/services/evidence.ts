import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { actions, type Incident, incidentEvents, notifications, reviews } from '../../db/schema';
import { registerRow } from './export';

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
  const row = registerRow(db, incident.id) ?? {};
  const data = {
    generatedAt: generatedAt.toISOString(),
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
  };
  const md: string[] = [
    `# Evidence pack: ${incident.reference}`,
    '',
    `Generated ${generatedAt.toISOString()}. Times are UTC. The audit trail is append-only and hash-chained: each`,
    "event's hash covers its content and the previous hash (`npm run vigil -- verify` checks the chain).",
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
