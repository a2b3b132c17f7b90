import type { KnownBlock } from '@slack/types';
import type { Action, Incident, Notification, Review } from '../db/schema';
import { dueDayEnd } from '../src/dates';
import type { DutyKind } from '../src/domain/duties';
import { notificationLabel, notificationNoun } from '../src/domain/outside-bodies';
import { ownsAction } from '../src/domain/permissions';
import { RESTRICTED_TITLE } from '../src/domain/restricted';
import { type Audience, dutyActionsBlock } from './duty-controls';
import { type EventFacts, settledLine } from './event-words';
import { categoryLabel, SEVERITY_LABELS } from './labels';
import type { SlackMessage } from './reporter-receipt';
import { dueIn, md, mention, ownerName, slackDate, userText } from './text';

/** One step asked of someone, with what they need to take it; built by services/duty-model.ts. */
export interface DutyView {
  kind: DutyKind;
  state: string;
  /** The person asked (a DM), or null for the team in the card's thread. */
  recipient: string | null;
  incident: Incident;
  orgTimeZone: string;
  now: Date;
  /** The card, for readers who can open the security channel. */
  cardUrl: string | null;
  action?: Action;
  notification?: Notification;
  /** analysis: the round sent back (with its comment); analysis_review: the round waiting. */
  analysis?: Review;
  /** peer_review: the closure request; closure_approval: the request and the peer review. */
  closureRequest?: Review;
  peerReview?: Review;
  /** closure_request: the last request, when it was sent back. */
  sentBack?: Review;
  /** What set this step off, where it says more than the state (a reopening, an escalation). */
  cause?: EventFacts;
  /** Set once the step no longer stands: the event that settled it. */
  settled?: EventFacts;
}

/** Which incident: its reference and title; a restricted record's title is not shown (insiders look it up). */
const ref = (i: Incident) =>
  i.restricted
    ? `*${i.reference}* (${RESTRICTED_TITLE.toLowerCase()}: \`/incident ${i.reference}\` shows it to those who may see it)`
    : `*${i.reference} · ${userText(i.title, 150)}*`;

/** What each step is, for the SIRO asked to add someone who can take it on a restricted record. */
const STEP_WORDS: Partial<Record<DutyKind, string>> = {
  triage: 'triage it',
  resolve: 'resolve it',
  analysis: 'write the causal analysis',
  analysis_review: 'review the causal analysis',
  learning: 'record the learning review',
  closure_request: 'put it forward for closure',
  peer_review: 'peer-review its closure',
  closure_approval: 'approve its closure (a CIO)',
  notify: 'record a notification to an outside body',
  plan: 'agree its action plan',
  prevention: 'add a preventive action',
  action: 'decide on a proposal not to do an action',
};

/** What a person outside the channel needs to place it (PRODUCT.md Privacy: never the description). */
function facts(v: DutyView): string {
  const i = v.incident;
  const parts = [
    `*Category:* ${i.restricted ? RESTRICTED_TITLE : categoryLabel(i.category)}`,
    `*Severity:* ${i.severity ? SEVERITY_LABELS[i.severity] : i.suggestedSeverity ? `not set yet (suggested ${SEVERITY_LABELS[i.suggestedSeverity]})` : 'not set yet'}`,
  ];
  if (i.targetResolutionAt && (i.status === 'triaged' || i.status === 'resolving'))
    parts.push(
      `*Target resolution:* ${slackDate(i.targetResolutionAt, v.orgTimeZone)} (${dueIn(i.targetResolutionAt, v.now)})`,
    );
  return parts.join(' · ');
}

const by = (id: string | null | undefined, reader: string | null) =>
  !id ? 'someone' : id === reader ? 'you' : mention(id);

const comment = (text: string | null | undefined) => (text ? `\n>${userText(text, 600)}` : '');

