/**
 * Seed 003 §5.7 "actual or possible": a report that may involve personal data, or may affect
 * customers or staff, cannot wait for working hours. The regulator's 72 hours run from awareness.
 */
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { CARD_ACTIONS } from '../../blocks/card-ids';
import { incidents, notifications } from '../../db/schema';
import { actorFor } from '../../src/domain/roles';
import { triageIncident } from '../../src/domain/triage';
import { createWorld, PEOPLE, testClock, type World } from '../helpers/world';

let world: World;
afterEach(async () => {
  await world?.stop();
});

/** The reminder digests the SIRO has received, as text, oldest first. */
const sirosDigests = () =>
  world.fake
    .callsTo('chat.postMessage', { ok: true })
    .filter((c) => c.args.channel === PEOPLE.siro && /your attention/.test(String(c.args.text)))
    .map((c) => JSON.stringify(c.args.blocks));

async function sweepAt(at: string) {
  world.clock.set(at);
  await world.vigil.scheduler.tick();
  await world.vigil.outbox.drain();
}

// Friday 13 March 2026, 19:00 in London (GMT): after working hours, before a weekend.
const FRIDAY_EVENING = '2026-03-13T19:00:00Z';

describe('an untriaged possible breach (seed 003 §5.7 "actual or possible")', () => {
  it('chases a Friday 19:00 report whose reporter is not sure about personal data that night, not on Monday', async () => {
    world = await createWorld({ clock: testClock(FRIDAY_EVENING) });
    await world.report(PEOPLE.staff, { personalData: 'unknown' });
    await world.vigil.outbox.drain();
    const incident = world.db.select().from(incidents).get();
    if (!incident) throw new Error('no report');

    // The 72-hour clock starts at awareness (the discovery the report gives), not at triage.
    const regulator = world.db
      .select()
      .from(notifications)
      .where(eq(notifications.incidentId, incident.id))
      .all();
    expect(regulator.map((n) => [n.kind, n.status, n.dueAt?.getTime()])).toEqual([
      ['regulator', 'pending', incident.awareAt.getTime() + 72 * 3_600_000],
    ]);

    await sweepAt('2026-03-13T19:30:00Z'); // half an hour: not yet
    expect(sirosDigests()).toHaveLength(0);
    await sweepAt('2026-03-13T20:05:00Z'); // Friday 20:05, outside working hours: urgent
    expect(sirosDigests()).toHaveLength(1);
    expect(sirosDigests()[0]).toContain(':rotating_light: *Urgent:*');
    expect(sirosDigests()[0]).toContain(
      'possible personal-data breach: the regulator must be told by Mon 16 Mar 18:59 (72 hours from awareness)',
    );
    expect(sirosDigests()[0]).toContain(CARD_ACTIONS.triage);
    await sweepAt('2026-03-13T22:00:00Z'); // the same round: not again
    expect(sirosDigests()).toHaveLength(1);
    await sweepAt('2026-03-14T03:05:00Z'); // Saturday night, four hours on: chased again
    expect(sirosDigests()).toHaveLength(2);
  });

  it('chases a report that customers or staff may be affected at any hour; a plain one waits for Monday', async () => {
    world = await createWorld({ clock: testClock(FRIDAY_EVENING) });
    await world.report(PEOPLE.staff, { staffAffected: 'unknown', personalData: 'no' });
    await world.report(PEOPLE.staff2, { title: 'Tailgating at the side door', personalData: 'no' });
    await world.vigil.outbox.drain();
    await sweepAt('2026-03-14T10:00:00Z'); // Saturday
    expect(sirosDigests()).toHaveLength(1);
    expect(sirosDigests()[0]).toContain('INC-2026-0001');
    expect(sirosDigests()[0]).toContain('customers or staff may be affected');
    expect(sirosDigests()[0]).not.toContain('INC-2026-0002');
    await sweepAt('2026-03-16T09:05:00Z'); // Monday: the plain report in working hours
    expect(sirosDigests().at(-1)).toContain('INC-2026-0002');
  });

  it('releases the possible regulator notification, with the reason, when triage finds no personal data', async () => {
    world = await createWorld({ clock: testClock(FRIDAY_EVENING) });
    await world.report(PEOPLE.staff, { personalData: 'unknown' });
    await world.vigil.outbox.drain();
    const id = world.db.select().from(incidents).get()?.id ?? 0;
    triageIncident(
      { db: world.db, clock: world.clock, config: world.config },
      actorFor(world.config, PEOPLE.siro, true),
      { incidentId: id },
      {
        outcome: 'incident',
        rationale: 'The laptop held no personal data',
        duplicateOf: null,
        severity: 'low',
        priority: 'P4',
        awareAt: world.clock.now(),
        facts: [],
      },
    );
    const n = world.db.select().from(notifications).get();
    expect([n?.status, n?.reason, n?.doneBy]).toEqual([
      'not_required',
      'Triage: no personal data involved',
      PEOPLE.siro,
    ]);
  });
});
