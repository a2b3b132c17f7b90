import { eq, sql } from 'drizzle-orm';
import { prepared, preparedByShape, storedValues } from '../../db/prepared';
import { type Incident, incidents } from '../../db/schema';
import { appendEvent } from './audit';
import type { DomainContext } from './context';
import { enqueue, refreshHomes } from './deliveries';
import { reconcileDuties } from './duty-messages';
import { escalateAutomatically } from './escalate';
import { allocateReference, referenceYear } from './numbering';
import { ensureReportObligations, withObligations } from './obligations';
import { isSlackUserId } from './people-ids';
import { combineAffected, notSureAnswers } from './possible-breach';
import type { ReportInput } from './report-input';
import { routeReport } from './routes';
import { suggestSeverity } from './severity-suggestion';
import { type Tx, writeTransaction } from './tx';

export interface ReportMeta {
  reporterId: string;
  source: Incident['source'];
  /** Slack's view id: the same modal submitted twice yields one incident. */
  submissionKey: string | null;
  sourcePermalink?: string | null;
}

type NewIncident = typeof incidents.$inferInsert;

/** One prepared insert per set of answers given: an unanswered one takes its column's default. */
const insertByShape = preparedByShape((db, columns) =>
  db
    .insert(incidents)
    .values(storedValues(incidents, columns as (keyof NewIncident)[]))
    .returning()
    .prepare(),
);

function insertIncident(tx: Tx, values: NewIncident): Incident {
  const given = Object.entries(values).filter(([, v]) => v !== undefined);
  const row = insertByShape(
    tx,
    given.map(([k]) => k),
  ).get(Object.fromEntries(given));
  if (!row) throw new Error('the incident was not stored');
  return row;
}

const bySubmissionKey = prepared((db) =>
  db
    .select()
    .from(incidents)
    .where(eq(incidents.submissionKey, sql.placeholder('key')))
    .prepare(),
);

/**
 * Stores a report with its reference and first audit event, and queues the card and the reporter's
 * receipt, all in one transaction and before any Slack call.
 */
export function submitReport(ctx: DomainContext, input: ReportInput, meta: ReportMeta): Incident {
  const { db, clock, config } = ctx;
  return writeTransaction(db, (tx) => {
    if (meta.submissionKey) {
      const existing = bySubmissionKey(tx).get({ key: meta.submissionKey });
      if (existing) return existing;
    }
    const now = clock.now();
    const { year, seq, reference } = allocateReference(tx, referenceYear(now, config.orgTimeZone));
    // Seed 000 Rep.1–2: to the head, or past them to the deputy or the SIRO (routes.ts).
    const route = routeReport(config, {
      department: input.department,
      reporterId: meta.reporterId,
      concerns: input.concerns,
    });
    const hodId = route.hodId;
    const combined = combineAffected(input.customersAffected, input.staffAffected);
    const affected = combined ?? 'unknown';
    const incident = insertIncident(tx, {
      reference,
      year,
      seq,
      submissionKey: meta.submissionKey,
      source: meta.source,
      sourcePermalink: meta.sourcePermalink ?? null,
      kind: input.kind,
      category: input.category,
      suggestedSeverity: suggestSeverity({
        category: input.category,
        personalData: (input.personalData ?? 'unknown') as Incident['personalData'],
        personalDataCount: input.personalDataCount,
        customersOrStaffAffected: affected,
      }).severity,
      title: input.title,
      description: input.description,
      occurredAt: input.occurredAt,
      discoveredAt: input.discoveredAt,
      awareAt: input.discoveredAt,
      reportedAt: now,
      location: input.location,
      department: input.department,
      reporterId: meta.reporterId,
      hodId,
      dataInvolved: input.dataInvolved,
      peopleInvolved: input.peopleInvolved,
      peopleAware: input.peopleAware,
      customersOrStaffAffected: affected,
      customersAffected: (input.customersAffected ?? 'unknown') as Incident['customersAffected'],
      staffAffected: (input.staffAffected ?? 'unknown') as Incident['staffAffected'],
      personalData: (input.personalData ?? 'unknown') as Incident['personalData'],
      reporterNotSure: notSureAnswers({
        personalData: input.personalData,
        customersOrStaffAffected: combined,
      }),
      personalDataCount: input.personalDataCount,
      personalDataKinds: input.personalDataKinds,
      sensitivity: input.sensitivity,
      protectiveMarking: input.protectiveMarking,
      encrypted: input.encrypted as Incident['encrypted'],
      thirdPartyUse: input.thirdPartyUse,
      assetOwnerId: input.assetOwnerId,
      immediateCause: input.immediateCause,
      lossLocation: input.lossLocation,
      lossDetails: Object.keys(input.lossDetails).length > 0 ? input.lossDetails : null,
      crimeNumber: input.crimeNumber,
      concerns: input.concerns.length > 0 ? input.concerns : null,
      restricted: route.restricted,
      accessIds: route.accessIds.length > 0 ? route.accessIds : null,
      status: 'reported',
      irmId: route.irmId,
      escalatedAt: affected === 'yes' ? now : null,
      createdAt: now,
      updatedAt: now,
    });
    // Who must be told follows from the report at once (seed 003 §5.7–5.9): the regulator for
    // personal data, customers when they are affected, the police marked done by a crime number.
    const obligations = ensureReportObligations(tx, incident, now, config.outsideBodies);
    const trace = withObligations(
      {
        before: {},
        after: {
          reference,
          kind: incident.kind,
          category: incident.category,
          department: incident.department,
          ...(incident.irmId ? { irmId: incident.irmId } : {}),
          ...(incident.restricted
            ? { restricted: true, concerns: incident.concerns, accessIds: incident.accessIds }
            : {}),
        },
      },
      obligations,
    );
    const reported = appendEvent(tx, {
      incidentId: incident.id,
      at: now,
      actorId: meta.reporterId,
      type: 'reported',
      before: Object.keys(trace.before).length > 0 ? trace.before : null,
      after: trace.after,
      summary: `Reported by <@${meta.reporterId}> (${meta.source === 'command' ? '/report-incident' : meta.source})`,
    });
    enqueue(tx, { kind: 'post_card', incidentId: incident.id }, now, `card:${incident.id}`);
    if (incident.customersOrStaffAffected === 'yes')
      escalateAutomatically(tx, incident, now, 'the report says customers or staff may be affected');
    enqueue(
      tx,
      { kind: 'dm', incidentId: incident.id, userId: meta.reporterId, template: 'receipt' },
      now,
      `receipt:${incident.id}`,
    );
    // Seed 003 §3.7: the Information Asset Owner the report names is told of it (a note, no details).
    if (
      incident.assetOwnerId &&
      incident.assetOwnerId !== meta.reporterId &&
      isSlackUserId(incident.assetOwnerId)
    )
      enqueue(
        tx,
        {
          kind: 'dm',
          incidentId: incident.id,
          userId: incident.assetOwnerId,
          template: 'asset_owner',
          eventId: reported.id,
        },
        now,
        `asset-owner:${incident.id}`,
      );
    // Whoever the report gives a step is asked at once: the SIRO to triage it, the head of
    // department (the default IRM, seed 000) to follow it, the notifiers of any outside body.
    const asked = reconcileDuties(tx, config, incident, {
      eventId: reported.id,
      actorId: meta.reporterId,
      at: now,
    });
    refreshHomes(tx, incident, now, asked);
    return incident;
  });
}
