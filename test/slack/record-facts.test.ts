/**
 * Seed 003 §3.6: the facts are established as rapidly as possible, then completed. The security
 * team corrects the report's facts from the card with a reason; each change is kept before and
 * after; what follows from the facts (suggested severity, outside bodies and their clocks,
 * statistics) follows the corrected facts.
 */

import { addHours } from 'date-fns';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { CARD_ACTIONS } from '../../blocks/card-ids';
import { RECORD_ACTIONS } from '../../blocks/record-controls';
import { incidentEvents, notifications } from '../../db/schema';
import { NOT_YOURS } from '../../src/domain/knows-of';
import { computeStatistics } from '../../src/services/statistics';
import { createWorld, PEOPLE, storedIncident, type World } from '../helpers/world';

let world: World;
afterEach(async () => {
  await world?.stop();
});

const REF = 'INC-2026-0001';
const incident = () => storedIncident(world, REF);
const events = () =>
  world.db.select().from(incidentEvents).where(eq(incidentEvents.incidentId, incident().id)).all();
const obligations = () =>
  world.db.select().from(notifications).where(eq(notifications.incidentId, incident().id)).all();

async function openCorrection(userId: string) {
  const click = await world.click(userId, world.card(REF), RECORD_ACTIONS.correctFacts);
  expect(click.replies).toEqual([]);
  return world.lastModal(userId);
}

