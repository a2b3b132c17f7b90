/**
 * The configuration the benchmarks run the app with: the test suite's environment (same signing
 * secret, role holders and security channel as test/helpers/world.ts) with a realistic list of
 * departments. Kept apart from bench/common.ts because importing the test world loads the app.
 */
import { PEOPLE, SECURITY_CHANNEL, SIGNING_SECRET, TEST_ENV } from '../test/helpers/world';
import { ORG_TIME_ZONE } from './common';

export { PEOPLE, SECURITY_CHANNEL, SIGNING_SECRET };

/** Departments of a mid-sized organisation with their heads (the default IRM); weight = share of reports. */
export const DEPARTMENTS: readonly { name: string; headId: string; weight: number }[] = [
  { name: 'Finance', headId: PEOPLE.hodFinance, weight: 12 },
  { name: 'Engineering', headId: PEOPLE.hodEngineering, weight: 22 },
  { name: 'Sales', headId: 'UHODSALES', weight: 16 },
  { name: 'Customer Support', headId: 'UHODSUPPORT', weight: 18 },
  { name: 'Operations', headId: 'UHODOPS', weight: 12 },
  { name: 'People', headId: 'UHODPEOPLE', weight: 6 },
  { name: 'Legal', headId: 'UHODLEGAL', weight: 4 },
  { name: 'Marketing', headId: 'UHODMKT', weight: 10 },
];

/** HTTP mode on an ephemeral port; SLACK_API_URL and DATABASE_PATH are added per run. */
export const BENCH_ENV: Record<string, string> = {
  ...TEST_ENV,
  DEPARTMENTS: DEPARTMENTS.map((d) => `${d.name}=${d.headId}`).join(','),
  ORG_TIME_ZONE,
  PORT: '0',
};

/** The fake's security channel, as createWorld() sets it up. */
export const SECURITY_CHANNEL_SETUP = {
  id: SECURITY_CHANNEL,
  name: 'security-incidents',
  isPrivate: true,
  botIsMember: true,
  members: [PEOPLE.siro, PEOPLE.responder, 'UBOT'],
};
