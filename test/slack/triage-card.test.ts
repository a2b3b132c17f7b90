import { asc, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { CARD_TEXT_BUDGET, textLength } from '../../blocks/card-budget';
import { CARD_ACTIONS, DUTY_ACTIONS } from '../../blocks/card-ids';
import { RECORD_ACTIONS } from '../../blocks/record-controls';
import { TRUNCATION_MARK } from '../../blocks/text';
import { actions, incidentEvents, incidents, notifications, reviews } from '../../db/schema';
import { addAction } from '../../src/domain/add-action';
import { recordNotification } from '../../src/domain/record-notification';
import { validateMessage, validateView } from '../../src/local-slack/block-kit-limits';
import type { Answer } from '../../src/local-slack/fill-view';
import { blockAction } from '../../src/local-slack/payloads';
import { controlsOf } from '../../src/local-slack/people';
import {
  createWorld,
  PEOPLE,
  SECURITY_CHANNEL,
  testClock,
  unexpectedErrors,
  type World,
} from '../helpers/world';

let world: World;
afterEach(async () => {
  await world?.stop();
});

const REF = 'INC-2026-0001';
const incident = (w: World) => {
  const row = w.db.select().from(incidents).where(eq(incidents.reference, REF)).get();
  if (!row) throw new Error('no incident');
  return row;
};
const dmsTo = (w: World, user: string) => w.dmsTo(user);
/** Slack's live relative time for `iso`, with the text shown where Slack cannot render it. */
const relative = (iso: string, fallback: string) => `<!date^${Date.parse(iso) / 1000}^{ago}|${fallback}>`;
const threadLines = (w: World) => w.threadLines();
/** The DMs telling `user` of an escalation (they get others: a report to triage, say). */
const escalations = (w: World, user: string) =>
  w.dmsTo(user).filter((c) => JSON.stringify(c.args).includes('is escalated to the SIRO'));

async function reported(answers = {}, env: Record<string, string> = {}) {
  world = await createWorld({ env });
  await world.report(PEOPLE.staff, answers);
  await world.vigil.outbox.drain();
  return world.card(REF);
}

async function triage(user: string, answers: Record<string, string | Date | null>) {
  const res = await world.click(user, world.card(REF), CARD_ACTIONS.triage);
  if (res.replies.length > 0) return { opened: false, replies: res.replies, body: null };
  const modal = world.lastModal(user);
  const submitted = await confirmed(user, await world.submitForm(user, modal, answers));
  await world.vigil.outbox.drain();
  return { opened: true, replies: [], body: submitted.body, modal };
}

/** Closing a report at triage asks once more: the person confirms in the dialog pushed on top. */
async function confirmed(user: string, answer: { body: Record<string, unknown> | null }) {
  if (answer.body?.response_action !== 'push') return answer;
  const dialog = world.lastModal(user);
  expect(dialog.view.callback_id).toBe('confirm_dismissal');
  return world.submitForm(user, dialog, {});
}

describe('triage by the SIRO', () => {
  it('records the decision, sets the target from severity, edits the card and logs a thread line', async () => {
    await reported();
    const result = await triage(PEOPLE.siro, {
      severity: 'high',
      priority: 'P2',
      rationale: 'Unencrypted laptop with payroll data <b>',
    });
    expect(result.body).toBeNull(); // the form closes
    // The category's tier (information leakage: Medium) was preselected in the form.
    expect(JSON.stringify(result.modal?.view.blocks)).toContain(
      '"initial_option":{"text":{"type":"plain_text","text":"Medium: limited harm',
    );

    const row = incident(world);
    expect(row).toMatchObject({
      status: 'triaged',
      triageOutcome: 'incident',
      severity: 'high',
      priority: 'P2',
    });
    expect(row.triagedAt?.toISOString()).toBe('2026-03-10T09:00:00.000Z');
    expect(row.targetResolutionAt?.toISOString()).toBe('2026-03-13T09:00:00.000Z'); // High: 72 hours
    expect(row.triageRationale).toBe('Unencrypted laptop with payroll data <b>');

    const card = JSON.stringify(world.card(REF).blocks);
    expect(card).toContain('Triaged');
    expect(card).toContain('*Target resolution:*');
    // Exactly 72 hours; Slack's {ago} keeps the distance current, the fallback is as of drawing.
    expect(card).toContain(`(due ${relative('2026-03-13T09:00:00Z', 'in 3 days')})`);
    expect(card).toContain('&lt;b&gt;');
    expect(card).not.toContain('card_triage'); // decided: the Triage button gives way to severity
    expect(card).toContain('card_severity');
    expect(world.fake.callsTo('chat.update', { ok: true }).length).toBeGreaterThan(0);
    expect(
      threadLines(world).some((l) =>
        l.includes(`<@${PEOPLE.siro}> triaged this as a security incident: severity High`),
      ),
    ).toBe(true);
    expect(unexpectedErrors(world)).toEqual([]);
  });

  it('refuses triage to anyone but the SIRO, explaining it only to them, and changes nothing', async () => {
    await reported();
    // A responder sees the card; staff and the MD cannot, so their clicks are forged.
    for (const person of [PEOPLE.responder, PEOPLE.staff, PEOPLE.md]) {
      const click = world.fake.canSee(person, SECURITY_CHANNEL) ? world.click : world.forgeClick;
      const res = await click(person, world.card(REF), CARD_ACTIONS.triage);
      expect(res.status).toBe(200);
      expect(res.replies).toEqual([`Only the SIRO may do that on ${REF}.`]);
    }
    expect(world.fake.callsTo('views.open')).toHaveLength(1); // only the report form
    expect(incident(world).status).toBe('reported');
    expect(
      world.logs.some((l) => l.message.includes(`refused triage on ${REF} for ${PEOPLE.responder}`)),
    ).toBe(true);
  });

  it('lets the configuration widen triage to the security team', async () => {
    await reported({}, { TRIAGE_ROLES: 'siro,security' });
    const result = await triage(PEOPLE.responder, { severity: 'low', priority: 'P4', rationale: 'Minor' });
    expect(result.opened).toBe(true);
    expect(incident(world).severity).toBe('low');
  });

  it('keeps an event that is not an incident in the register, closed, with its reason', async () => {
    await reported({ personalData: 'yes' });
    await triage(PEOPLE.siro, { outcome: 'not_incident', rationale: 'Laptop was in the locker all along' });
    const row = incident(world);
    expect(row).toMatchObject({ status: 'not_incident', triageOutcome: 'not_incident' });
    const regulator = world.db.select().from(notifications).where(eq(notifications.incidentId, row.id)).get();
    expect(regulator).toMatchObject({
      kind: 'regulator',
      status: 'not_required',
      reason: 'Triage: not a security incident',
    });
    const card = JSON.stringify(world.card(REF).blocks);
    expect(card).toContain('Closed: not a security incident');
    // Nothing more to do on it, unless new facts bring it back for triage (seed 003 §5.3); its
    // facts and evidence can still be completed (seed 003 §3.6).
    expect(controlsOf(world.card(REF).blocks).map((c) => c.element.action_id)).toEqual([
      DUTY_ACTIONS.retriage,
      CARD_ACTIONS.more,
    ]);
    const menu = controlsOf(world.card(REF).blocks).find((c) => c.element.action_id === CARD_ACTIONS.more);
    expect((menu?.element.options ?? []).map((o) => o.value)).toEqual(Object.values(RECORD_ACTIONS));
  });

  it('records a duplicate of another reference, and refuses one that does not exist', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff);
    await world.report(PEOPLE.staff2);
    await world.vigil.outbox.drain();
    const second = world.card('INC-2026-0002');
    await world.click(PEOPLE.siro, second, CARD_ACTIONS.triage);
    const modal = world.lastModal(PEOPLE.siro);
    const bad = await world.submitForm(PEOPLE.siro, modal, {
      outcome: 'duplicate',
      duplicateOf: 'INC-2026-0099',
      rationale: 'Same laptop',
    });
    expect(bad.body).toEqual({
      response_action: 'errors',
      errors: { rationale: 'There is no other incident INC-2026-0099 to be a duplicate of.' },
    });
    const good = await confirmed(
      PEOPLE.siro,
      await world.submitForm(PEOPLE.siro, modal, {
        outcome: 'duplicate',
        duplicateOf: 'inc-2026-0001',
        rationale: 'Same laptop',
      }),
    );
    expect(good.body).toEqual({ response_action: 'clear' });
    const row = world.db.select().from(incidents).where(eq(incidents.reference, 'INC-2026-0002')).get();
    expect(row).toMatchObject({ status: 'duplicate', duplicateOfId: incident(world).id });
    await world.vigil.outbox.drain();
    expect(JSON.stringify(world.card('INC-2026-0002').blocks)).toContain('a duplicate of INC-2026-0001');
  });
  it('refuses a duplicate of a record that is itself dismissed, pointing at the original', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff);
    await world.report(PEOPLE.staff2);
    await world.report(PEOPLE.staff2);
    await world.vigil.outbox.drain();
    await world.click(PEOPLE.siro, world.card('INC-2026-0002'), CARD_ACTIONS.triage);
    await confirmed(
      PEOPLE.siro,
      await world.submitForm(PEOPLE.siro, world.lastModal(PEOPLE.siro), {
        outcome: 'duplicate',
        duplicateOf: 'INC-2026-0001',
        rationale: 'Same laptop',
      }),
    );
    await world.vigil.outbox.drain();
    await world.click(PEOPLE.siro, world.card('INC-2026-0003'), CARD_ACTIONS.triage);
    const modal = world.lastModal(PEOPLE.siro);
    const refused = await world.submitForm(PEOPLE.siro, modal, {
      outcome: 'duplicate',
      duplicateOf: 'INC-2026-0002',
      rationale: 'Same laptop again',
    });
    expect(refused.body).toEqual({
      response_action: 'errors',
      errors: {
        rationale:
          'INC-2026-0002 is itself closed as a duplicate: mark this a duplicate of INC-2026-0001 instead.',
      },
    });
    const third = () =>
      world.db.select().from(incidents).where(eq(incidents.reference, 'INC-2026-0003')).get();
    expect(third()?.status).toBe('reported');
    await confirmed(
      PEOPLE.siro,
      await world.submitForm(PEOPLE.siro, modal, {
        outcome: 'duplicate',
        duplicateOf: 'INC-2026-0001',
        rationale: 'Same laptop again',
      }),
    );
    expect(third()).toMatchObject({ status: 'duplicate', duplicateOfId: incident(world).id });
  });
});

