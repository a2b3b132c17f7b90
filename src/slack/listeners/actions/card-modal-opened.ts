import type { App, BlockAction, ButtonAction } from '@slack/bolt';
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
  triageModal,
  updateModal,
} from '../../../../blocks/card-modals';
import { userText } from '../../../../blocks/text';
import { type Incident, notifications } from '../../../../db/schema';
import { closureGaps } from '../../../domain/closure-gaps';
import type { Capability } from '../../../domain/permissions';
import { latestReview } from '../../../domain/reviews';
import { clickedIncident, mayOpen, refuse } from '../../card-interaction';
import type { ListenerDeps } from '../../deps';

/**
 * The card's buttons that open a form: Triage, Post update, Add action, Record (a notification).
 * Permission is checked before the form opens; the domain checks again on submit.
 */
export function registerCardModalOpeners(app: App, deps: ListenerDeps): void {
  const now = () => deps.clock.now();
  const analysisSummary = (i: Incident) => {
    const pending = latestReview(deps.db, i.id, 'causal_analysis');
    const c = pending?.content ?? {};
    const line = (label: string, key: string) =>
      typeof c[key] === 'string' && c[key] ? `*${label}:* ${userText(String(c[key]), 600)}` : '';
    return (
      [
        line('Root cause', 'rootCause'),
        line('Contributing factors', 'contributingFactors'),
        line('Technical measures', 'technicalMeasures'),
        line('Administrative measures', 'administrativeMeasures'),
        line('Cost and resources', 'costAndResources'),
      ]
        .filter(Boolean)
        .join('\n') || 'No analysis is waiting.'
    );
  };
  const simple: [string, Capability, (i: Incident) => ModalView][] = [
    [CARD_ACTIONS.triage, 'triage', triageModal],
    [CARD_ACTIONS.postUpdate, 'post_update', updateModal],
    [CARD_ACTIONS.addAction, 'add_action', actionModal],
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
    [CARD_ACTIONS.closure, 'request_closure', (i) => closureModal(i, closureGaps(deps.db, i, false))],
    [
      CARD_ACTIONS.peerReview,
      'peer_review',
      (i) =>
        decisionModal(
          CARD_MODALS.peerReview,
          i,
          'Check the card and its thread: is the record complete and the closure justified?',
        ),
    ],
    [
      CARD_ACTIONS.approval,
      'approve_closure',
      (i) =>
        decisionModal(
          CARD_MODALS.approval,
          i,
          'The peer review approved closure. As CIO, approve closing the incident?',
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
      await args.client.views.open({ trigger_id: args.body.trigger_id, view: build(clicked.incident) });
    });
  }

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
