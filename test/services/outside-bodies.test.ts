/**
 * Seed 003 §5.7–5.9: outside bodies are configuration. The four defaults stay; an organisation
 * declares others in OUTSIDE_BODIES, each with its trigger and its deadlines from awareness, in
 * several stages where the body sets them (NIS2 Art. 23: early warning 24 h, notification 72 h,
 * final report one month).
 */
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { incidents, notifications } from '../../db/schema';
import { ConfigError, loadConfig } from '../../src/config';
import { Forbidden } from '../../src/domain/errors';
import { recordNotification } from '../../src/domain/record-notification';
import { actorFor } from '../../src/domain/roles';
import { triageIncident } from '../../src/domain/triage';
import { createWorld, PEOPLE, TEST_ENV, testClock, type World } from '../helpers/world';

let world: World;
/** Only the first test starts an app (the second reads configuration alone). */
let running = false;
afterEach(async () => {
  if (running) await world.stop();
  running = false;
});

const NIS2 = {
  id: 'nis2',
  label: 'NIS2 authority',
  trigger: { categoryGroup: 'network', severityAtLeast: 'high' },
  stages: [
    { id: 'early_warning', label: 'early warning', hours: 24 },
    { id: 'notification', label: 'incident notification', hours: 72 },
    { id: 'final_report', label: 'final report', hours: 720 },
  ],
  roles: ['cio'],
};
const H = 3_600_000;

const digestsTo = (user: string) =>
  world.fake
    .callsTo('chat.postMessage', { ok: true })
    .filter((c) => c.args.channel === user && /your attention/.test(String(c.args.text)))
    .map((c) => JSON.stringify(c.args.blocks));

describe('outside bodies from configuration (seed 003 §5.7–5.9)', () => {
  it('opens a configured NIS2 body’s three deadlines from awareness, reminds of them, and lets only its roles record them', async () => {
    world = await createWorld({
      clock: testClock('2026-03-09T10:00:00Z'),
      env: { OUTSIDE_BODIES: JSON.stringify([NIS2]) },
    });
    running = true;
    await world.report(PEOPLE.staff, { category: 'intrusion', personalData: 'no' });
    await world.vigil.outbox.drain();
    const incident = world.db.select().from(incidents).get();
    if (!incident) throw new Error('no report');
    const rows = () =>
      world.db
        .select()
        .from(notifications)
        .where(eq(notifications.incidentId, incident.id))
        .orderBy(notifications.id)
        .all();
    // Before triage there is no severity: the NIS2 trigger (High and up) does not hold; the CERT's does.
    expect(rows().map((n) => n.kind)).toEqual(['cert']);

    const ctx = { db: world.db, clock: world.clock, config: world.config };
    triageIncident(
      ctx,
      actorFor(world.config, PEOPLE.siro, true),
      { incidentId: incident.id },
      {
        outcome: 'incident',
        rationale: 'Intrusion into the payroll system',
        duplicateOf: null,
        severity: 'high',
        priority: 'P2',
        awareAt: incident.awareAt,
        facts: [],
      },
    );
    const nis2 = rows().filter((n) => n.kind === 'nis2');
    expect(
      nis2.map((n) => [n.stage, n.label, n.status, (n.dueAt?.getTime() ?? 0) - incident.awareAt.getTime()]),
    ).toEqual([
      ['early_warning', 'NIS2 authority: early warning', 'pending', 24 * H],
      ['notification', 'NIS2 authority: incident notification', 'pending', 72 * H],
      ['final_report', 'NIS2 authority: final report', 'pending', 720 * H],
    ]);

    // The early warning is due within a day: its recorder (the CIO) is reminded, urgently.
    world.clock.set('2026-03-09T11:00:00Z');
    await world.vigil.scheduler.tick();
    await world.vigil.outbox.drain();
    expect(digestsTo(PEOPLE.cio).at(-1)).toContain('NIS2 authority: early warning must be notified within');
    expect(digestsTo(PEOPLE.cio).at(-1)).not.toContain('final report');
    // Two days on, the notification stage comes due in its turn.
    world.clock.set('2026-03-11T11:00:00Z');
    await world.vigil.scheduler.tick();
    await world.vigil.outbox.drain();
    expect(digestsTo(PEOPLE.cio).at(-1)).toContain(
      'NIS2 authority: incident notification must be notified within',
    );

    const early = nis2[0]?.id ?? 0;
    const record = (who: string) =>
      recordNotification(
        ctx,
        actorFor(world.config, who, who === PEOPLE.responder),
        { incidentId: incident.id, notificationId: early },
        { outcome: 'done', doneAt: null, externalRef: 'NIS2-EW-1', reason: null },
      );
    expect(() => record(PEOPLE.md)).toThrow(Forbidden);
    expect(() => record(PEOPLE.md)).toThrow(
      'Only the CIO may record the NIS2 authority: early warning notification',
    );
    record(PEOPLE.cio);
    expect(rows().find((n) => n.id === early)?.status).toBe('done');
  });

  it('refuses to start on a bad OUTSIDE_BODIES, naming the setting and the problem', () => {
    const load = (value: string) => () => loadConfig({ ...TEST_ENV, OUTSIDE_BODIES: value });
    expect(load('not json')).toThrow(ConfigError);
    expect(load('not json')).toThrow(/OUTSIDE_BODIES is not valid JSON/);
    expect(load(JSON.stringify([{ ...NIS2, stages: [] }]))).toThrow(
      /OUTSIDE_BODIES .*needs at least one stage/,
    );
    expect(load(JSON.stringify([{ ...NIS2, id: 'regulator' }]))).toThrow(
      /OUTSIDE_BODIES declares the body "regulator" twice/,
    );
    expect(load(JSON.stringify([{ ...NIS2, trigger: {} }]))).toThrow(
      /OUTSIDE_BODIES .*needs at least one condition/,
    );
    expect(load(JSON.stringify([{ ...NIS2, roles: ['janitor'] }]))).toThrow(/OUTSIDE_BODIES/);
    // Unset, the four defaults stand alone, with their NOTIFY_*_HOURS.
    const config = loadConfig({ ...TEST_ENV, NOTIFY_POLICE_HOURS: '12' });
    expect(config.outsideBodies.map((b) => [b.id, b.stages.map((s) => s.hours)])).toEqual([
      ['regulator', [72]],
      ['police', [12]],
      ['cert', [24]],
      ['customers', [72]],
    ]);
  });
});
