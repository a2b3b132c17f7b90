import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { CARD_ACTIONS } from '../../blocks/card-ids';
import { incidentEvents, incidents } from '../../db/schema';
import { loadConfig } from '../../src/config';
import { type Capability, can } from '../../src/domain/permissions';
import { actorFor } from '../../src/domain/roles';
import { seedReport } from '../helpers/seed';
import { createWorld, PEOPLE, TEST_ENV, testClock, type World } from '../helpers/world';

let world: World;
afterEach(async () => {
  await world?.stop();
});

/** Everyone the matrix is about; the IRM is the Finance head (the default IRM for Finance reports). */
const WHO = {
  reporter: PEOPLE.staff,
  staff: PEOPLE.staff2,
  security: PEOPLE.responder,
  siro: PEOPLE.siro,
  cio: PEOPLE.cio,
  md: PEOPLE.md,
  iao: PEOPLE.iao,
  irm: PEOPLE.hodFinance,
  outsider: 'UOUTSIDER',
} as const;
type Who = keyof typeof WHO;
const SECURITY_MEMBERS = new Set<string>([PEOPLE.siro, PEOPLE.responder]);

const TEAM: Who[] = ['security', 'siro', 'cio', 'md', 'iao', 'irm'];

/** The matrix in the README, as PRODUCT.md and the seeds assign it. */
const EXPECTED: Record<Capability, Who[]> = {
  use_card: TEAM,
  triage: ['siro'],
  assign_irm: ['security', 'siro', 'cio', 'irm'],
  escalate: TEAM,
  post_update: TEAM,
  add_action: TEAM,
  notify_regulator: ['siro', 'md'],
  notify_police: ['siro', 'iao'],
  notify_cert: ['cio'],
  notify_customers: ['siro', 'md', 'irm'],
  resolve: ['siro', 'irm'],
  causal_analysis: ['irm'],
  approve_causal_analysis: ['siro', 'irm'],
  learning_review: ['security', 'siro'],
  request_closure: ['siro', 'irm'],
  peer_review: TEAM,
  approve_closure: ['cio'],
  reopen: ['siro', 'cio', 'irm'],
  update_action: ['siro', 'irm'],
};

describe('the permissions matrix', () => {
  it('allows each action to exactly the roles the procedure names', async () => {
    const config = loadConfig(TEST_ENV);
    world = await createWorld();
    const incident = seedReport(world.db, testClock());
    for (const [capability, allowed] of Object.entries(EXPECTED) as [Capability, Who[]][]) {
      const actual = (Object.keys(WHO) as Who[]).filter((who) =>
        can(config, actorFor(config, WHO[who], SECURITY_MEMBERS.has(WHO[who])), capability, incident),
      );
      expect(actual, capability).toEqual(allowed);
    }
  });

  it('refuses card controls over HTTP to everyone else, changing nothing and logging the refusal', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff, { personalData: 'yes', category: 'intrusion' });
    await world.vigil.outbox.drain();
    const REF = 'INC-2026-0001';
    const controls: [string, Who[]][] = [
      [CARD_ACTIONS.triage, EXPECTED.triage],
      [CARD_ACTIONS.postUpdate, EXPECTED.post_update],
      [CARD_ACTIONS.addAction, EXPECTED.add_action],
    ];
    for (const [actionId, allowed] of controls) {
      for (const who of Object.keys(WHO) as Who[]) {
        const opened = world.fake.callsTo('views.open', { ok: true }).length;
        const res = await world.click(WHO[who], world.card(REF), actionId);
        const didOpen = world.fake.callsTo('views.open', { ok: true }).length > opened;
        expect({ actionId, who, opened: didOpen }).toEqual({ actionId, who, opened: allowed.includes(who) });
        if (!allowed.includes(who)) {
          expect(res.replies[0], `${actionId} ${who}`).toMatch(/^Only .* may do that on INC-2026-0001\.$/);
          expect(world.logs.some((l) => l.message.includes(`for ${WHO[who]}`))).toBe(true);
        }
      }
    }
    // Record a notification: the regulator's is for the SIRO or DPO, the CERT's for the CIO.
    const recordable = (who: Who) => {
      const card = world.card(REF);
      return world.click(WHO[who], card, CARD_ACTIONS.recordNotification);
    };
    for (const who of ['security', 'iao', 'staff', 'outsider'] as Who[]) {
      expect((await recordable(who)).replies[0], who).toMatch(/^Only /);
    }
    const before = world.db.select().from(incidents).where(eq(incidents.reference, REF)).get();
    // Direct changes: escalate refused to those outside the team.
    for (const who of ['reporter', 'staff', 'outsider'] as Who[]) {
      const res = await world.click(WHO[who], world.card(REF), CARD_ACTIONS.escalate);
      expect(res.replies[0]).toMatch(/^Only /);
    }
    const after = world.db.select().from(incidents).where(eq(incidents.reference, REF)).get();
    expect(after?.version).toBe(before?.version);
    expect(
      world.db
        .select()
        .from(incidentEvents)
        .all()
        .map((e) => e.type),
    ).toEqual(['reported']);
  });
});
