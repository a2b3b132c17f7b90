/**
 * The demo organisation the sandbox starts with: one person for every role the procedure names,
 * two departments with their heads, a security team and staff. Names are what the page shows;
 * the IDs only have to look like Slack's, because Vigil's configuration checks them.
 */
import type { FakeChannel, FakeUser } from '../local-slack/local-slack';

export interface DemoPerson {
  id: string;
  name: string;
  /** What they are in the procedure, shown beside the name in the persona switcher. */
  title: string;
  tz: string;
}

export const ORG_NAME = 'Northwind';
export const ORG_TIME_ZONE = 'Europe/London';

export const DEMO = {
  siro: { id: 'USIRO', name: 'Sarah Okafor', title: 'SIRO', tz: ORG_TIME_ZONE },
  cio: { id: 'UCIO', name: 'Chris Lindqvist', title: 'CIO', tz: ORG_TIME_ZONE },
  md: { id: 'UMD', name: 'Maya Patel', title: 'Managing Director (DPO)', tz: ORG_TIME_ZONE },
  iao: { id: 'UIAO', name: 'Tom Becker', title: 'Information Asset Officer', tz: ORG_TIME_ZONE },
  hodFinance: { id: 'UHODFIN', name: 'Priya Shah', title: 'Head of Finance', tz: ORG_TIME_ZONE },
  hodEngineering: { id: 'UHODENG', name: 'Daniel Kim', title: 'Head of Engineering', tz: ORG_TIME_ZONE },
  responder: { id: 'URESP1', name: 'Alex Moreno', title: 'Security analyst', tz: ORG_TIME_ZONE },
  // A responder in another zone shows that dates are drawn in each reader's own zone.
  responder2: { id: 'URESP2', name: 'Jamie Chen', title: 'Security engineer', tz: 'America/New_York' },
  staff: { id: 'USTAFF1', name: 'Sam Taylor', title: 'Accountant, Finance', tz: ORG_TIME_ZONE },
  staff2: { id: 'USTAFF2', name: 'Robin Ellis', title: 'Developer, Engineering', tz: ORG_TIME_ZONE },
} as const satisfies Record<string, DemoPerson>;

export type Role = keyof typeof DEMO;
export const PEOPLE: DemoPerson[] = Object.values(DEMO);

export const GENERAL: FakeChannel = {
  id: 'C0GENERAL',
  name: 'general',
  isPrivate: false,
  // Reporting from a message needs no bot in the channel: a message shortcut carries the message.
  botIsMember: false,
  members: PEOPLE.map((p) => p.id),
};

export const SECURITY: FakeChannel = {
  id: 'GSECURITY',
  name: 'security-incidents',
  isPrivate: true,
  botIsMember: true,
  members: [DEMO.siro.id, DEMO.responder.id, DEMO.responder2.id],
};

export const DEPARTMENTS = [
  { name: 'Finance', headId: DEMO.hodFinance.id },
  { name: 'Engineering', headId: DEMO.hodEngineering.id },
];

export function slackUsers(): FakeUser[] {
  return PEOPLE.map((p) => ({
    id: p.id,
    name: p.name.split(' ')[0]?.toLowerCase(),
    realName: p.name,
    displayName: p.name,
    tz: p.tz,
  }));
}

/** Vigil's settings for the demo organisation (the Slack connection is added by the sandbox). */
export function orgEnv(): Record<string, string> {
  return {
    SECURITY_CHANNEL_ID: SECURITY.id,
    SIRO_USER_IDS: DEMO.siro.id,
    CIO_USER_IDS: DEMO.cio.id,
    MD_USER_IDS: DEMO.md.id,
    IAO_USER_IDS: DEMO.iao.id,
    DEPARTMENTS: DEPARTMENTS.map((d) => `${d.name}=${d.headId}`).join(','),
    ORG_TIME_ZONE,
    // The tour's new month shows the Managing Director's briefing at once, without the wait for recommendations.
    BRIEFING_WAIT_WORKING_DAYS: '0',
  };
}
