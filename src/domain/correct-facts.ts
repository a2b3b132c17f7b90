import { and, eq, inArray, like } from 'drizzle-orm';
import { z } from 'zod';
import { userText } from '../../blocks/text';
import { type Incident, notifications } from '../../db/schema';
import { isNetworkCategory, suggestedSeverityFor } from './categories';
import { applyChange, diff, type RecordResult, type Target } from './change';
import type { DomainContext } from './context';
import type { Delivery } from './deliveries';
import { InvalidTransition } from './errors';
import { escalateAutomatically } from './escalate';
import { isOpen } from './lifecycle';
import {
  ensureReportObligations,
  type ObligationTrace,
  reopenObligations,
  requiredNotifications,
  withObligations,
} from './obligations';
import { type OutsideBody, traceKey } from './outside-bodies';
import { isSlackUserId } from './people-ids';
import type { NotificationKind } from './permissions';
import { assertCan } from './permissions';
import { combineAffected } from './possible-breach';
import type { ReportInput } from './report-input';
import type { Actor } from './roles';
import { routeReport } from './routes';
import type { Tx } from './tx';

/**
 * The report's facts the security team may correct (seed 003 §3.6: establish the facts, then
 * complete them). The loss location and its follow-ups, and whom the report concerns, stay as
 * the reporter gave them: the first drives a form of its own, the second the report's route.
 */
export const CORRECTABLE_FACTS = [
  'kind',
  'category',
  'title',
  'description',
  'discoveredAt',
  'occurredAt',
  'department',
  'location',
  'dataInvolved',
  'peopleInvolved',
  'peopleAware',
  'customersAffected',
  'staffAffected',
  'personalData',
  'personalDataCount',
  'personalDataKinds',
  'sensitivity',
  'protectiveMarking',
  'encrypted',
  'thirdPartyUse',
  'assetOwnerId',
  'immediateCause',
  'crimeNumber',
] as const satisfies readonly (keyof ReportInput & keyof Incident)[];

export type CorrectableFact = (typeof CORRECTABLE_FACTS)[number];
export type FactCorrections = Pick<ReportInput, CorrectableFact>;

export const correctionReasonSchema = z.object({
  reason: z
    .string({ error: 'Please say why the facts are corrected (what you learnt, and from whom).' })
    .trim()
    .min(1, 'Please say why the facts are corrected (what you learnt, and from whom).')
    .max(2000, 'Please keep this under 2000 characters.'),
});

const DISMISSED: Incident['status'][] = ['not_incident', 'duplicate'];
const iso = (d: Date | null) => d?.toISOString() ?? null;

/**
 * The outside bodies a corrected fact no longer calls for: an obligation nobody has acted on yet is
 * withdrawn as not required, with the correction's reason (GDPR Art. 33(5) keeps the reasoning).
 * Only a fact that became "no" withdraws: "not sure" is still a possible breach (seed 003 §5.7).
 */
function withdrawObligations(
  tx: Tx,
  incident: Incident,
  corrected: Incident,
  by: string,
  at: Date,
  reason: string,
): ObligationTrace {
  const kinds: NotificationKind[] = [];
  if (incident.personalData !== 'no' && corrected.personalData === 'no') kinds.push('regulator');
  if (incident.customersAffected !== 'no' && corrected.customersAffected === 'no') kinds.push('customers');
  if (isNetworkCategory(incident.category) && !isNetworkCategory(corrected.category)) kinds.push('cert');
  const trace: ObligationTrace = { before: {}, after: {} };
  if (kinds.length === 0) return trace;
  const pending = and(
    eq(notifications.incidentId, incident.id),
    eq(notifications.status, 'pending'),
    inArray(notifications.kind, kinds),
  );
  const rows = tx.select().from(notifications).where(pending).all();
  const why = `${WITHDRAWN}${reason}`;
  tx.update(notifications)
    .set({ status: 'not_required', reason: why, doneBy: by, doneAt: at })
    .where(pending)
    .run();
  for (const n of rows) {
    trace.before[traceKey(n)] = { status: 'pending', dueAt: iso(n.dueAt) };
    trace.after[traceKey(n)] = { status: 'not_required', reason: why };
  }
  return trace;
}

/** The prefix of the reason an obligation withdrawn by a correction keeps: a later correction may bring it back. */
const WITHDRAWN = 'Facts corrected: ';

/**
 * An obligation an earlier correction withdrew is owed again when the corrected facts call for it
 * once more, with its deadline from awareness; one recorded as not required by whoever notifies
 * stays as they recorded it.
 */