describe('assignment and escalation', () => {
  it('defaults the IRM to the head of department and DMs a new IRM without the description', async () => {
    const card = await reported();
    expect(incident(world).irmId).toBe(PEOPLE.hodFinance);
    await world.click(PEOPLE.responder, card, CARD_ACTIONS.assignIrm, { user: 'UNEWIRM' });
    expect(incident(world).irmId).toBe('UNEWIRM');
    const [dm] = dmsTo(world, 'UNEWIRM');
    const text = JSON.stringify(dm?.args);
    expect(text).toContain(`*${REF} · Laptop left on a train*`);
    expect(text).toContain('You are the *Incident Response Manager*');
    expect(text).toContain('Lost or stolen device');
    // UNEWIRM is not in the security channel: no link to a card they cannot open.
    expect(text).not.toContain('archives/GSECURITY');
    expect(text).not.toContain('Leeds');
    // The head of department they replace hears it, and their own message says so, its buttons gone.
    const replaced = dmsTo(world, PEOPLE.hodFinance).at(-1);
    expect(JSON.stringify(replaced?.args)).toContain('made <@UNEWIRM> the Incident Response Manager');
    const hodFirst = world.fake.messages(PEOPLE.hodFinance)[0];
    expect(JSON.stringify(hodFirst?.blocks)).toContain('handed to <@UNEWIRM> as Incident Response Manager');
    expect(JSON.stringify(hodFirst?.blocks)).not.toContain('"type":"actions"');
    expect(threadLines(world)).toContain(
      `<@${PEOPLE.responder}> made <@UNEWIRM> the Incident Response Manager.`,
    );
  });

  it('refuses reassignment by someone outside the team', async () => {
    const card = await reported();
    const res = await world.forgeClick(PEOPLE.staff2, card, CARD_ACTIONS.assignIrm, { user: PEOPLE.staff2 });
    // Someone not told of the incident is not told its reference either.
    expect(res.replies[0]).toBe('You cannot act on that incident, or it does not exist.');
    expect(incident(world).irmId).toBe(PEOPLE.hodFinance);
  });

  it('escalates to the SIRO and MD once per click, and records a deliberate re-escalation', async () => {
    const card = await reported();
    const [first, doubleClick] = await Promise.all([
      world.click(PEOPLE.responder, card, CARD_ACTIONS.escalate),
      world.click(PEOPLE.responder, card, CARD_ACTIONS.escalate),
    ]);
    // The second click of a double click hears what happened, not that the card moved.
    expect([...first.replies, ...doubleClick.replies]).toEqual([
      `${REF} was already escalated just now by <@${PEOPLE.responder}>: the SIRO and the Managing Director have been told. The card now shows it.`,
    ]);
    expect(escalations(world, PEOPLE.siro)).toHaveLength(1);
    expect(escalations(world, PEOPLE.md)).toHaveLength(1);
    expect(incident(world).escalatedAt?.toISOString()).toBe('2026-03-10T09:00:00.000Z');

    const again = await world.click(PEOPLE.responder, world.card(REF), CARD_ACTIONS.escalate);
    expect(again.replies).toEqual([]);
    expect(escalations(world, PEOPLE.siro)).toHaveLength(2);
    const types = world.db
      .select({ t: incidentEvents.type })
      .from(incidentEvents)
      .all()
      .map((e) => e.t);
    expect(types.filter((t) => t === 'escalated')).toHaveLength(2);
    expect(threadLines(world).filter((l) => l.includes('re-escalated'))).toHaveLength(1);
  });

  it('tells the head of department at report time that they are the IRM, without the description', async () => {
    await reported();
    const dms = dmsTo(world, PEOPLE.hodFinance);
    expect(dms).toHaveLength(1);
    const text = JSON.stringify(dms[0]?.args);
    expect(text).toContain(`You are the *Incident Response Manager* for *${REF} · Laptop left on a train*`);
    expect(text).toContain('Lost or stolen device');
    // The head of department is not in the security channel: no link to a card they cannot open,
    // but the steps they may take already (post an update, add an action).
    expect(text).not.toContain('archives/GSECURITY');
    expect(text).toContain('card_post_update');
    // The title, never the description (PRODUCT.md Privacy).
    expect(text).not.toContain('Leeds');
  });

  it('escalates automatically when triage finds customers or staff affected, once', async () => {
    await reported();
    expect(dmsTo(world, PEOPLE.md)).toHaveLength(0);
    await triage(PEOPLE.siro, {
      severity: 'high',
      priority: 'P1',
      rationale: 'Customer list on the laptop',
      facts: 'customers_affected',
    });
    expect(incident(world).escalatedAt?.toISOString()).toBe('2026-03-10T09:00:00.000Z');
    for (const person of [PEOPLE.siro, PEOPLE.md]) {
      const dms = escalations(world, person);
      expect(dms).toHaveLength(1);
      expect(JSON.stringify(dms[0]?.args)).toContain('Vigil escalated it at once');
    }
    const events = world.db.select().from(incidentEvents).orderBy(asc(incidentEvents.id)).all();
    expect(events.map((e) => [e.type, e.actorId])).toEqual([
      ['reported', PEOPLE.staff],
      ['triaged', PEOPLE.siro],
      ['escalated', 'vigil'],
    ]);
    expect(events[2]?.after).toMatchObject({ escalatedAt: '2026-03-10T09:00:00.000Z', automatic: true });
    expect(threadLines(world).at(-1)).toBe(
      'Escalated automatically to the SIRO and the Managing Director: triage found that customers or staff are affected.',
    );
    // The customers must be told, too.
    expect(world.db.select({ kind: notifications.kind }).from(notifications).all()).toEqual([
      { kind: 'customers' },
    ]);
  });

  it('escalates at report time and opens the customers obligation when the reporter says they are affected', async () => {
    await reported({ customersAffected: 'yes' });
    expect(escalations(world, PEOPLE.siro)).toHaveLength(1);
    expect(escalations(world, PEOPLE.md)).toHaveLength(1);
    const [customers] = world.db.select().from(notifications).all();
    expect(customers).toMatchObject({ kind: 'customers', status: 'pending' });
    expect(customers?.dueAt?.toISOString()).toBe('2026-03-13T09:00:00.000Z'); // 72 h from discovery
    expect(JSON.stringify(world.card(REF).blocks)).toContain('Affected customers');
    // Triage keeps the answer and does not escalate again.
    await triage(PEOPLE.siro, {
      severity: 'high',
      priority: 'P1',
      rationale: 'Customers affected',
      facts: 'customers_affected',
    });
    expect(escalations(world, PEOPLE.md)).toHaveLength(1);
    expect(world.db.select().from(notifications).all()).toHaveLength(1);
  });

  // Issue 13 item 4: customers and staff are asked and recorded separately (seed 003 §5.6, §5.7).
  it('escalates a staff-only report at once but owes the customers nothing', async () => {
    const card = await reported({ customersAffected: 'no', staffAffected: 'yes', personalData: 'no' });
    expect(incident(world)).toMatchObject({ customersAffected: 'no', staffAffected: 'yes' });
    expect(escalations(world, PEOPLE.siro)).toHaveLength(1);
    expect(escalations(world, PEOPLE.md)).toHaveLength(1);
    expect(world.db.select().from(notifications).all()).toEqual([]);
    const text = JSON.stringify(card.blocks);
    expect(text).toContain('*Customers affected:* No · *Staff affected:* Yes');
    expect(text).toContain('automatically');
    expect(text).toContain('staff may be affected');
    expect(text).not.toContain('Affected customers');
  });

  it('escalates when triage finds staff affected, without a customer obligation', async () => {
    await reported({ customersAffected: 'no', staffAffected: 'no', personalData: 'no' });
    expect(escalations(world, PEOPLE.md)).toHaveLength(0);
    await triage(PEOPLE.siro, {
      severity: 'medium',
      priority: 'P2',
      rationale: 'Payroll file shared too widely',
      facts: 'staff_affected',
    });
    expect(incident(world)).toMatchObject({ customersAffected: 'no', staffAffected: 'yes' });
    expect(escalations(world, PEOPLE.md)).toHaveLength(1);
    expect(world.db.select().from(notifications).all()).toEqual([]);
  });
});