/** The sentence that asks: what is owed, by whom, and why now. */
function ask(v: DutyView): string {
  const i = v.incident;
  const you = v.recipient !== null;
  const owner = (role: string) => (you ? `As ${role}, please` : `The ${role} is asked to`);
  switch (v.kind) {
    case 'triage':
      return `:inbox_tray: New report ${ref(i)}, by ${mention(i.reporterId)} (${userText(i.department, 100)}). ${you ? 'Please triage it' : 'It needs triage'}: incident or not, severity and priority.`;
    case 'follow':
      return `:clipboard: You are the *Incident Response Manager* for ${ref(i)}: please follow it until operations are back to normal and permanent fixes are in place. The SIRO triages it first; you will be told when it is yours to resolve.`;
    case 'resolve': {
      const reopened =
        v.cause?.type === 'reopened'
          ? ` It was reopened by ${by(v.cause.actorId, v.recipient)}:${comment(String(v.cause.after?.reason ?? ''))}\n`
          : ' ';
      return `:hammer_and_wrench: ${ref(i)} is ${i.status === 'resolving' ? 'being resolved' : 'triaged'}.${reopened}${owner('Incident Response Manager')} get operations back to normal, then mark it resolved.`;
    }
    case 'analysis': {
      const back =
        v.analysis?.decision === 'returned'
          ? ` Round ${v.analysis.round} was sent back by ${by(v.analysis.decidedBy, v.recipient)}:${comment(v.analysis.comment)}\n`
          : ' ';
      return `:mag: Operations on ${ref(i)} are restored.${back}${owner('head of department')} write the *causal analysis*: the root cause, permanent preventive measures, and their cost and resources (seed 000 §4.1).`;
    }
    case 'analysis_review':
      return `:memo: ${by(v.analysis?.submittedBy, v.recipient)} submitted the causal analysis${v.analysis && v.analysis.round > 1 ? ` (round ${v.analysis.round})` : ''} for ${ref(i)}. ${owner('Incident Response Manager')} approve it or send it back with a comment.`;
    case 'learning':
      return `:books: ${ref(i)} is restored. ${you ? 'Please record' : 'The SIRO or the team records'} the *learning review*: could it happen again, which vulnerabilities were assessed, and the risk register.`;
    case 'closure_request': {
      const back = v.sentBack
        ? `Closure was sent back by ${by(v.sentBack.decidedBy, v.recipient)}:${comment(v.sentBack.comment)}\n`
        : '';
      return `:white_check_mark: ${back}Everything is in place for ${ref(i)}: the analysis approved, the review done, every action settled. ${you ? 'Please put it forward' : 'It can be put forward'} for closure.`;
    }
    case 'peer_review': {
      const r = v.closureRequest;
      const noAction =
        r?.content.noAction === true
          ? ` with *no action*:${comment(String(r.content.justification ?? ''))}\n`
          : '. ';
      return `:eyes: ${by(r?.submittedBy, v.recipient)} put ${ref(i)} forward for closure${noAction}${you ? 'You are asked for the *peer review*' : 'Someone other than the requester does the *peer review*'}: is the record complete and the closure justified?`;
    }
    case 'closure_approval': {
      const p = v.peerReview;
      const passed = `:lock: ${ref(i)} passed its peer review by ${by(p?.decidedBy ?? p?.submittedBy, v.recipient)}${p?.comment ? `:${comment(p.comment)}\n` : '. '}`;
      if (v.state === 'send_back_only')
        return `${passed}Closure needs a CIO who did not do the peer review, and ${you ? 'you are' : 'they are'} the only CIO: ${you ? 'please send it back' : 'it can only be sent back'}, so that it is put forward again for a peer review by someone else.`;
      return `${passed}${you ? 'As CIO, please approve closing it, or send it back' : 'A CIO who did not do the peer review approves closure'}.`;
    }
    case 'plan':
      return `:memo: ${ref(i)} has a resolution action plan to agree. ${you ? 'As SIRO, please agree it' : 'The SIRO is asked to agree it'} (seed 003 §4.3): closure waits for it from Medium severity up.`;
    case 'prevention':
      return `:shield: The review of ${ref(i)} found a real risk of recurrence. ${owner('Incident Response Manager')} add at least one *preventive* action: closure needs one done (seed 003 §5.10–5.11).`;
    case 'access': {
      const step = STEP_WORDS[v.state as DutyKind] ?? 'take its next step';
      return `:lock: ${ref(i)} is restricted, and nobody who may see it can ${step}. ${you ? 'Please add' : 'The SIRO is asked to add'} someone who can, or take it ${you ? 'yourself' : 'themselves'} if ${you ? 'you' : 'they'} may.`;
    }
    case 'notify': {
      const n = v.notification;
      if (!n) return ref(i);
      const label = notificationNoun(n);
      const due = n.dueAt ? ` by ${slackDate(n.dueAt, v.orgTimeZone)} (${dueIn(n.dueAt, v.now)})` : '';
      return `:hourglass_flowing_sand: ${ref(i)}: the *${label}* must be told${due}. ${you ? 'Please record' : 'Record'} it once done, or why it is not needed.`;
    }
    case 'escalation': {
      const why =
        v.cause?.actorId === 'vigil'
          ? 'Vigil escalated it at once: the report or the triage says customers or staff may be affected (seed 003 §5.6).'
          : `${by(v.cause?.actorId, v.recipient)} escalated it.`;
      return `:rotating_light: ${ref(i)} is escalated to the SIRO and the Managing Director. ${why}`;
    }
    case 'action':
      return actionText(v);
  }
}

