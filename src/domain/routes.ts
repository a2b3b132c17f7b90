import type { Concern } from '../../db/schema';
import type { Config } from '../config';

/** Who a new report goes to, by the procedure's routes, before anyone reassigns anything. */
export interface Route {
  /** The head of department on the record (analysis, card access), or null when it must go past them. */
  hodId: string | null;
  /** The default Incident Response Manager. */
  irmId: string | null;
  /** A restricted report: only the SIROs and these people see its details. */
  restricted: boolean;
  accessIds: string[];
}

/**
 * Seed 000 Rep.1–2: the reporter's head of department is the default IRM. When the head reported
 * it, or the report is about the head, it goes past them to the department's deputy (the
 * "immediate supervisor" route), or to the SIRO where no deputy is named; a report about the head
 * leaves the head off the record. A report about the head or about a member of the security team
 * is restricted: the SIRO sees it, and the deputy when the route gives it to them; the head is not told.
 */
export function routeReport(
  config: Pick<Config, 'departments' | 'roles'>,
  input: { department: string; reporterId: string; concerns: readonly Concern[] },
): Route {
  const dept = config.departments.find((d) => d.name === input.department);
  const head = dept?.headId ?? null;
  const deputy = dept?.deputyId ?? null;
  const siro = config.roles.siro[0] ?? null;
  const aboutHead = input.concerns.includes('own_head');
  const restricted = input.concerns.length > 0;
  const pastHead = aboutHead || (head !== null && head === input.reporterId);
  // The supervisor route: the deputy, unless the deputy is who it is about or who reported it.
  const supervisor = deputy && deputy !== input.reporterId ? deputy : siro;
  const irmId = pastHead ? supervisor : restricted ? siro : head;
  const hodId = aboutHead ? (deputy ?? null) : restricted ? null : head;
  const accessIds = restricted && irmId && !config.roles.siro.includes(irmId) ? [irmId] : [];
  return { hodId, irmId, restricted, accessIds };
}