describe('external notifications', () => {
  it('counts the regulator deadline 72 hours from awareness across a clock change', async () => {
    // 27 March 2026 10:00 GMT; British Summer Time starts at 01:00 UTC on 29 March.
    const clock = testClock('2026-03-27T12:00:00Z');
    world = await createWorld({ clock });
    await world.report(PEOPLE.staff, { personalData: 'yes', discoveredAt: new Date('2026-03-27T10:00:00Z') });
    await world.vigil.outbox.drain();
    const n = world.db.select().from(notifications).get();
    expect(n).toMatchObject({ kind: 'regulator', status: 'pending' });
    expect(n?.dueAt?.toISOString()).toBe('2026-03-30T10:00:00.000Z');
    const card = JSON.stringify(world.card(REF).blocks);
    expect(card).toContain('Data-protection regulator:* to notify by');
    expect(card).toContain('Mon 30 Mar 2026 11:00 Europe/London'); // 72 h later, an hour later on the wall clock
    expect(card).toContain(`(due ${relative('2026-03-30T10:00:00Z', 'in 2 days 22 hours')})`);

    // Awareness set explicitly at triage moves the deadline.
    await triage(PEOPLE.siro, {
      severity: 'high',
      priority: 'P1',
      rationale: 'Payroll data',
      awareAt: new Date('2026-03-27T08:00:00Z'),
    });
    expect(world.db.select().from(notifications).get()?.dueAt?.toISOString()).toBe(
      '2026-03-30T08:00:00.000Z',
    );

    clock.set('2026-03-30T09:00:00Z');
    // The MD (the DPO) is not in the security channel: they record it from the DM that asked them.
    const late = await world.clickWhereSeen(PEOPLE.md, REF, CARD_ACTIONS.recordNotification);
    expect(late.surface).toEqual({ channel: PEOPLE.md, ts: expect.any(String) });
    expect(late.replies).toEqual([]);
    const res = await world.submitForm(PEOPLE.md, world.lastModal(PEOPLE.md), { externalRef: 'ICO-12345' });
    expect(res.body).toBeNull();
    await world.vigil.outbox.drain();
    expect(world.db.select().from(notifications).get()).toMatchObject({
      status: 'done',
      doneBy: PEOPLE.md,
      externalRef: 'ICO-12345',
    });
    expect(threadLines(world).at(-1)).toContain('(reference ICO-12345), after the deadline.');
  });

  it('counts time left in elapsed hours when the server’s own zone changes its clocks', async () => {
    // vitest.config.ts runs the tests in America/New_York, which springs forward on 8 March 2026.
    expect(new Date('2026-03-06T12:00:00Z').getTimezoneOffset()).not.toBe(
      new Date('2026-03-09T12:00:00Z').getTimezoneOffset(),
    );
    const clock = testClock('2026-03-06T12:00:00Z');
    world = await createWorld({ clock });
    await world.report(PEOPLE.staff, { personalData: 'yes', discoveredAt: new Date('2026-03-06T12:00:00Z') });
    await world.vigil.outbox.drain();
    const card = JSON.stringify(world.card(REF).blocks);
    expect(card).toContain('Mon 9 Mar 2026 12:00 Europe/London');
    // Exactly 72 hours, not "3 days 1 hour" as New York's wall clock would have it.
    expect(card).toContain(`(due ${relative('2026-03-09T12:00:00Z', 'in 3 days')})`);
  });

  it('records a decision not to notify the regulator only with its reason, by the DPO or SIRO', async () => {
    await reported({ personalData: 'yes' });
    const refused = await world.click(PEOPLE.responder, world.card(REF), CARD_ACTIONS.recordNotification);
    expect(refused.replies[0]).toMatch(/^Only the SIRO or the Managing Director \/ DPO may do that/);

    await world.click(PEOPLE.siro, world.card(REF), CARD_ACTIONS.recordNotification);
    const modal = world.lastModal(PEOPLE.siro);
    const missing = await world.submitForm(PEOPLE.siro, modal, { outcome: 'not_required' });
    expect(missing.body).toEqual({
      response_action: 'errors',
      errors: { reason: 'Please record why no notification is needed.' },
    });
    await world.submitForm(PEOPLE.siro, modal, {
      outcome: 'not_required',
      reason: 'Data was encrypted at rest',
    });
    expect(world.db.select().from(notifications).get()).toMatchObject({
      status: 'not_required',
      reason: 'Data was encrypted at rest',
    });
  });

  it('opens the police obligation for a criminal incident and needs a crime number to close it', async () => {
    await reported();
    await world.click(PEOPLE.siro, world.card(REF), CARD_ACTIONS.triage);
    await world.submitForm(PEOPLE.siro, world.lastModal(PEOPLE.siro), {
      severity: 'medium',
      priority: 'P3',
      rationale: 'Stolen from a car',
      facts: 'criminal',
    });
    await world.vigil.outbox.drain();
    const police = world.db.select().from(notifications).get();
    expect(police).toMatchObject({ kind: 'police', status: 'pending' });
    expect(police?.dueAt?.toISOString()).toBe('2026-03-11T09:00:00.000Z'); // 24 h from awareness

    await world.clickWhereSeen(PEOPLE.iao, REF, CARD_ACTIONS.recordNotification);
    const modal = world.lastModal(PEOPLE.iao);
    const noNumber = await world.submitForm(PEOPLE.iao, modal, { outcome: 'done' });
    expect(noNumber.body).toEqual({
      response_action: 'errors',
      errors: { externalRef: 'Please give the crime number the police gave you.' },
    });
    await world.submitForm(PEOPLE.iao, modal, { outcome: 'done', externalRef: 'CR/2026/0042' });
    expect(incident(world).crimeNumber).toBe('CR/2026/0042');
  });

  it('keeps every change to the obligations in the audit trail: created, moved and released', async () => {
    world = await createWorld({ clock: testClock('2026-03-10T09:00:00Z') });
    await world.report(PEOPLE.staff, {
      personalData: 'yes',
      crimeNumber: 'CR/2026/0007',
      discoveredAt: new Date('2026-03-10T08:00:00Z'),
    });
    await world.vigil.outbox.drain();
    // Created with the report: the regulator to tell, the police already told (the crime number).
    const [reportedEvent] = world.db.select().from(incidentEvents).orderBy(asc(incidentEvents.id)).all();
    expect(reportedEvent?.before).toEqual({ notifications: { regulator: null, police: null } });
    expect(reportedEvent?.after?.notifications).toEqual({
      regulator: { status: 'pending', dueAt: '2026-03-13T08:00:00.000Z' },
      police: {
        status: 'done',
        dueAt: '2026-03-11T08:00:00.000Z',
        doneBy: PEOPLE.staff,
        doneAt: '2026-03-10T09:00:00.000Z',
        externalRef: 'CR/2026/0007',
      },
    });

    // Moved when triage sets an earlier awareness time.
    await triage(PEOPLE.siro, {
      severity: 'high',
      priority: 'P1',
      rationale: 'Stolen laptop',
      awareAt: new Date('2026-03-10T06:00:00Z'),
    });
    const triaged = world.db.select().from(incidentEvents).where(eq(incidentEvents.type, 'triaged')).get();
    expect(triaged?.before?.notifications).toEqual({
      regulator: { status: 'pending', dueAt: '2026-03-13T08:00:00.000Z' },
    });
    expect(triaged?.after?.notifications).toEqual({
      regulator: { status: 'pending', dueAt: '2026-03-13T06:00:00.000Z' },
    });
  });

  it('records the obligations released when triage decides it is not an incident', async () => {
    await reported({ personalData: 'yes' });
    await triage(PEOPLE.siro, { outcome: 'not_incident', rationale: 'Test data only' });
    const event = world.db
      .select()
      .from(incidentEvents)
      .where(eq(incidentEvents.type, 'dismissed_not_incident'))
      .get();
    expect(event?.before?.notifications).toEqual({
      regulator: { status: 'pending', dueAt: '2026-03-13T09:00:00.000Z' },
    });
    expect(event?.after?.notifications).toEqual({
      regulator: { status: 'not_required', reason: 'Triage: not a security incident' },
    });
    // The thread stays one line per change.
    expect(threadLines(world)).toHaveLength(1);
  });

  it('checks the crime number and that the record is open in the domain, not only in the form', async () => {
    await reported();
    await triage(PEOPLE.siro, { severity: 'low', priority: 'P4', rationale: 'Theft', facts: 'criminal' });
    const police = world.db.select().from(notifications).get();
    const ctx = { db: world.db, clock: world.clock, config: world.config };
    const iao = { id: PEOPLE.iao, roles: new Set(['iao'] as const) };
    const target = { incidentId: incident(world).id, notificationId: police?.id ?? 0 };
    expect(() =>
      recordNotification(ctx, iao, target, {
        outcome: 'done',
        doneAt: null,
        externalRef: null,
        reason: null,
      }),
    ).toThrow('Please give the crime number the police gave you.');
    // A record closed at triage owes nobody anything: nothing can be recorded on it.
    world.db
      .update(incidents)
      .set({ status: 'not_incident' })
      .where(eq(incidents.id, target.incidentId))
      .run();
    expect(() =>
      recordNotification(ctx, iao, target, {
        outcome: 'done',
        doneAt: null,
        externalRef: 'CR/1',
        reason: null,
      }),
    ).toThrow(`${REF} is closed (not incident): you cannot record notifications.`);
    expect(world.db.select().from(notifications).get()?.status).toBe('pending');
  });

  it('opens the national CERT obligation for network incidents, recorded by the CIO alone', async () => {
    await reported({ category: 'intrusion' });
    expect(world.db.select().from(notifications).get()).toMatchObject({ kind: 'cert', status: 'pending' });
    const siro = await world.click(PEOPLE.siro, world.card(REF), CARD_ACTIONS.recordNotification);
    expect(siro.replies[0]).toMatch(/^Only the CIO may do that/);
    // The CIO is not in the security channel: the DM that asks them for it has the button.
    const cio = await world.clickWhereSeen(PEOPLE.cio, REF, CARD_ACTIONS.recordNotification);
    expect(cio.replies).toEqual([]);
    const res = await world.submitForm(PEOPLE.cio, world.lastModal(PEOPLE.cio), { externalRef: 'NCSC-77' });
    expect(res.body).toBeNull();
    await world.vigil.outbox.drain();
    expect(world.db.select().from(notifications).get()).toMatchObject({
      kind: 'cert',
      status: 'done',
      doneBy: PEOPLE.cio,
      externalRef: 'NCSC-77',
    });
    expect(threadLines(world).at(-1)).toBe(
      `<@${PEOPLE.cio}> recorded the National CERT as notified (reference NCSC-77).`,
    );
    const card = JSON.stringify(world.card(REF).blocks);
    // A finished notification needs nobody: it takes one line (who and the reference are in the thread).
    expect(card).toContain('Notifications: 1 done');
    expect(card).not.toContain('card_record_notification');
  });

  it('records telling affected customers, or why they need not be told, by the IRM', async () => {
    world = await createWorld();
    for (const staff of [PEOPLE.staff, PEOPLE.staff2]) await world.report(staff);
    await world.vigil.outbox.drain();
    for (const ref of [REF, 'INC-2026-0002']) {
      await world.click(PEOPLE.siro, world.card(ref), CARD_ACTIONS.triage);
      await world.submitForm(PEOPLE.siro, world.lastModal(PEOPLE.siro), {
        severity: 'high',
        priority: 'P2',
        rationale: 'Customer list on the laptop',
        facts: 'customers_affected',
      });
    }
    await world.vigil.outbox.drain();
    const customers = () =>
      world.db
        .select()
        .from(notifications)
        .orderBy(asc(notifications.id))
        .all()
        .map((n) => [n.kind, n.status, n.doneBy, n.externalRef, n.reason]);
    expect(customers()).toEqual([
      ['customers', 'pending', null, null, null],
      ['customers', 'pending', null, null, null],
    ]);
    // The IRM (the Finance head) tells them; the security team may not record it.
    const refused = await world.click(PEOPLE.responder, world.card(REF), CARD_ACTIONS.recordNotification);
    expect(refused.replies[0]).toMatch(/^Only the SIRO, the Managing Director \/ DPO or the incident's/);
    await world.clickWhereSeen(PEOPLE.hodFinance, REF, CARD_ACTIONS.recordNotification);
    await world.submitForm(PEOPLE.hodFinance, world.lastModal(PEOPLE.hodFinance), {
      outcome: 'done',
      externalRef: 'Letter 2026-03-10',
    });
    await world.clickWhereSeen(PEOPLE.hodFinance, 'INC-2026-0002', CARD_ACTIONS.recordNotification);
    await world.submitForm(PEOPLE.hodFinance, world.lastModal(PEOPLE.hodFinance), {
      outcome: 'not_required',
      reason: 'The list was encrypted',
    });
    await world.vigil.outbox.drain();
    expect(customers()).toEqual([
      ['customers', 'done', PEOPLE.hodFinance, 'Letter 2026-03-10', null],
      ['customers', 'not_required', PEOPLE.hodFinance, null, 'The list was encrypted'],
    ]);
    expect(JSON.stringify(world.card('INC-2026-0002').blocks)).toContain('Notifications: 1 not required');
  });

  it('explains an already recorded notification in plain words, not a raw mention', async () => {
    await reported({ personalData: 'yes' });
    // Two people open the form before either saves.
    await world.click(PEOPLE.siro, world.card(REF), CARD_ACTIONS.recordNotification);
    const siroForm = world.lastModal(PEOPLE.siro);
    await world.clickWhereSeen(PEOPLE.md, REF, CARD_ACTIONS.recordNotification);
    const mdForm = world.lastModal(PEOPLE.md);
    expect((await world.submitForm(PEOPLE.siro, siroForm, { externalRef: 'ICO-1' })).body).toBeNull();
    const second = await world.submitForm(PEOPLE.md, mdForm, { externalRef: 'ICO-2' });
    expect(second.body).toEqual({
      response_action: 'errors',
      errors: {
        outcome:
          'The data-protection regulator notification was already recorded by someone else on Tue 10 Mar 2026 09:00 Europe/London. The card shows who recorded it.',
      },
    });
    expect(world.db.select().from(notifications).get()?.externalRef).toBe('ICO-1');
  });
});

describe('escalation messages', () => {
  const escalationDm = (user: string) => JSON.stringify(escalations(world, user).at(-1)?.args.blocks);

  it('says why when Vigil escalated on its own, and not when a person did', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff, { customersAffected: 'yes' });
    await world.vigil.outbox.drain();
    expect(escalationDm(PEOPLE.md)).toContain(
      'Vigil escalated it at once: the report or the triage says customers or staff may be affected',
    );
    await world.report(PEOPLE.staff2);
    await world.vigil.outbox.drain();
    await world.click(PEOPLE.responder, world.card('INC-2026-0002'), CARD_ACTIONS.escalate);
    expect(escalationDm(PEOPLE.md)).toContain(`<@${PEOPLE.responder}> escalated it.`);
    expect(escalationDm(PEOPLE.md)).not.toContain('customers or staff');
  });
});