describe('the security team corrects the report’s facts (seed 003 §3.6)', () => {
  it('correcting personal data to "yes" opens the regulator duty with its 72-hour clock from awareness, audited before and after', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff, { personalData: 'no', customersAffected: 'no', staffAffected: 'no' });
    await world.vigil.outbox.drain();
    expect(obligations()).toEqual([]);

    // The reason is required: the form keeps the answers and says so on the question.
    const form = await openCorrection(PEOPLE.responder);
    const missing = await world.submitForm(PEOPLE.responder, form, {
      personalData: 'yes',
      personalDataCount: 212,
      category: 'customer_access',
      reason: ' ',
    });
    expect(missing.body).toMatchObject({
      response_action: 'errors',
      errors: { reason: expect.stringMatching(/^Please say why/) },
    });
    expect(incident().personalData).toBe('no');

    const saved = await world.submitForm(PEOPLE.responder, form, {
      personalData: 'yes',
      personalDataCount: 212,
      category: 'customer_access',
      reason: 'The laptop held the payroll export (Priya, by phone)',
    });
    expect(saved.body).toBeNull();
    await world.vigil.outbox.drain();

    const i = incident();
    expect(i).toMatchObject({ personalData: 'yes', personalDataCount: 212, category: 'customer_access' });
    // The suggested severity follows the category (Harm to customers: High).
    expect(i.suggestedSeverity).toBe('high');
    const regulator = obligations().find((n) => n.kind === 'regulator');
    expect(regulator).toMatchObject({ status: 'pending', dueAt: addHours(i.awareAt, 72) });

    const event = events().find((e) => e.type === 'facts_corrected');
    expect(event).toMatchObject({
      actorId: PEOPLE.responder,
      before: {
        personalData: 'no',
        personalDataCount: null,
        category: 'device_loss',
        suggestedSeverity: 'medium',
      },
      after: {
        personalData: 'yes',
        personalDataCount: 212,
        category: 'customer_access',
        suggestedSeverity: 'high',
        reason: 'The laptop held the payroll export (Priya, by phone)',
        notifications: { regulator: { status: 'pending', dueAt: addHours(i.awareAt, 72).toISOString() } },
      },
    });
    // The thread says who changed what, from what to what, why, and the clock that now runs.
    const line = world.threadLines().find((l) => l.includes('Facts corrected'));
    expect(line).toContain(`<@${PEOPLE.responder}>`);
    expect(line).toContain('*Personal data:* No → Yes');
    expect(line).toContain('*Number of people:* _none_ → 212');
    expect(line).toContain('Reason: The laptop held the payroll export (Priya, by phone)');
    expect(line).toMatch(/Data-protection regulator to be told by <!date\^/);
    // The duty follows at once: the Managing Director / DPO is asked by DM to record it.
    expect(await world.findControl(PEOPLE.md, REF, CARD_ACTIONS.recordNotification)).toMatchObject({
      channel: PEOPLE.md,
    });
    // Statistics read the corrected category.
    const stats = computeStatistics(world.db, {
      from: new Date('2026-01-01'),
      to: new Date('2027-01-01'),
      now: world.clock.now(),
      orgTimeZone: 'Europe/London',
    });
    expect(stats.byCategory.map((c) => [c.category, c.count])).toEqual([['customer_access', 1]]);
  });

  it('correcting personal data back to "no" withdraws the untouched regulator duty as not required, with the reason', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff, { personalData: 'yes' });
    await world.vigil.outbox.drain();
    expect(obligations().map((n) => [n.kind, n.status])).toEqual([['regulator', 'pending']]);
    const form = await openCorrection(PEOPLE.siro);
    await world.submitForm(PEOPLE.siro, form, {
      personalData: 'no',
      reason: 'The laptop was wiped; it held no personal data',
    });
    await world.vigil.outbox.drain();
    expect(obligations()[0]).toMatchObject({
      kind: 'regulator',
      status: 'not_required',
      reason: 'Facts corrected: The laptop was wiped; it held no personal data',
      doneBy: PEOPLE.siro,
    });
    expect(world.threadLines().join('\n')).toContain('No longer owed: Data-protection regulator');
    // New facts again: the duty the correction withdrew is owed again, from awareness.
    world.clock.advance(3_600_000);
    await world.submitForm(PEOPLE.siro, await openCorrection(PEOPLE.siro), {
      personalData: 'yes',
      reason: 'A backup on the laptop held customer addresses after all',
    });
    expect(obligations()).toEqual([
      expect.objectContaining({
        kind: 'regulator',
        status: 'pending',
        reason: null,
        dueAt: addHours(incident().awareAt, 72),
      }),
    ]);
  });

  it('asks customers and staff separately: correcting customers to "no" and staff to "yes" withdraws the customer notice only', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff, { customersAffected: 'yes', staffAffected: 'no', personalData: 'no' });
    await world.vigil.outbox.drain();
    expect(obligations().map((n) => [n.kind, n.status])).toEqual([['customers', 'pending']]);
    const form = await openCorrection(PEOPLE.siro);
    const asked = JSON.stringify(form.view.blocks);
    expect(asked).toContain('Could customers be affected?');
    expect(asked).toContain('Could staff be affected?');
    await world.submitForm(PEOPLE.siro, form, {
      customersAffected: 'no',
      staffAffected: 'yes',
      reason: 'The file held payroll data only',
    });
    await world.vigil.outbox.drain();
    expect(incident()).toMatchObject({
      customersAffected: 'no',
      staffAffected: 'yes',
      customersOrStaffAffected: 'yes',
    });
    expect(obligations().map((n) => [n.kind, n.status])).toEqual([['customers', 'not_required']]);
    const lines = world.threadLines().join('\n');
    expect(lines).toContain('Customers affected');
    expect(lines).toContain('Staff affected');
  });

  it('escalates to the SIRO and the Managing Director when a correction finds staff affected', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff, { customersAffected: 'no', staffAffected: 'no', personalData: 'no' });
    await world.vigil.outbox.drain();
    expect(incident().escalatedAt).toBeNull();
    const dmsTo = (user: string) =>
      world.fake.callsTo('chat.postMessage', { ok: true }).filter((c) => c.args.channel === user).length;
    const before = { siro: dmsTo(PEOPLE.siro), md: dmsTo(PEOPLE.md) };
    await world.submitForm(PEOPLE.responder, await openCorrection(PEOPLE.responder), {
      staffAffected: 'yes',
      reason: 'Payroll records were on it (HR, by phone)',
    });
    await world.vigil.outbox.drain();
    expect(incident().escalatedAt).not.toBeNull();
    expect(
      events()
        .filter((e) => e.type === 'escalated')
        .map((e) => [e.actorId, e.after]),
    ).toEqual([['vigil', expect.objectContaining({ automatic: true })]]);
    expect(world.threadLines().join('\n')).toContain('corrected facts say customers or staff are affected');
    expect(dmsTo(PEOPLE.siro)).toBeGreaterThan(before.siro);
    expect(dmsTo(PEOPLE.md)).toBeGreaterThan(before.md);
  });

  it('tells an Information Asset Owner the corrected report now names (seed 003 §3.7)', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff);
    await world.vigil.outbox.drain();
    expect(world.dmsTo(PEOPLE.iao)).toEqual([]);
    const form = await openCorrection(PEOPLE.responder);
    await world.submitForm(PEOPLE.responder, form, {
      assetOwnerId: PEOPLE.iao,
      reason: 'Finance owns the payroll export',
    });
    await world.vigil.outbox.drain();
    expect(incident().assetOwnerId).toBe(PEOPLE.iao);
    expect(world.dmsTo(PEOPLE.iao).map((c) => String(c.args.text))).toEqual([
      `${REF}: a report names you as the Information Asset Owner`,
    ]);
  });

  it('refuses the reporter and anyone outside the team, even with a forged submission, and changes nothing', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff, { personalData: 'no' });
    await world.vigil.outbox.drain();
    const form = await openCorrection(PEOPLE.responder);
    const version = incident().version;
    // The reporter knows the incident and is told who may; anyone else learns nothing of it.
    const refusals = {
      [PEOPLE.staff]: `Only the SIRO, the security team or the incident's Incident Response Manager may correct the report's facts on ${REF}.`,
      [PEOPLE.staff2]: NOT_YOURS,
    };
    for (const [who, reason] of Object.entries(refusals)) {
      const forged = await world.forgeSubmit(who, form, { personalData: 'yes', reason: 'I know better' });
      expect(forged.body).toMatchObject({ response_action: 'errors', errors: { reason } });
    }
    expect(incident()).toMatchObject({ personalData: 'no', version });
    expect(events().some((e) => e.type === 'facts_corrected')).toBe(false);
    expect(obligations()).toEqual([]);
  });
});
