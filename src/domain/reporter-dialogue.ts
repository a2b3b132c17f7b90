import { and, eq, sql } from 'drizzle-orm';
import { userText } from '../../blocks/text';
import { incidentEvents } from '../../db/schema';
import { applyChange, type RecordResult, type Target } from './change';
import type { DomainContext } from './context';
import type { Delivery } from './deliveries';
import { Forbidden, InvalidTransition } from './errors';
import { type EvidenceFile, evidenceFacts, insertEvidence } from './evidence';
import { isSlackUserId } from './people-ids';
import { assertCan } from './permissions';
import type { Actor } from './roles';
import type { Tx } from './tx';

export const QUESTION_MAX = 2000;
export const ANSWER_MAX = 3000;

/** Said to anyone who is not the reporter, whatever they tried: it reveals nothing about the report. */
export const ANSWERED =
  'You have answered this question already, thank you. To add more, use Add information.';

export const NOT_YOURS = 'There is nothing for you to answer or add to there.';

/**
 * Seed 003 §4.1: the team asks the reporter for further information. The reporter is asked by DM,
 * with a button to answer; the question is on the record and in the card's thread.
 */
export function askReporter(ctx: DomainContext, actor: Actor, target: Target, text: string): RecordResult {
  return applyChange(ctx, { ...target, version: undefined }, (_tx, incident) => {
    assertCan(ctx.config, actor, 'ask_reporter', incident, 'ask the reporter');
    const question = text.trim();
    if (!question) throw new InvalidTransition('Please write your question.');
    if (question.length > QUESTION_MAX)
      throw new InvalidTransition(`Please keep the question under ${QUESTION_MAX} characters.`);
    if (incident.reporterId === actor.id)
      throw new InvalidTransition('You reported it yourself: add the information instead.');
    return {
      actor,
      type: 'reporter_asked',
      after: { question },
      summary: `Question to the reporter: ${userText(question, 500)}`,
      deliveries: [
        { kind: 'dm', incidentId: incident.id, userId: incident.reporterId, template: 'reporter_question' },
      ],
    };
  });
}

/** Whether the reporter has answered this question (once per question; more goes through "Add information"). */
export function isAnswered(db: Pick<Tx, 'select'>, incidentId: number, questionEventId: number): boolean {
  return (
    db
      .select({ id: incidentEvents.id })
      .from(incidentEvents)
      .where(
        and(
          eq(incidentEvents.incidentId, incidentId),
          eq(incidentEvents.type, 'reporter_answered'),
          sql`json_extract(${incidentEvents.after}, '$.questionEventId') = ${questionEventId}`,
        ),
      )
      .get() !== undefined
  );
}

/** The reporter's own contribution: an answer, or information added, with any files (hashed already). */
export interface ReporterContribution {
  text: string | null;
  files: EvidenceFile[];
}

function assertReporter(actor: Actor, incident: { reporterId: string }): void {
  // The same words whatever the reason: not the reporter, or no such report.
  if (incident.reporterId !== actor.id) throw new Forbidden(NOT_YOURS);
}

/**
 * The reporter answers a question the team asked (seed 003 §4.1): the answer and its files go on
 * the record (files in the evidence register), in the card's thread, and whoever asked is told.
 * Only the reporter, once per question (more can be added at any time).
 */
export function answerQuestion(
  ctx: DomainContext,
  actor: Actor,
  target: Target,
  questionEventId: number,
  answer: ReporterContribution,
): RecordResult {
  return applyChange(ctx, { ...target, version: undefined }, (tx, incident, now) => {
    assertReporter(actor, incident);
    const asked = tx
      .select()
      .from(incidentEvents)
      .where(
        and(
          eq(incidentEvents.id, questionEventId),
          eq(incidentEvents.incidentId, incident.id),
          eq(incidentEvents.type, 'reporter_asked'),
        ),
      )
      .get();
    if (!asked) throw new Forbidden(NOT_YOURS);
    const already = isAnswered(tx, incident.id, questionEventId);
    if (already)
      throw new InvalidTransition(
        'You have answered this question already; use *Add information* to add more.',
      );
    const text = answer.text?.trim() ?? '';
    if (!text) throw new InvalidTransition('Please write your answer.');
    if (text.length > ANSWER_MAX)
      throw new InvalidTransition(`Please keep the answer under ${ANSWER_MAX} characters.`);
    const added = insertEvidence(tx, incident, actor.id, now, {
      source: 'reporter',
      files: answer.files,
      note: null,
    });
    const deliveries: Delivery[] =
      asked.actorId !== actor.id && isSlackUserId(asked.actorId)
        ? [{ kind: 'dm', incidentId: incident.id, userId: asked.actorId, template: 'reporter_answered' }]
        : [];
    return {
      actor,
      type: 'reporter_answered',
      after: {
        questionEventId,
        question: String(asked.after?.question ?? ''),
        answer: text,
        ...(added.length > 0 ? { evidence: added.map(evidenceFacts) } : {}),
      },
      summary: `The reporter answered: ${userText(text, 500)}`,
      deliveries,
    };
  });
}

/**
 * The reporter adds information or evidence to their own report at any time (seed 003 §4.1), from
 * their receipt DM or App Home: on the record, in the card's thread, and the IRM is told.
 */
export function addReporterInformation(
  ctx: DomainContext,
  actor: Actor,
  target: Target,
  contribution: ReporterContribution,
): RecordResult {
  return applyChange(ctx, { ...target, version: undefined }, (tx, incident, now) => {
    assertReporter(actor, incident);
    const text = contribution.text?.trim() || null;
    if (!text && contribution.files.length === 0)
      throw new InvalidTransition('Please write something or attach a file.');
    if (text && text.length > ANSWER_MAX)
      throw new InvalidTransition(`Please keep this under ${ANSWER_MAX} characters.`);
    const added = insertEvidence(tx, incident, actor.id, now, {
      source: 'reporter',
      files: contribution.files,
      note: null,
    });
    const irm = incident.irmId;
    const deliveries: Delivery[] =
      irm && irm !== actor.id && isSlackUserId(irm)
        ? [{ kind: 'dm', incidentId: incident.id, userId: irm, template: 'reporter_added' }]
        : [];
    return {
      actor,
      type: 'reporter_added_information',
      after: { text, ...(added.length > 0 ? { evidence: added.map(evidenceFacts) } : {}) },
      summary: `The reporter added information${text ? `: ${userText(text, 500)}` : ''}`,
      deliveries,
    };
  });
}