describe('a card that reads well on a phone and stays current', () => {
  it('leads with one status line and the primary action, what needs someone now above what happened', async () => {
    const card = await reported({ customersAffected: 'yes', personalData: 'yes' });
    const at = (text: string) => card.blocks.findIndex((b) => JSON.stringify(b).includes(text));
    // Right below the header: state · severity · IRM · next deadline, then the escalation.
    expect(at('*Reported, awaiting triage* · severity not set')).toBe(1);
    expect(at(`IRM <@${PEOPLE.hodFinance}> · next: data-protection regulator`)).toBe(1);
    expect(at('Escalated to the SIRO and Managing Director automatically')).toBe(1);
    expect(at('"Triage"')).toBe(2);
    expect(at('*Data-protection regulator:* to notify by')).toBeLessThan(at('*Incident Response Manager:*'));
    expect(at('*What happened*')).toBeGreaterThan(at('"Triage"'));
  });

  it('redraws the card once when its target and a deadline pass, so "overdue" shows on time', async () => {
    await reported({ personalData: 'yes' });
    await triage(PEOPLE.siro, { severity: 'critical', priority: 'P1', rationale: 'Payroll data' });
    // Critical: 24 hours to resolve; the regulator: 72 hours from awareness (09:00 on 10 March).
    expect(JSON.stringify(world.card(REF).blocks)).toContain(
      `(due ${relative('2026-03-11T09:00:00Z', 'in 1 day')})`,
    );
    world.clock.set('2026-03-11T10:00:00Z');
    const updates = () => world.fake.callsTo('chat.update', { ok: true }).length;
    const before = updates();
    await world.vigil.scheduler.tick();
    await world.vigil.outbox.drain();
    expect(updates()).toBeGreaterThan(before);
    let card = JSON.stringify(world.card(REF).blocks);
    expect(card).toContain(':alarm_clock: Past its target resolution time');
    expect(card).toContain(`(*overdue*: due ${relative('2026-03-11T09:00:00Z', '1 hour ago')})`);
    expect(card).toContain(`(due ${relative('2026-03-13T09:00:00Z', 'in 1 day 23 hours')})`);

    // Another sweep, a restart or a second instance: nothing new has passed, nothing is redrawn.
    const afterTarget = updates();
    world.clock.set('2026-03-11T10:05:00Z');
    await world.vigil.scheduler.tick();
    await world.vigil.outbox.drain();
    expect(updates()).toBe(afterTarget);

    world.clock.set('2026-03-13T09:05:00Z');
    await world.vigil.scheduler.tick();
    await world.vigil.outbox.drain();
    card = JSON.stringify(world.card(REF).blocks);
    expect(card).toContain(
      `:rotating_light: *Data-protection regulator:* to notify by <!date^${Date.parse('2026-03-13T09:00:00Z') / 1000}`,
    );
    expect(card).toContain(`(*overdue*: due ${relative('2026-03-13T09:00:00Z', '5 minutes ago')})`);
    expect(updates()).toBe(afterTarget + 1);
  });
});

