import { z } from 'zod';
import { FACTS_MODALS } from '../../../../blocks/facts-modals';
import { findIncidentById } from '../../../../db/find-incident';
import { correctFacts, correctionReasonSchema, type FactCorrections } from '../../../domain/correct-facts';
import { reportInputSchema } from '../../../domain/report-input';
import { askReporter, QUESTION_MAX } from '../../../domain/reporter-dialogue';
import type { ListenerDeps } from '../../deps';
import { type FormResult, parseForm } from '../../view-state';
import type { CardFormHandler } from './procedure-forms';

const questionSchema = z.object({
  question: z
    .string({ error: 'Please write your question.' })
    .trim()
    .min(1, 'Please write your question.')
    .max(QUESTION_MAX, `Please keep the question under ${QUESTION_MAX} characters.`),
});

interface Correction {
  corrections: FactCorrections;
  reason: string;
}

/**
 * Seed 003 §3.6: the team's corrections of the report's facts, checked as the report form checks
 * them (with the reason, on its own question), then applied by the domain.
 */
export function registerFactsForms(handle: CardFormHandler, deps: ListenerDeps): void {
  const ctx = { db: deps.db, clock: deps.clock, config: deps.config };
  const departments = deps.config.departments.map((d) => d.name);
  const parseCorrection = (answers: Map<string, unknown>, meta: { i: number }): FormResult<Correction> => {
    const incident = findIncidentById(deps.db, meta.i);
    const present = new Set(answers.keys());
    const candidate: Record<string, unknown> = {
      ...Object.fromEntries(answers),
      // What the form does not ask stays as it is: the loss location and its follow-ups.
      lossLocation: incident?.lossLocation ?? null,
      lossDetails: incident?.lossDetails ?? {},
      concerns: incident?.concerns ?? [],
    };
    const facts = parseForm(
      reportInputSchema({ now: deps.clock.now(), departments }),
      candidate,
      present,
      'reason',
    );
    const reason = parseForm(correctionReasonSchema, { reason: answers.get('reason') }, present, 'reason');
    if (!facts.ok || !reason.ok)
      return {
        ok: false,
        errors: { ...(facts.ok ? {} : facts.errors), ...(reason.ok ? {} : reason.errors) },
      };
    return { ok: true, value: { corrections: facts.value, reason: reason.value.reason } };
  };
  handle(FACTS_MODALS.correct, 'reason', parseCorrection, (actor, target, value) =>
    correctFacts(ctx, actor, target, value.corrections, value.reason),
  );
  // Seed 003 §4.1: the question goes to the reporter by DM; asking does not depend on what the card showed.
  handle(
    FACTS_MODALS.ask,
    'question',
    (answers) =>
      parseForm(questionSchema, { question: answers.get('question') }, new Set(answers.keys()), 'question'),
    (actor, target, value) => askReporter(ctx, actor, target, value.question),
  );
}
