import { and, count, eq, inArray, sql } from 'drizzle-orm';
import { prepared } from '../../db/prepared';
import {
  actions,
  type Incident,
  incidentEvents,
  notifications,
  UNSETTLED_ACTION_STATUSES,
} from '../../db/schema';
import type { Config } from '../config';
import { closureGaps, preventionMissing } from './closure-gaps';
import { isOpen } from './lifecycle';
import { ruleFor } from './permissions';
import { planAgreementDue } from './plan-agreement';
import { insidersOf, restrictDuties } from './restricted';
import { latestReview, pendingReview } from './reviews';
import type { Role } from './roles';
import type { Tx } from './tx';

/**
 * The steps of the procedure a person can owe on an incident. Each is asked for where its owner is
 * (a DM, and for the team's steps a post in the card's thread) and is settled when it no longer
 * stands: done, handed to someone else, or made moot by the incident moving on.
 */
export type DutyKind =
  /** The SIRO decides: incident or not, severity, priority (seed 003 §4.3). */
  | 'triage'
  /** The IRM, before triage: told they follow it (seed 000 Rep.2). */
  | 'follow'
  /** The IRM until operations are restored (seed 000 Rep.3). */
  | 'resolve'
  /** The head of department's causal analysis and preventive plan (seed 000 Rep.4.1). */
  | 'analysis'
  /** The IRM approves the analysis or sends it back (seed 000 Rep.4.2). */
  | 'analysis_review'
  /** Recurrence risk and the risk register (seed 003 §5.10). */
  | 'learning'
  /** Everything is in place: the IRM puts it forward for closure (seed 003 §5.11). */
  | 'closure_request'
  /** A second person checks the closure (seed 003 §5.11 "peer review"). */
  | 'peer_review'
  /** The CIO approves closure (seed 003 §5.11). */
  | 'closure_approval'
  /** An action's owner does it; a proposed "won't do" waits on the IRM or SIRO. */
  | 'action'
  /** An outside body must be told by its deadline (seed 003 §5.7–5.9). */
  | 'notify'
  /** The SIRO and Managing Director are told (seed 003 §5.6). */
  | 'escalation'
  /** The SIRO agrees the resolution action plan (seed 003 §4.3), from Medium severity up. */
  | 'plan'
  /** The review found a real risk of recurrence: the IRM adds a preventive action (seed 003 §5.10). */
  | 'prevention'
  /**
   * A restricted record's step that nobody who may see it can take: the SIRO adds someone who can.
   * Its state names the step (a DutyKind).
   */
  | 'access';

export interface Duty {
  /** Unique per incident and step, e.g. `peer_review:12`, `action:40`, `notify:7`. */
  key: string;
  kind: DutyKind;
  incidentId: number;
  /** Who owes it now, each asked by DM. */
  owners: string[];
  /** Also asked in the card's thread, where the security team works. */
  inThread: boolean;
  /** How it stands where that changes what its message offers (the incident's or the action's state). */
  state: string;
  actionId?: number;
  notificationId?: number;
}

/** The people holding organisation roles among `roles` (the security team and HODs are not a list). */
export function roleHolders(config: Config, roles: readonly Role[]): string[] {
  const ids = roles.flatMap((r) =>
    r === 'siro' || r === 'cio' || r === 'md' || r === 'iao' ? config.roles[r] : [],
  );
  return [...new Set(ids)];
}

const unique = (ids: (string | null | undefined)[]): string[] => [
  ...new Set(ids.filter((id): id is string => Boolean(id))),
];

/** Who decides a proposed "won't do": the IRM, or the SIROs when the IRM proposed it of their own action. */
export function notDoingDeciders(
  config: Config,
  irmId: string | null,
  ownerId: string,
  members: readonly string[] = [],
): string[] {
  const owns = (id: string) => id === ownerId || members.includes(id);
  return irmId && !owns(irmId) ? [irmId] : config.roles.siro.filter((id) => !owns(id));
}

/** Everything owed on the incident now, by whom (empty once its record is closed). */
const unsettledActions = prepared((db) =>
  db
    .select({
      id: actions.id,
      ownerId: actions.ownerId,
      ownerMembers: actions.ownerMembers,
      status: actions.status,
    })
    .from(actions)
    .where(
      and(
        eq(actions.incidentId, sql.placeholder('incidentId')),
        inArray(actions.status, UNSETTLED_ACTION_STATUSES),
      ),
    )
    .prepare(),
);

const pendingNotifications = prepared((db) =>
  db
    .select({ id: notifications.id, kind: notifications.kind })
    .from(notifications)
    .where(
      and(eq(notifications.incidentId, sql.placeholder('incidentId')), eq(notifications.status, 'pending')),
    )
    .prepare(),
);

const escalationCount = prepared((db) =>
  db
    .select({ n: count() })
    .from(incidentEvents)
    .where(
      and(eq(incidentEvents.incidentId, sql.placeholder('incidentId')), eq(incidentEvents.type, 'escalated')),
    )
    .prepare(),
);

