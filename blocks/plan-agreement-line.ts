import { needsPlanAgreement } from '../src/domain/plan-agreement';
import type { CardPart } from './card-budget';
import { mention, slackDate, userText } from './text';
import type { CardModel } from './triage-card';

/** Whether the SIRO has agreed the action plan (seed 003 §4.3), shown with the plan from Medium up. */
export function planAgreementParts(m: CardModel): CardPart[] {
  const i = m.incident;
  if (
    !needsPlanAgreement(i) ||
    !['triaged', 'resolving', 'resolved', 'in_review', 'closed'].includes(i.status)
  )
    return [];
  const agreed = m.reviews.filter((r) => r.type === 'action_plan').at(-1);
  // A record closed before the plan was asked for says nothing about it.
  if (agreed?.decision !== 'approved' && !['triaged', 'resolving', 'resolved'].includes(i.status)) return [];
  const text =
    agreed?.decision === 'approved'
      ? `:handshake: *Action plan agreed* by ${agreed.decidedBy ? mention(agreed.decidedBy) : 'the SIRO'}${agreed.decidedAt ? ` ${slackDate(agreed.decidedAt, m.orgTimeZone)}` : ''}${agreed.comment ? `: ${userText(agreed.comment, 300)}` : ''}`
      : ':memo: *Action plan:* not agreed by the SIRO yet (needed before closure, seed 003 §4.3).';
  return [{ block: { type: 'section', text: { type: 'mrkdwn', text, verbatim: true } } }];
}