function actionText(v: DutyView): string {
  const a = v.action;
  if (!a) return ref(v.incident);
  const due = a.dueAt ? `, due ${slackDate(dueDayEnd(a.dueAt), v.orgTimeZone, '{date_short}')}` : '';
  const what = `\n>${userText(a.description, 1000)}`;
  if (a.status === 'not_doing_proposed')
    return `:grey_question: ${a.ownerMembers ? ownerName(a) : by(a.ownerId, v.recipient)} propose${a.ownerId === v.recipient ? '' : 's'} *not doing* a ${a.kind} action on ${ref(v.incident)}:${what}\n*Why:* ${userText(a.statusReason ?? '', 500)}\n${v.recipient !== null && ownsAction(a, v.recipient) ? 'The IRM or SIRO decides.' : 'Accept it, or keep it open (its owner is told).'}`;
  const mine = v.recipient !== null && ownsAction(a, v.recipient);
  const refused =
    mine && v.cause?.type === 'action_kept_open'
      ? `\nYour proposal not to do it was *not accepted* by ${by(v.cause.actorId, v.recipient)}: it is still yours.`
      : '';
  const owner = mine
    ? a.ownerMembers
      ? `Your team (${ownerName(a).replace(/^the team /, '')}) owns`
      : 'You own'
    : `${ownerName(a)} owns`;
  const team = mine && a.ownerMembers ? '\nAny member of the team may settle it.' : '';
  return `:black_square_button: ${owner} a *${a.kind}* action on ${ref(v.incident)}${due} (open):${what}${refused}${team}`;
}

/**
 * A message that asks for one step: to its owner by DM, or to the team in the card's thread. Once
 * settled it says by whom and when, and its buttons are gone; a link to the card for those who
 * can open it (never to anyone outside the security channel).
 */
export function dutyMessage(v: DutyView): SlackMessage {
  const audience: Audience = v.recipient === null ? 'team' : 'owner';
  const blocks: KnownBlock[] = [
    { type: 'section', text: md(ask(v)) },
    ...(v.recipient !== null ? [{ type: 'context' as const, elements: [md(facts(v))] }] : []),
  ];
  if (v.settled)
    blocks.push({ type: 'context', elements: [md(settledLine(v.settled, v.recipient, v.orgTimeZone))] });
  else blocks.push(...dutyActionsBlock(v, audience, v.action ? `a${v.action.id}` : v.kind));
  if (v.cardUrl)
    blocks.push({ type: 'context', elements: [md(`<${encodeURI(v.cardUrl)}|Open the incident card>`)] });
  const what = v.settled ? 'Done' : 'Waiting on you';
  return { text: `${v.incident.reference}: ${what}: ${plainAsk(v)}`, blocks };
}

/** The notification text: short, no markup (it shows on a phone's lock screen). */
function plainAsk(v: DutyView): string {
  const words: Record<DutyKind, string> = {
    triage: 'a new report to triage',
    follow: 'you are its Incident Response Manager',
    resolve: 'restore operations, then mark it resolved',
    analysis: 'the causal analysis is due',
    analysis_review: 'a causal analysis to approve or send back',
    learning: 'the learning review is due',
    closure_request: 'ready to put forward for closure',
    peer_review: 'a peer review of closure',
    closure_approval: 'closure to approve',
    notify: v.notification ? `the ${notificationLabel(v.notification)} must be told` : 'a notification',
    escalation: 'escalated to the SIRO and Managing Director',
    action: v.action?.status === 'not_doing_proposed' ? 'a proposal not to do an action' : 'an action',
    plan: 'the action plan to agree',
    prevention: 'a preventive action is needed',
    access: 'restricted: someone must be added to take a step',
  };
  return words[v.kind];
}
