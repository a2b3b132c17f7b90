/**
 * Issue 13 item 4: customers and staff are asked and recorded separately. Only customers affected
 * owes them a notice (seed 003 §5.7); either escalates (§5.6). The register and the statistics keep both.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { registerRow } from '../../src/services/export';
import { computeStatistics } from '../../src/services/statistics';
import { createWorld, PEOPLE, testClock, type World } from '../helpers/world';

let world: World;
afterEach(async () => {
  await world?.stop();
});

describe('customers and staff affected, recorded separately', () => {
  it('exports both answers and counts each in the statistics', async () => {
    world = await createWorld({ clock: testClock('2026-03-12T10:00:00Z') });
    await world.report(PEOPLE.staff, { customersAffected: 'no', staffAffected: 'yes' });
    await world.report(PEOPLE.staff2, { customersAffected: 'yes', staffAffected: 'yes' });
    await world.report(PEOPLE.staff2, { title: 'Tailgating', customersAffected: 'no', staffAffected: 'no' });
    await world.vigil.outbox.drain();

    expect(registerRow(world.db, 1)).toMatchObject({
      customers_or_staff_affected: 'yes',
      customers_affected: 'no',
      staff_affected: 'yes',
    });
    expect(registerRow(world.db, 3)).toMatchObject({
      customers_or_staff_affected: 'no',
      customers_affected: 'no',
      staff_affected: 'no',
    });
    const stats = computeStatistics(world.db, {
      from: new Date('2026-03-01T00:00:00Z'),
      to: new Date('2026-04-01T00:00:00Z'),
      now: world.clock.now(),
      orgTimeZone: 'Europe/London',
    });
    expect(stats.affected).toEqual({ customers: 1, staff: 2 });
  });
});