describe('refusals, retries and stale forms', () => {
  it('refuses a severity change by anyone but the SIRO and redraws the menu they picked it in', async () => {
    await reported();
    await triage(PEOPLE.siro, { severity: 'medium', priority: 'P3', rationale: 'Laptop' });
    const updates = world.fake.callsTo('chat.update', { ok: true }).length;
    const opened = world.fake.callsTo('views.open', { ok: true }).length;
    const res = await world.click(PEOPLE.responder, world.card(REF), CARD_ACTIONS.severity);
    expect(res).toEqual({ status: 200, replies: [`Only the SIRO may do that on ${REF}.`] });
    expect(incident(world).severity).toBe('medium');
    expect(world.fake.callsTo('views.open', { ok: true }).length).toBe(opened);
    // The clicker's "More…" showed "Change severity…": the card is drawn again, the menu empty.
    expect(world.fake.callsTo('chat.update', { ok: true }).length).toBe(updates + 1);
    expect(JSON.stringify(world.card(REF).blocks)).not.toContain('initial_option');
  });

  it('redraws the IRM select after a refused reassignment', async () => {
    const card = await reported();
    const updates = world.fake.callsTo('chat.update', { ok: true }).length;
    const res = await world.forgeClick(PEOPLE.staff2, card, CARD_ACTIONS.assignIrm, { user: PEOPLE.staff2 });
    expect(res.replies[0]).toBe('You cannot act on that incident, or it does not exist.');
    expect(world.fake.callsTo('chat.update', { ok: true }).length).toBe(updates + 1);
    expect(JSON.stringify(world.card(REF).blocks)).toContain(`"initial_user":"${PEOPLE.hodFinance}"`);
  });

  it('applies a control that Slack sends twice with the same action_ts once', async () => {
    const card = await reported();
    // Escalate is in the card's "More…" menu: the pick is what Slack sends twice.
    const control = card.blocks.find((b) => b.elements?.some((e) => e.action_id === CARD_ACTIONS.more));
    const payload = blockAction({
      userId: PEOPLE.responder,
      actionId: CARD_ACTIONS.more,
      actionType: 'static_select',
      selectedOption: { value: CARD_ACTIONS.escalate },
      blockId: String(control?.block_id),
      container: { type: 'message', channelId: SECURITY_CHANNEL, messageTs: card.ts },
      triggerId: world.fake.issueTrigger(PEOPLE.responder),
      responseUrl: world.fake.responseUrl('retry'),
    });
    for (let n = 0; n < 2; n++) {
      expect((await world.slack.interaction(payload)).status).toBe(200);
      await world.settled();
    }
    await world.vigil.outbox.drain();
    const escalations = world.db
      .select()
      .from(incidentEvents)
      .all()
      .filter((e) => e.type === 'escalated');
    expect(escalations).toHaveLength(1);
    expect(
      dmsTo(world, PEOPLE.md).filter((c) => JSON.stringify(c.args).includes('is escalated to the SIRO')),
    ).toHaveLength(1);
    expect(world.fake.responseUrlPosts).toEqual([]); // the retry was not refused as stale either
  });

  it('applies a form submitted again after it succeeded once', async () => {
    await reported();
    await world.click(PEOPLE.responder, world.card(REF), CARD_ACTIONS.postUpdate);
    const form = world.lastModal(PEOPLE.responder);
    for (let n = 0; n < 2; n++)
      expect((await world.submitForm(PEOPLE.responder, form, { text: 'Contained' })).body).toBeNull();
    await world.vigil.outbox.drain();
    expect(
      world.db
        .select()
        .from(incidentEvents)
        .all()
        .filter((e) => e.type === 'update'),
    ).toHaveLength(1);
    expect(threadLines(world).filter((l) => l.includes('Contained'))).toHaveLength(1);
  });

  it('gives a stale triage form back with the answers kept, and saves it against the current state', async () => {
    await reported();
    await world.click(PEOPLE.siro, world.card(REF), CARD_ACTIONS.triage);
    const form = world.lastModal(PEOPLE.siro);
    // Meanwhile someone posts an update: the incident's version moves on.
    await world.click(PEOPLE.responder, world.card(REF), CARD_ACTIONS.postUpdate);
    await world.submitForm(PEOPLE.responder, world.lastModal(PEOPLE.responder), { text: 'Police called' });
    const answers: Record<string, Answer> = {
      severity: 'high',
      priority: 'P2',
      rationale: 'Payroll & HR data',
      facts: 'criminal',
    };
    const stale = await world.submitForm(PEOPLE.siro, form, answers);
    expect(stale.body?.response_action).toBe('update');
    const view = stale.body?.view as { blocks: unknown[]; private_metadata: string; callback_id: string };
    expect(view.callback_id).toBe('triage_incident');
    expect(validateView(view)).toEqual([]);
    expect(JSON.parse(view.private_metadata)).toEqual({ i: incident(world).id, v: incident(world).version });
    const drawn = JSON.stringify(view.blocks);
    expect(drawn).toContain(`${REF} changed while this form was open.`);
    expect(drawn).toContain(`Latest change: :speech_balloon: <@${PEOPLE.responder}>: Police called`);
    expect(drawn).toContain('"initial_value":"Payroll & HR data"');
    expect(drawn).toContain(
      '"initial_option":{"text":{"type":"plain_text","text":"High: real harm: personal data, customers or staff, a key system","emoji":true},"value":"high"}',
    );
    expect(drawn).toContain(
      '"initial_options":[{"text":{"type":"plain_text","text":"It is criminal (police)"',
    );
    expect(incident(world).status).toBe('reported');

    // Saving the form Slack now shows (answers untouched) triages the incident.
    const again = await world.submitForm(PEOPLE.siro, { ...form, view: { ...form.view, ...view } }, {});
    expect(again.body).toBeNull();
    expect(incident(world)).toMatchObject({
      status: 'triaged',
      severity: 'high',
      triageRationale: 'Payroll & HR data',
    });
    expect(world.db.select().from(notifications).get()?.kind).toBe('police');
  });
});

