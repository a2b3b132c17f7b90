/**
 * Seed 000 Rep.1: staff report an incident "immediately" when it is found. Lateness is measured
 * there, discovery to report, against LATE_REPORT_HOURS; late reports are flagged and counted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { computeStatistics } from '../../src/services/statistics';
import { createWorld, PEOPLE, testClock, type World } from '../helpers/world';

let world: World;
afterEach(async () => {
  await world?.stop();
});

const NOW = '2026-03-12T10:00:00Z';

describe('late reports (seed 000 Rep.1 "immediately")', () => {
  it('flags a report made three days after discovery on the card and counts it in statistics', async () => {
    world = await createWorld({ clock: testClock(NOW), env: { LATE_REPORT_HOURS: '24' } });
    await world.report(PEOPLE.staff, { discoveredAt: new Date('2026-03-09T10:00:00Z') });
    await world.report(PEOPLE.staff2, { discoveredAt: new Date('2026-03-12T06:00:00Z') });
    await world.vigil.outbox.drain();

    const late = JSON.stringify(world.card('INC-2026-0001').blocks);
    expect(late).toContain(':hourglass: Reported late: 3 days after discovery');
    expect(late).toContain('the limit is 24 hours');
    expect(JSON.stringify(world.card('INC-2026-0002').blocks)).not.toContain('Reported late');

    const stats = computeStatistics(world.db, {
      from: new Date('2026-03-01T00:00:00Z'),
      to: new Date('2026-04-01T00:00:00Z'),
      now: world.clock.now(),
      orgTimeZone: 'Europe/London',
      lateReportHours: world.config.lateReportHours,
    });
    expect(stats.lateReports).toEqual({ count: 1, limitHours: 24 });
  });

  it('follows LATE_REPORT_HOURS: four hours after discovery is late when the limit is two', async () => {
    world = await createWorld({ clock: testClock(NOW), env: { LATE_REPORT_HOURS: '2' } });
    await world.report(PEOPLE.staff, { discoveredAt: new Date('2026-03-12T06:00:00Z') });
    await world.vigil.outbox.drain();
    expect(JSON.stringify(world.card('INC-2026-0001').blocks)).toContain(
      'Reported late: 4 hours after discovery (the procedure asks for it immediately; the limit is 2 hours)',
    );
  });
});
