import type { BlockAction, ButtonAction, StaticSelectAction } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import { and, eq } from 'drizzle-orm';
import { CARD_ACTIONS } from '../../../../blocks/card-ids';
import {
  actionModal,
  CARD_MODALS,
  causalAnalysisModal,
  closureModal,
  decisionModal,
  learningReviewModal,
  notificationModal,
  reasonModal,
  resolveModal,
  severityModal,
  triageModal,
  updateModal,
} from '../../../../blocks/card-modals';
import { userText } from '../../../../blocks/text';
import { type Incident, notifications, reviews, type Severity } from '../../../../db/schema';
import { closureGaps } from '../../../domain/closure-gaps';
import type { Capability } from '../../../domain/permissions';
import { latestReview, pendingReview } from '../../../domain/reviews';
import { SEVERITIES, targetResolution } from '../../../domain/triage';
import { clickedIncident, mayOpen, refuse } from '../../card-interaction';
import type { ListenerDeps } from '../../deps';
import type { Listeners } from '../router';

/**
 * The buttons that open a form, on the card and wherever a step is asked for (a DM, the card's
 * thread, a reminder, App Home). Permission is checked before the form opens; the domain checks
 * again on submit. A form shows what its step needs, for people who have no card beside them.
 */
export function registerCardModalOpeners(app: Listeners, deps: ListenerDeps): void {
  const now = () => deps.clock.now();
  const line = (c: Record<string, unknown>, label: string, key: string) =>
    typeof c[key] === 'string' && c[key] ? `*${label}:* ${userText(String(c[key]), 600)}` : '';
  const analysisSummary = (i: Incident) => {
    const c = latestReview(deps.db, i.id, 'causal_analysis')?.content ?? {};
    return (
      [
        line(c, 'Root cause', 'rootCause'),
        line(c, 'Contributing factors', 'contributingFactors'),
        line(c, 'Technical measures', 'technicalMeasures'),
        line(c, 'Administrative measures', 'administrativeMeasures'),
        line(c, 'Cost and resources', 'costAndResources'),
      ]
        .filter(Boolean)
        .join('\n') || 'No analysis is waiting.'
    );
  };
  /** What a peer reviewer checks, for one who has no card beside them. */
  const closureSummary = (i: Incident) => {
    const request = pendingReview(deps.db, i.id, 'peer_review') ?? latestReview(deps.db, i.id, 'peer_review');
    const analysis = latestReview(deps.db, i.id, 'causal_analysis')?.content ?? {};
    const learning = latestReview(deps.db, i.id, 'learning')?.content ?? {};
    return [
      request?.content.noAction === true
        ? `*Closing with no action:* ${userText(String(request.content.justification ?? ''), 600)}`
        : line(request?.content ?? {}, 'Requester’s note', 'justification'),
      i.resolutionNote ? `*How operations were restored:* ${userText(i.resolutionNote, 600)}` : '',
      line(analysis, 'Root cause', 'rootCause'),
      line(learning, 'Recurrence and risk register', 'reasoning'),
      'Is the record complete and the closure justified?',
    ]
      .filter(Boolean)
      .join('\n');
  };
  const approvalSummary = (i: Incident) => {
    const approval = latestReview(deps.db, i.id, 'closure_approval');
    const peerId = Number(approval?.content.peerReviewId);
    const peer = Number.isInteger(peerId)
      ? deps.db.select().from(reviews).where(eq(reviews.id, peerId)).get()
      : undefined;
    return `${closureSummary(i).replace(/\nIs the record.*$/, '')}\n*Peer review:* approved${peer?.decidedBy ? ` by <@${peer.decidedBy}>` : ''}${peer?.comment ? `: ${userText(peer.comment, 600)}` : ''}`;
  };

  const simple: [
    string,
    Capability,
    (i: Incident, value: string | undefined) => ModalView | string | Promise<ModalView>,
  ][] = [
    [CARD_ACTIONS.triage, 'triage', triageModal],
    [CARD_ACTIONS.postUpdate, 'post_update', updateModal],
    // Work may go to a team (seed 003 §5.5): the form offers the workspace's user groups.
    [
      CARD_ACTIONS.addAction,
      'add_action',
      async (i) => actionModal(i, undefined, await deps.userGroups.list()),
    ],
    [CARD_ACTIONS.resolve, 'resolve', (i) => resolveModal(i, now())],
    [
      CARD_ACTIONS.analysis,
      'causal_analysis',
      (i) => causalAnalysisModal(i, latestReview(deps.db, i.id, 'causal_analysis')),
    ],
    [
      CARD_ACTIONS.analysisReview,
      'approve_causal_analysis',
      (i) => decisionModal(CARD_MODALS.analysisReview, i, analysisSummary(i)),
    ],
    [CARD_ACTIONS.learning, 'learning_review', learningReviewModal],
    [
      CARD_ACTIONS.closure,
      'request_closure',
      (i) => {
        // A closure that cannot succeed is answered with what is missing, not with a form.
        const gaps = closureGaps(deps.db, i, false);
        const gapsWithoutAction = i.severity === 'low' ? closureGaps(deps.db, i, true) : gaps;
        if (gaps.length > 0 && gapsWithoutAction.length > 0)
          return `${i.reference} cannot be put forward for closure yet:\n• ${gaps.join('\n• ')}`;
        return closureModal(i);
      },
    ],
    [
      CARD_ACTIONS.peerReview,
      'peer_review',
      (i) => decisionModal(CARD_MODALS.peerReview, i, closureSummary(i)),
    ],
    [
      CARD_ACTIONS.approval,
      'approve_closure',
      (i, value) =>
        decisionModal(
          CARD_MODALS.approval,
          i,
          approvalSummary(i),
          value === 'returned' ? 'returned' : undefined,
        ),
    ],
    [
      CARD_ACTIONS.reopen,
      'reopen',
      (i) => reasonModal(CARD_MODALS.reopen, i, { i: i.id, v: i.version }, 'Why reopen it?'),
    ],
  ];
  for (const [actionId, capability, build] of simple) {
    app.action<BlockAction<ButtonAction>>(actionId, async (args) => {
      await args.ack();
      const clicked = await clickedIncident(deps, args);
      if (!clicked || !(await mayOpen(deps, args.respond, args.body.user.id, clicked.incident, capability)))
        return;
      const view = await build(clicked.incident, args.action.value);
      if (typeof view === 'string') {
        await refuse(
          deps,
          args.respond,
          args.body.user.id,
          view,
          `${capability} not ready on ${clicked.incident.reference}`,
        );
        return;
      }
      await args.client.views.open({ trigger_id: args.body.trigger_id, view });
    });
  }

  app.action<BlockAction<StaticSelectAction>>(CARD_ACTIONS.severity, async (args) => {
    await args.ack();
    const clicked = await clickedIncident(deps, args);
    // Reached from the card's "More…" menu, which has the card drawn again.
    if (!clicked || !(await mayOpen(deps, args.respond, args.body.user.id, clicked.incident, 'triage')))
      return;
    const i = clicked.incident;
    const chosen = SEVERITIES.find((s) => s === args.action.selected_option?.value) ?? null;
    const from = i.triagedAt ?? now();
    const ctx = { db: deps.db, clock: deps.clock, config: deps.config };
    const targets = Object.fromEntries(SEVERITIES.map((s) => [s, targetResolution(ctx, s, from)])) as Record<
      Severity,
      Date
    >;
    await args.client.views.open({
      trigger_id: args.body.trigger_id,
      view: severityModal(i, chosen, targets, deps.config.orgTimeZone),
    });
  });

  app.action<BlockAction<ButtonAction>>(CARD_ACTIONS.recordNotification, async (args) => {
    await args.ack();
    const clicked = await clickedIncident(deps, args);
    if (!clicked) return;
    const notification = deps.db
      .select()
      .from(notifications)
      .where(
        and(
          eq(notifications.id, Number(args.action.value)),
          eq(notifications.incidentId, clicked.incident.id),
        ),
      )
      .get();
    if (notification?.status !== 'pending') {
      await refuse(
        deps,
        args.respond,
        args.body.user.id,
        notification
          ? 'That notification is already recorded.'
          : `That notification is not one of ${clicked.incident.reference}'s.`,
        notification ? 'stale notification' : `foreign notification on ${clicked.incident.reference}`,
      );
      return;
    }
    if (
      !(await mayOpen(deps, args.respond, args.body.user.id, clicked.incident, `notify_${notification.kind}`))
    )
      return;
    await args.client.views.open({
      trigger_id: args.body.trigger_id,
      view: notificationModal(clicked.incident, notification, deps.clock.now()),
    });
  });
}