export function dutiesOf(tx: Tx, config: Config, incident: Incident): Duty[] {
  if (!isOpen(incident.status)) return [];
  const i = incident;
  const sirOs = config.roles.siro;
  const duties: Duty[] = [];
  const add = (kind: DutyKind, owners: string[], inThread: boolean, extra: Partial<Duty> = {}) =>
    duties.push({
      key: `${kind}:${i.id}`,
      kind,
      incidentId: i.id,
      owners: unique(owners),
      inThread,
      state: i.status,
      ...extra,
    });
  const follower = i.irmId ?? i.hodId;

  if (i.status === 'reported') {
    add('triage', roleHolders(config, config.triageRoles), false);
    if (i.irmId) add('follow', [i.irmId], false);
  }
  if (i.status === 'triaged' || i.status === 'resolving')
    add('resolve', follower ? [follower] : sirOs, false);

  if (i.status === 'resolved') {
    const analysis = latestReview(tx, i.id, 'causal_analysis');
    if (analysis?.decision === 'pending') {
      const approver = i.irmId && i.irmId !== analysis.submittedBy ? [i.irmId] : sirOs;
      add(
        'analysis_review',
        approver.filter((id) => id !== analysis.submittedBy),
        true,
        { state: `round:${analysis.round}` },
      );
    } else if (analysis?.decision !== 'approved' && !i.closureJustification) {
      const returnedTo = analysis?.decision === 'returned' ? analysis.submittedBy : null;
      add('analysis', unique([i.hodId ?? i.irmId, returnedTo]), true, {
        state: `round:${(analysis?.round ?? 0) + 1}`,
      });
    }
    if (latestReview(tx, i.id, 'learning')?.decision !== 'approved') add('learning', sirOs, true);
    else if (!i.closureJustification && preventionMissing(tx, i))
      add('prevention', follower ? [follower] : sirOs, true);
    if (closureGaps(tx, i, i.closureJustification !== null).length === 0) {
      // Sent back from review: whoever asked hears it too, and may ask again.
      const lastAsked = latestReview(tx, i.id, 'peer_review');
      const requester = lastAsked && lastAsked.decision !== 'pending' ? lastAsked.submittedBy : null;
      add('closure_request', unique([i.irmId ?? sirOs[0], requester]), true);
    }
  }

  if (planAgreementDue(tx, i)) add('plan', sirOs, true);

  if (i.status === 'in_review') {
    const peer = pendingReview(tx, i.id, 'peer_review');
    if (peer) {
      const named = typeof peer.content.reviewerId === 'string' ? peer.content.reviewerId : null;
      // A restricted record has no thread for the team: its insiders are asked instead.
      const team = i.restricted ? insidersOf(config, i) : [];
      add(
        'peer_review',
        named && named !== peer.submittedBy ? [named] : team.filter((id) => id !== peer.submittedBy),
        true,
      );
    }
    const approval = pendingReview(tx, i.id, 'closure_approval');
    if (approval) {
      const others = config.roles.cio.filter((id) => id !== approval.submittedBy);
      // The only CIO did the peer review (before that was refused): they can still send it back.
      if (others.length === 0 && config.roles.cio.includes(approval.submittedBy))
        add('closure_approval', [approval.submittedBy], true, { state: 'send_back_only' });
      else add('closure_approval', others, true);
    }
  }

  for (const a of unsettledActions(tx).all({ incidentId: i.id }))
    duties.push({
      key: `action:${a.id}`,
      kind: 'action',
      incidentId: i.id,
      // A team's action (seed 003 §5.5) is asked of each of its members.
      owners:
        a.status === 'open'
          ? (a.ownerMembers ?? [a.ownerId])
          : notDoingDeciders(config, i.irmId, a.ownerId, a.ownerMembers ?? []),
      inThread: true,
      state: a.status,
      actionId: a.id,
    });

  for (const n of pendingNotifications(tx).all({ incidentId: i.id })) {
    const rule = ruleFor(config, `notify_${n.kind}`);
    duties.push({
      key: `notify:${n.id}`,
      kind: 'notify',
      incidentId: i.id,
      owners: unique([...roleHolders(config, rule.roles), rule.irm ? i.irmId : null]),
      inThread: false,
      state: 'pending',
      notificationId: n.id,
    });
  }

  // Each escalation is news of its own: a second one tells again, and the first is answered.
  if (i.escalatedAt) {
    const escalations = escalationCount(tx).get({ incidentId: i.id })?.n ?? 0;
    duties.push({
      key: `escalation:${i.id}:${escalations}`,
      kind: 'escalation',
      incidentId: i.id,
      owners: unique([...sirOs, ...config.roles.md]),
      inThread: false,
      state: 'open',
    });
  }
  return i.restricted ? restrictDuties(duties, config, i) : duties;
}
