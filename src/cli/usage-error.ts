import { parseOrgDate } from '../dates';

/** A command line the operator got wrong: answered with usage and exit code 2. */
export class UsageError extends Error {}

/** A date or time given on the command line (see parseOrgDate), or a usage error naming its flag. */
export function parseDateFlag(flag: string, text: string, timeZone: string, end: 'start' | 'end'): Date {
  try {
    return parseOrgDate(text, timeZone, end);
  } catch (err) {
    throw new UsageError(`${flag} ${err instanceof Error ? err.message : String(err)}`);
  }
}
