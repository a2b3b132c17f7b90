import type { Incident, Severity } from '../../db/schema';
import { suggestedSeverityFor } from './categories';

const RANK: Severity[] = ['low', 'medium', 'high', 'critical'];
const higher = (a: Severity | null, b: Severity): Severity =>
  a && RANK.indexOf(a) >= RANK.indexOf(b) ? a : b;

/** Personal data of this many people or more makes a breach High at least; ten times that, Critical. */
const MANY_PEOPLE = 100;

export interface SeveritySuggestion {
  severity: Severity | null;
  /** Why, in words for the SIRO: what in the report raised it above the category's tier. */
  because: string[];
}

/**
 * The severity a report suggests (seed 003 §5.5: by its impact): the category's tier, raised by
 * what the report says, personal data, how many people, customers or staff affected. A
 * suggestion only: the SIRO decides at triage.
 */
export function suggestSeverity(
  i: Pick<Incident, 'category' | 'personalData' | 'personalDataCount' | 'customersOrStaffAffected'>,
): SeveritySuggestion {
  let severity = suggestedSeverityFor(i.category);
  const because: string[] = [];
  const raise = (to: Severity, why: string) => {
    if (severity && RANK.indexOf(severity) >= RANK.indexOf(to)) return;
    severity = higher(severity, to);
    because.push(why);
  };
  if (i.personalData === 'yes') {
    const count = i.personalDataCount;
    const people =
      count !== null ? `personal data of about ${count.toLocaleString('en')} people` : 'personal data';
    if (count !== null && count >= MANY_PEOPLE * 10) raise('critical', people);
    else if (count !== null && count >= MANY_PEOPLE) raise('high', people);
    else raise('medium', people);
  }
  if (i.customersOrStaffAffected === 'yes') raise('high', 'customers or staff may be affected');
  return { severity, because };
}

/** "Suggested High: personal data of about 212 people", or the category's tier alone. */
export function suggestionWords(s: SeveritySuggestion, label: (s: Severity) => string): string | null {
  if (!s.severity) return null;
  return `Suggested ${label(s.severity)}${s.because.length > 0 ? `: ${s.because.join('; ')}` : ' for its category'}`;
}