function reinstateObligations(tx: Tx, corrected: Incident, bodies: readonly OutsideBody[]): ObligationTrace {
  const owed = requiredNotifications(bodies, corrected, {
    personalData: corrected.personalData === 'yes',
    criminal: false,
    customersAffected: corrected.customersAffected === 'yes',
  });
  if (owed.length === 0) return { before: {}, after: {} };
  const rows = tx
    .select()
    .from(notifications)
    .where(
      and(
        eq(notifications.incidentId, corrected.id),
        eq(notifications.status, 'not_required'),
        inArray(
          notifications.kind,
          owed.map((o) => o.kind),
        ),
        like(notifications.reason, `${WITHDRAWN}%`),
      ),
    )
    .all()
    .filter((n) => owed.some((o) => o.kind === n.kind && o.stage === n.stage));
  return reopenObligations(tx, rows, bodies, corrected.awareAt);
}

/**
 * Seed 003 §3.6: the security team corrects the report's facts as they are established, with the
 * reason. The event keeps each field before and after; what follows from the facts follows them:
 * the suggested severity, the head of department, the awareness clock when it ran from the
 * discovery, the outside bodies owed (opened with their deadlines, or withdrawn) and so the
 * statistics, which read the record.
 */
export function correctFacts(
  ctx: DomainContext,
  actor: Actor,
  target: Target,
  corrections: FactCorrections,
  reasonText: string,
): RecordResult {
  return applyChange(ctx, target, (tx, incident, now) => {
    assertCan(ctx.config, actor, 'correct_facts', incident, "correct the report's facts");
    const reason = reasonText.trim();
    if (!reason) throw new InvalidTransition('Please say why the facts are corrected.');
    const facts: Partial<Incident> = {};
    for (const k of CORRECTABLE_FACTS) (facts as Record<string, unknown>)[k] = corrections[k] ?? null;
    facts.customersAffected = (corrections.customersAffected ?? 'unknown') as Incident['customersAffected'];
    facts.staffAffected = (corrections.staffAffected ?? 'unknown') as Incident['staffAffected'];
    facts.customersOrStaffAffected =
      combineAffected(facts.customersAffected, facts.staffAffected) ?? 'unknown';
    facts.personalData = (corrections.personalData ?? 'unknown') as Incident['personalData'];
    const changed = diff(incident, facts);
    if (Object.keys(changed.after).length === 0)
      throw new InvalidTransition('Nothing was changed: correct at least one fact, or cancel.');
    const patch = Object.fromEntries(
      Object.keys(changed.after).map((k) => [k, facts[k as keyof Incident]]),
    ) as Partial<Incident>;
    if (patch.category !== undefined) patch.suggestedSeverity = suggestedSeverityFor(patch.category);
    if (patch.department !== undefined)
      patch.hodId = routeReport(ctx.config, {
        department: patch.department,
        reporterId: incident.reporterId,
        concerns: incident.concerns ?? [],
      }).hodId;
    // Awareness ran from the discovery the reporter gave: a corrected discovery moves it (and the clocks).
    if (patch.discoveredAt && incident.awareAt.getTime() === incident.discoveredAt.getTime())
      patch.awareAt = patch.discoveredAt;
    const corrected: Incident = { ...incident, ...patch };
    const withdrawn = withdrawObligations(tx, incident, corrected, actor.id, now, reason);
    // A record closed at triage owes nobody anything until it is triaged again (retriage.ts).
    const dismissed = DISMISSED.includes(incident.status);
    const reinstated = dismissed
      ? { before: {}, after: {} }
      : reinstateObligations(tx, corrected, ctx.config.outsideBodies);
    const opened = dismissed
      ? { before: {}, after: {} }
      : ensureReportObligations(tx, corrected, now, ctx.config.outsideBodies);
    // Seed 003: customers or staff affected → the SIRO and the Managing Director are told at once,
    // whether the report said so or a correction found it.
    const escalate =
      isOpen(incident.status) &&
      incident.escalatedAt === null &&
      corrected.customersOrStaffAffected === 'yes';
    if (escalate) patch.escalatedAt = now;
    const derived = diff(incident, patch);
    const trace = withObligations(
      { before: derived.before, after: { ...derived.after, reason } },
      {
        before: { ...withdrawn.before, ...reinstated.before, ...opened.before },
        after: { ...withdrawn.after, ...reinstated.after, ...opened.after },
      },
    );
    // Seed 003 §3.7: an Information Asset Owner the corrected report names is told of it, as at the report.
    const owner = patch.assetOwnerId;
    const deliveries: Delivery[] =
      owner && owner !== incident.reporterId && isSlackUserId(owner)
        ? [{ kind: 'dm', incidentId: incident.id, userId: owner, template: 'asset_owner' }]
        : [];
    return {
      actor,
      deliveries,
      type: 'facts_corrected',
      patch,
      ...trace,
      summary: `Facts corrected (${Object.keys(changed.after).join(', ')}): ${userText(reason, 500)}`,
      ...(escalate
        ? {
            followUp: (after: Tx, updated: Incident) =>
              escalateAutomatically(
                after,
                updated,
                now,
                'corrected facts say customers or staff are affected',
              ),
          }
        : {}),
    };
  });
}
