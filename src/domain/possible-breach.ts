import type { Incident, NotSureFact } from '../../db/schema';

type Facts = Pick<Incident, 'personalData' | 'customersOrStaffAffected' | 'reporterNotSure'>;

/** The reporter answered "Not sure" and nobody has settled it since. */
const notSure = (i: Facts, fact: NotSureFact): boolean =>
  i[fact] === 'unknown' && (i.reporterNotSure ?? []).includes(fact);

/** Seed 003 §5.7 "actual or possible": personal data involved, or the reporter is not sure. */
export const possiblePersonalData = (i: Facts): boolean =>
  i.personalData === 'yes' || notSure(i, 'personalData');

/** Customers or staff affected, or the reporter is not sure they are not. */
export const peopleMayBeAffected = (i: Facts): boolean =>
  i.customersOrStaffAffected === 'yes' || notSure(i, 'customersOrStaffAffected');

/** An untriaged report that cannot wait for working hours: the regulator's clock may be running. */
export const urgentTriage = (i: Facts): boolean => possiblePersonalData(i) || peopleMayBeAffected(i);

type Answer = 'yes' | 'no' | 'unknown';

/**
 * The combined "customers or staff affected" the escalation and urgent triage read, from the two
 * answers: yes if either is yes, no if both are no, "not sure" if either is, else unanswered.
 */
export function combineAffected(customers?: string | null, staff?: string | null): Answer | null {
  if (customers === 'yes' || staff === 'yes') return 'yes';
  if (customers === 'unknown' || staff === 'unknown') return 'unknown';
  return customers === 'no' && staff === 'no' ? 'no' : null;
}

/** The questions answered "Not sure" in a report, as stored (null when none). */
export function notSureAnswers(input: Partial<Record<NotSureFact, string | null>>): NotSureFact[] | null {
  const facts = (['personalData', 'customersOrStaffAffected'] as const).filter((f) => input[f] === 'unknown');
  return facts.length > 0 ? facts : null;
}