describe('follow-through on the card', () => {
  async function resolvedWithAnalysis() {
    await reported();
    await triage(PEOPLE.siro, { severity: 'medium', priority: 'P3', rationale: 'Laptop' });
    // The head of department (the IRM) is not in the security channel: they act from their DMs.
    await world.clickWhereSeen(PEOPLE.hodFinance, REF, CARD_ACTIONS.resolve);
    await world.submitForm(PEOPLE.hodFinance, world.lastModal(PEOPLE.hodFinance), { how: 'Wiped' });
    await world.vigil.outbox.drain();
    await world.clickWhereSeen(PEOPLE.hodFinance, REF, CARD_ACTIONS.analysis);
    await world.submitForm(PEOPLE.hodFinance, world.lastModal(PEOPLE.hodFinance), {
      rootCause: 'No encryption policy',
      contributingFactors: 'Busy quarter-end',
      technicalMeasures: 'BitLocker',
      costAndResources: '2 days of IT time',
    });
    await world.vigil.outbox.drain();
    await world.click(PEOPLE.siro, world.card(REF), CARD_ACTIONS.analysisReview);
    await world.submitForm(PEOPLE.siro, world.lastModal(PEOPLE.siro), {
      decision: 'returned',
      comment: 'Add the cost of licences <please>',
    });
    await world.vigil.outbox.drain();
  }

  it('shows the send-back comment on the card and starts the next round from the last one', async () => {
    await resolvedWithAnalysis();
    expect(JSON.stringify(world.card(REF).blocks)).toContain(
      `*Causal analysis:* round 1, sent back for revision\\n>*Sent back by <@${PEOPLE.siro}>:* Add the cost of licences &lt;please&gt;`,
    );
    // The send-back reached the head of department by DM, with the comment and the button.
    const asked = await world.clickWhereSeen(PEOPLE.hodFinance, REF, CARD_ACTIONS.analysis);
    const dm =
      'channel' in asked.surface ? world.fake.message(asked.surface.channel, asked.surface.ts) : undefined;
    expect(JSON.stringify(dm?.blocks)).toContain('Round 1 was sent back by');
    expect(JSON.stringify(dm?.blocks)).toContain('Add the cost of licences &lt;please&gt;');
    const form = world.lastModal(PEOPLE.hodFinance);
    const drawn = JSON.stringify(form.view.blocks);
    expect(drawn).toContain('*Sent back after round 1:* Add the cost of licences &lt;please&gt;');
    for (const previous of ['No encryption policy', 'Busy quarter-end', 'BitLocker', '2 days of IT time'])
      expect(drawn).toContain(`"initial_value":"${previous}"`);
    // Only what changes needs typing; the rest of round 1 is carried over.
    await world.submitForm(PEOPLE.hodFinance, form, {
      costAndResources: '2 days of IT time and 40 licences',
    });
    const round2 = world.db.select().from(reviews).all().at(-1);
    expect(round2).toMatchObject({ round: 2, decision: 'pending' });
    expect(round2?.content).toMatchObject({
      rootCause: 'No encryption policy',
      contributingFactors: 'Busy quarter-end',
      technicalMeasures: 'BitLocker',
      costAndResources: '2 days of IT time and 40 licences',
    });
  });
});

