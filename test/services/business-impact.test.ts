/**
 * Seed 000 Rep.4.4: management is told what incidents did to the business. The impact is recorded
 * at triage or resolution, audited, grouped in statistics (with the causes), and exported.
 */
import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { CARD_ACTIONS } from '../../blocks/card-ids';
import { statisticsMessage } from '../../blocks/statistics-report';
import { incidentEvents, incidents } from '../../db/schema';
import { computeStatistics } from '../../src/services/statistics';
import { createWorld, PEOPLE, testClock, type World } from '../helpers/world';

let world: World;
afterEach(async () => {
  await world?.stop();
});

async function form(user: string, reference: string, actionId: string, answers: Record<string, string>) {
  const res = await world.act(user, reference, actionId, answers);
  expect(res).toEqual({ refused: null, errors: null });
  await world.vigil.outbox.drain();
}

describe('business impact (seed 000 Rep.4.4)', () => {
  it('is recorded at triage, changed at resolution, audited, grouped with the causes and counted in cost', async () => {
    world = await createWorld({ clock: testClock('2026-03-09T10:00:00Z') });
    await world.report(PEOPLE.staff, { immediateCause: 'theft' });
    await world.report(PEOPLE.staff2, { title: 'Stolen phone', immediateCause: 'theft' });
    await world.vigil.outbox.drain();

    await form(PEOPLE.siro, 'INC-2026-0001', CARD_ACTIONS.triage, {
      severity: 'medium',
      priority: 'P3',
      rationale: 'Laptop stolen',
      impactAreas: 'confidentiality,financial',
      impactCost: '1200',
    });
    const first = () =>
      world.db.select().from(incidents).where(eq(incidents.reference, 'INC-2026-0001')).get();
    expect([first()?.impactAreas, first()?.impactCost]).toEqual([['confidentiality', 'financial'], 1200]);

    // At resolution the form starts from what is recorded; the IRM revises the estimate.
    await form(PEOPLE.hodFinance, 'INC-2026-0001', CARD_ACTIONS.resolve, {
      how: 'Laptop wiped remotely',
      impactAreas: 'confidentiality,financial,reputational',
      impactCost: '4500',
    });
    expect([first()?.impactAreas, first()?.impactCost]).toEqual([
      ['confidentiality', 'financial', 'reputational'],
      4500,
    ]);
    const resolved = world.db
      .select()
      .from(incidentEvents)
      .where(and(eq(incidentEvents.incidentId, first()?.id ?? 0), eq(incidentEvents.type, 'resolved')))
      .get();
    expect(resolved?.before).toMatchObject({
      impactAreas: ['confidentiality', 'financial'],
      impactCost: 1200,
    });
    expect(resolved?.after).toMatchObject({
      impactAreas: ['confidentiality', 'financial', 'reputational'],
      impactCost: 4500,
    });

    await form(PEOPLE.siro, 'INC-2026-0002', CARD_ACTIONS.triage, {
      severity: 'low',
      priority: 'P4',
      rationale: 'Phone stolen',
      impactAreas: 'financial',
      impactCost: '300',
    });

    const stats = computeStatistics(world.db, {
      from: new Date('2026-03-01T00:00:00Z'),
      to: new Date('2026-04-01T00:00:00Z'),
      now: world.clock.now(),
      orgTimeZone: 'Europe/London',
    });
    expect(stats.impact.byArea).toEqual({
      availability: 0,
      confidentiality: 1,
      integrity: 0,
      financial: 2,
      legal: 0,
      reputational: 1,
    });
    expect(stats.impact.cost).toEqual({ total: 4800, estimated: 2 });
    expect(stats.impact.byCause.map((c) => [c.cause, c.count])).toEqual([['theft', 2]]);
    const shown = JSON.stringify(statisticsMessage(stats).blocks);
    expect(shown).toContain('*By business impact*');
    expect(shown).toContain('Financial 2');
    expect(shown).toContain('4,800 over 2 reports with an estimate');
  });
});
