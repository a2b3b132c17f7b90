import type { Severity } from '../../db/schema';

export interface Category {
  value: string;
  label: string;
  group: CategoryGroup;
}

export type CategoryGroup = 'network' | 'leakage' | 'customer' | 'other';

/** Seed 000 "Definition of Incident": each group carries the tier the procedure gives it. */
export const CATEGORY_GROUPS: Record<CategoryGroup, { label: string; suggestedSeverity: Severity | null }> = {
  network: { label: 'Network / IT', suggestedSeverity: 'low' },
  leakage: { label: 'Information leakage', suggestedSeverity: 'medium' },
  customer: { label: 'Harm to customers', suggestedSeverity: 'high' },
  other: { label: 'Other', suggestedSeverity: null },
};

export const CATEGORIES: readonly Category[] = [
  { value: 'malware', label: 'Virus or malware infection', group: 'network' },
  { value: 'intrusion', label: 'Hacking, intrusion or falsification', group: 'network' },
  { value: 'policy_violation', label: 'Security policy violation', group: 'network' },
  { value: 'internet_server', label: 'Attack on or misuse of an internet server', group: 'network' },
  { value: 'disruption', label: 'System disruption for security reasons', group: 'network' },
  { value: 'device_loss', label: 'Lost or stolen device, media or papers', group: 'leakage' },
  { value: 'software_loss', label: 'Leak through loss of software', group: 'leakage' },
  { value: 'misdelivery', label: 'Email, fax or post sent to the wrong place', group: 'leakage' },
  { value: 'unauthorised_use', label: 'Information used or taken out without authority', group: 'leakage' },
  { value: 'improper_disposal', label: 'Information disposed of improperly', group: 'leakage' },
  {
    value: 'customer_infection',
    label: 'Customer system infected through our negligence',
    group: 'customer',
  },
  { value: 'customer_access', label: 'Unauthorised access to a customer system we run', group: 'customer' },
  { value: 'other', label: 'Something else', group: 'other' },
];

export function findCategory(value: string): Category | undefined {
  return CATEGORIES.find((c) => c.value === value);
}

export function suggestedSeverityFor(categoryValue: string): Severity | null {
  const category = findCategory(categoryValue);
  return category ? CATEGORY_GROUPS[category.group].suggestedSeverity : null;
}

/** Seed 003 §5.8: network security incidents go to the national CERT. */
export function isNetworkCategory(categoryValue: string): boolean {
  return findCategory(categoryValue)?.group === 'network';
}
