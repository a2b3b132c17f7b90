import { z } from 'zod';
import { CATEGORIES } from './categories';
import { formDate, optionalFormDate } from './form-dates';
import {
  ENCRYPTED,
  followUpsFor,
  IMMEDIATE_CAUSES,
  KINDS,
  LOSS_LOCATIONS,
  SENSITIVITY,
  YES_NO_UNKNOWN,
} from './report-options';

export const TITLE_MAX = 150;
export const TEXT_MAX = 3000;
/** The seed's follow-up questions (how it was sent, where from…) want a line, not an essay. */
export const FOLLOW_UP_TEXT_MAX = 500;
export const PEOPLE_COUNT_MAX = 1_000_000_000;
/** Clocks of phones and laptops drift; a discovery "a minute from now" is not an error. */
const CLOCK_SKEW_MS = 5 * 60_000;

const valuesOf = (choices: readonly { value: string }[]) =>
  choices.map((c) => c.value) as [string, ...string[]];

const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `Please keep this under ${max} characters.`)
    .nullish()
    .transform((s) => (s ? s : null));

const choice = (values: [string, ...string[]]) =>
  z
    .enum(values, { error: 'Please choose one of the options.' })
    .nullish()
    .transform((v) => v ?? null);

/**
 * The report form as the domain sees it: one key per form question (the Slack layer uses the same
 * keys as block ids, so an issue's path is the block that shows the error).
 */
export function reportInputSchema(opts: { now: Date; departments: readonly string[] }) {
  const latest = opts.now.getTime() + CLOCK_SKEW_MS;
  const notFuture = (d: Date | null) => d === null || d.getTime() <= latest;
  return z
    .object({
      kind: z.enum(valuesOf(KINDS) as ['incident', 'near_miss', 'weakness'], {
        error: 'Please say whether it happened, nearly happened, or could happen.',
      }),
      category: z.enum(valuesOf(CATEGORIES), { error: 'Please choose what kind of incident this is.' }),
      title: z
        .string({ error: 'Please give the report a short title.' })
        .trim()
        .min(1, 'Please give the report a short title.')
        .max(TITLE_MAX, `Please keep the title under ${TITLE_MAX} characters.`),
      description: z
        .string({ error: 'Please say briefly what happened.' })
        .trim()
        .min(1, 'Please say briefly what happened.')
        .max(TEXT_MAX, `Please keep this under ${TEXT_MAX} characters; add more later in the thread.`),
      occurredAt: optionalFormDate(opts.now),
      discoveredAt: formDate(opts.now, 'Please say when it was discovered.'),
      location: text(TEXT_MAX),
      department: z
        .string({ error: 'Please choose your department.' })
        .refine((d) => opts.departments.includes(d), 'Please choose your department from the list.'),
      dataInvolved: text(TEXT_MAX),
      peopleInvolved: text(TEXT_MAX),
      peopleAware: text(TEXT_MAX),
      customersAffected: choice(valuesOf(YES_NO_UNKNOWN)),
      staffAffected: choice(valuesOf(YES_NO_UNKNOWN)),
      personalData: choice(valuesOf(YES_NO_UNKNOWN)),
      personalDataCount: z
        .number({ error: 'Please enter a whole number of people.' })
        .int('Please enter a whole number of people.')
        .min(0, 'The number of people cannot be negative.')
        .max(PEOPLE_COUNT_MAX, 'That number is too large; please give an estimate.')
        .nullish()
        .transform((n) => n ?? null),
      personalDataKinds: text(TEXT_MAX),
      sensitivity: choice(valuesOf(SENSITIVITY)),
      protectiveMarking: text(200),
      encrypted: choice(valuesOf(ENCRYPTED)),
      thirdPartyUse: text(TEXT_MAX),
      assetOwnerId: z
        .string()
        .nullish()
        .transform((v) => v ?? null),
      immediateCause: choice(valuesOf(IMMEDIATE_CAUSES)),
      lossLocation: choice(valuesOf(LOSS_LOCATIONS)),
      // No follow-up answer is longer than a text follow-up; choices are checked against their options below.
      lossDetails: z.record(
        z.string(),
        z.string().trim().max(FOLLOW_UP_TEXT_MAX, `Please keep this under ${FOLLOW_UP_TEXT_MAX} characters.`),
      ),
      crimeNumber: text(100),
      /** Whom it is about among those who would see it: ticked, the report is restricted (seed 000 Rep.1). */
      concerns: z
        .array(z.enum(['own_head', 'security_team'], { error: 'Please choose one of the options.' }))
        .nullish()
        .transform((v) => [...new Set(v ?? [])]),
    })
    .superRefine((r, ctx) => {
      if (!notFuture(r.discoveredAt))
        ctx.addIssue({ code: 'custom', path: ['discoveredAt'], message: 'This time is in the future.' });
      if (!notFuture(r.occurredAt))
        ctx.addIssue({ code: 'custom', path: ['occurredAt'], message: 'This time is in the future.' });
      if (r.occurredAt && r.discoveredAt.getTime() < r.occurredAt.getTime())
        ctx.addIssue({
          code: 'custom',
          path: ['discoveredAt'],
          message: 'It cannot have been discovered before it occurred.',
        });
      for (const q of followUpsFor(r.lossLocation)) {
        const answer = r.lossDetails[q.key];
        if (answer === undefined || answer === '') continue;
        if (q.answers !== 'text' && !q.answers.some((c) => c.value === answer))
          ctx.addIssue({
            code: 'custom',
            path: ['lossDetails', q.key],
            message: 'Please choose one of the options.',
          });
      }
      if (r.personalData !== 'yes' && r.personalDataCount !== null && r.personalDataCount > 0)
        ctx.addIssue({
          code: 'custom',
          path: ['personalData'],
          message: 'You gave a number of people; please answer "Yes" here, or clear the number.',
        });
    })
    .transform((r) => {
      // Answers to follow-ups of a location the reporter moved away from are not kept.
      const asked = new Set(followUpsFor(r.lossLocation).map((q) => q.key));
      const lossDetails = Object.fromEntries(
        Object.entries(r.lossDetails).filter(([k, v]) => asked.has(k) && v !== ''),
      );
      return { ...r, lossDetails };
    });
}

export type ReportInput = z.output<ReturnType<typeof reportInputSchema>>;