describe('updates, actions and consistency', () => {
  it('posts updates in the thread with the text escaped', async () => {
    await reported();
    await world.click(PEOPLE.responder, world.card(REF), CARD_ACTIONS.postUpdate);
    const res = await world.submitForm(PEOPLE.responder, world.lastModal(PEOPLE.responder), {
      text: 'Laptop wiped remotely <!channel>',
    });
    expect(res.body).toBeNull();
    await world.vigil.outbox.drain();
    expect(threadLines(world)).toContain(
      `:speech_balloon: <@${PEOPLE.responder}>: Laptop wiped remotely &lt;!channel&gt;`,
    );
  });

  it('adds corrective and preventive actions with owner and due date, listed on the card', async () => {
    await reported();
    await world.click(PEOPLE.responder, world.card(REF), CARD_ACTIONS.addAction);
    await world.submitForm(PEOPLE.responder, world.lastModal(PEOPLE.responder), {
      kind: 'preventive',
      description: 'Enable disk encryption on all Finance laptops',
      ownerId: PEOPLE.hodFinance,
      dueAt: '2026-03-20',
    });
    await world.vigil.outbox.drain();
    const action = world.db.select().from(actions).get();
    expect(action).toMatchObject({
      kind: 'preventive',
      ownerId: PEOPLE.hodFinance,
      status: 'open',
      createdBy: PEOPLE.responder,
    });
    expect(action?.dueAt?.toISOString()).toBe('2026-03-21T00:00:00.000Z'); // end of 20 March, London (GMT)
    expect(JSON.stringify(world.card(REF).blocks)).toContain('Enable disk encryption on all Finance laptops');
  });

  it('refuses a click on an out-of-date card and redraws it', async () => {
    const stale = await reported();
    await world.click(PEOPLE.responder, stale, CARD_ACTIONS.assignIrm, { user: 'UOTHER' });
    const updatesBefore = world.fake.callsTo('chat.update').length;
    const res = await world.click(PEOPLE.responder, stale, CARD_ACTIONS.escalate);
    expect(res.replies).toEqual([
      `${REF} changed while you were looking at it. The card now shows its current state.`,
    ]);
    expect(incident(world).escalatedAt).toBeNull();
    expect(world.fake.callsTo('chat.update').length).toBeGreaterThan(updatesBefore);
  });

  it('lets only one of two simultaneous conflicting changes win, and the card agrees with the database', async () => {
    await reported();
    await triage(PEOPLE.siro, { severity: 'medium', priority: 'P3', rationale: 'Laptop' });
    const card = world.card(REF);
    // Two severity forms opened from the same card, saved at once with different answers.
    await world.click(PEOPLE.siro, card, CARD_ACTIONS.severity);
    const toCritical = world.lastModal(PEOPLE.siro);
    await world.click(PEOPLE.siro, card, CARD_ACTIONS.severity);
    const toLow = world.lastModal(PEOPLE.siro);
    const results = await Promise.all([
      world.submitForm(PEOPLE.siro, toCritical, { severity: 'critical', reason: 'Customer data after all' }),
      world.submitForm(PEOPLE.siro, toLow, { severity: 'low', reason: 'Encrypted after all' }),
    ]);
    // One is saved; the other comes back with its answers kept, to check against what changed.
    expect(results.map((r) => r.body?.response_action ?? 'saved').sort()).toEqual(['saved', 'update']);
    await world.vigil.outbox.drain();
    const severity = incident(world).severity;
    expect(['critical', 'low']).toContain(severity);
    const shown = JSON.stringify(world.card(REF).blocks);
    expect(shown).toContain(`*Triaged* · ${severity === 'low' ? 'Low' : 'Critical'} P3`);
    // The thread says where the target resolution time went (seed 003 §5.5).
    expect(world.threadLines().find((l) => l.includes('changed severity'))).toMatch(
      /Target resolution moved from <!date\^\d+\^[^>]+> to <!date\^\d+\^[^>]+>\.$/,
    );
  });

  it('tells the same story in the thread as in the audit trail', async () => {
    await reported({ customersAffected: 'yes' });
    await triage(PEOPLE.siro, { severity: 'high', priority: 'P1', rationale: 'Customers affected' });
    await world.click(PEOPLE.responder, world.card(REF), CARD_ACTIONS.assignIrm, { user: 'UNEWIRM' });
    await world.click(PEOPLE.responder, world.card(REF), CARD_ACTIONS.postUpdate);
    await world.submitForm(PEOPLE.responder, world.lastModal(PEOPLE.responder), { text: 'Contained' });
    await world.vigil.outbox.drain();
    const events = world.db.select().from(incidentEvents).orderBy(asc(incidentEvents.id)).all();
    expect(events.map((e) => e.type)).toEqual(['reported', 'escalated', 'triaged', 'irm_assigned', 'update']);
    // Every event after the report itself has its line in the thread, in order.
    expect(threadLines(world)).toEqual(events.slice(1).map((e) => e.summary));
  });

  it('fits the longest card the real flow can make into Slack’s limit, cutting the least important first', async () => {
    const long = (c: string, n = 3000) => c.repeat(n);
    world = await createWorld();
    await world.report(PEOPLE.staff, {
      category: 'intrusion',
      personalData: 'yes',
      customersAffected: 'yes',
      title: 'T'.repeat(150),
      description: long('<'),
      location: long('&'),
      dataInvolved: long('D'),
      peopleInvolved: long('P'),
      thirdPartyUse: long('>'),
    });
    await world.vigil.outbox.drain();
    // Each person acts where they see the step: the team on the card, everyone else in their DMs.
    const form = async (user: string, actionId: string, answers: Record<string, Answer>, block?: string) => {
      const click = world.fake.canSee(user, SECURITY_CHANNEL)
        ? await world.click(user, world.card(REF), actionId, block ? { block } : {})
        : await world.clickWhereSeen(user, REF, actionId);
      expect(click.replies, actionId).toEqual([]);
      const res = await world.submitForm(user, world.lastModal(user), answers);
      expect(res.body, actionId).toBeNull();
      await world.vigil.outbox.drain();
    };
    await form(PEOPLE.siro, CARD_ACTIONS.triage, {
      severity: 'critical',
      priority: 'P1',
      rationale: long('R'),
      facts: 'personal_data,criminal,customers_affected',
    });
    const pending = (kind: string) =>
      world.db
        .select()
        .from(notifications)
        .all()
        .find((n) => n.kind === kind);
    await form(
      PEOPLE.siro,
      CARD_ACTIONS.recordNotification,
      { outcome: 'not_required', reason: long('<', 2000) },
      `n${pending('regulator')?.id}`,
    );
    await form(
      PEOPLE.iao,
      CARD_ACTIONS.recordNotification,
      { externalRef: long('<', 200) },
      `n${pending('police')?.id}`,
    );
    await form(
      PEOPLE.hodFinance,
      CARD_ACTIONS.recordNotification,
      { externalRef: long('&', 200) },
      `n${pending('customers')?.id}`,
    );
    for (let n = 0; n < 10; n++)
      await form(PEOPLE.responder, CARD_ACTIONS.addAction, {
        kind: 'preventive',
        description: long('<', 1000),
        ownerId: PEOPLE.staff2,
        dueAt: '2026-03-20',
      });
    const first = world.db.select().from(actions).get();
    await world.clickWhereSeen(PEOPLE.staff2, REF, DUTY_ACTIONS.actionNotDoing, { value: String(first?.id) });
    await world.submitForm(PEOPLE.staff2, world.lastModal(PEOPLE.staff2), { reason: long('<', 2000) });
    await world.vigil.outbox.drain();
    await form(PEOPLE.hodFinance, CARD_ACTIONS.resolve, { how: long('H') });
    const analysis = {
      rootCause: long('<'),
      contributingFactors: long('C'),
      technicalMeasures: long('M'),
      administrativeMeasures: long('A'),
      costAndResources: long('$'),
    };
    await form(PEOPLE.hodFinance, CARD_ACTIONS.analysis, analysis);
    await form(PEOPLE.siro, CARD_ACTIONS.analysisReview, { decision: 'returned', comment: long('<', 2000) });
    await form(PEOPLE.siro, CARD_ACTIONS.learning, {
      recurrenceRisk: 'yes',
      reasoning: long('W'),
      vulnerabilities: long('V'),
      riskRegisterRef: long('<', 200),
    });

    // Every version of the card was accepted by the fake's Block Kit validator.
    expect(world.fake.callsTo('chat.update', { ok: false })).toEqual([]);
    expect(world.fake.callsTo('chat.postMessage', { ok: false })).toEqual([]);
    const card = world.card(REF);
    expect(validateMessage({ text: card.text, blocks: card.blocks })).toEqual([]);
    expect(textLength(card.blocks)).toBeLessThanOrEqual(CARD_TEXT_BUDGET);
    const text = (needle: string) => {
      const b = card.blocks.find((x) => JSON.stringify(x).includes(needle)) as { text?: { text: string } };
      return b?.text?.text ?? '';
    };
    // What needs someone now is all there, uncut.
    const shown = JSON.stringify(card.blocks);
    for (const fact of [
      'Escalated to the SIRO and Managing Director',
      ':hourglass_flowing_sand: *National CERT:* to notify by',
      'Notifications: 2 done · 1 not required',
      '*Target resolution:*',
      '*Causal analysis:* round 1, sent back for revision',
      '*Before closure:*',
      '*Action plan* (0 of 10 done or accepted)',
      '…and 2 more',
      'card_action_menu',
      'card_escalate',
    ])
      expect(shown).toContain(fact);
    // The reporter's optional details gave way first and most; the description kept more.
    expect(text('*Where:*').endsWith(TRUNCATION_MARK)).toBe(true);
    expect(text('*Where:*').length).toBeLessThanOrEqual(200);
    expect(text('*What happened*').endsWith(TRUNCATION_MARK)).toBe(true);
    expect(text('*What happened*').length).toBeGreaterThan(text('*Where:*').length);
  });

  it('keeps the card within Block Kit limits with long text, many actions and every notification', async () => {
    const long = (c: string) => c.repeat(3000);
    await reported({
      category: 'intrusion',
      personalData: 'yes',
      customersAffected: 'yes',
      title: 'T'.repeat(150),
      description: long('<'),
      location: long('&'),
      dataInvolved: long('D'),
      thirdPartyUse: long('>'),
    });
    await triage(PEOPLE.siro, {
      severity: 'critical',
      priority: 'P1',
      rationale: long('R'),
      facts: 'personal_data,criminal,customers_affected',
    });
    const ctx = { db: world.db, clock: world.clock, config: world.config };
    const actor = { id: PEOPLE.responder, roles: new Set(['security'] as const) };
    for (let n = 0; n < 30; n++)
      addAction(
        ctx,
        actor,
        { incidentId: incident(world).id },
        {
          kind: 'corrective',
          description: long('A').slice(0, 1000),
          ownerId: PEOPLE.hodFinance,
          dueAt: null,
        },
      );
    await world.vigil.outbox.drain();
    expect(world.fake.callsTo('chat.update', { ok: false })).toEqual([]);
    expect(world.fake.callsTo('chat.postMessage', { ok: false })).toEqual([]);
    const card = JSON.stringify(world.card(REF).blocks);
    expect(card).toContain('…and 22 more');
    expect(card).toContain('… (truncated)');
    expect(
      world.db
        .select()
        .from(notifications)
        .all()
        .map((n) => n.kind)
        .sort(),
    ).toEqual(['cert', 'customers', 'police', 'regulator']);
  });
});
