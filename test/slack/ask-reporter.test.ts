/**
 * Seed 003 §4.1: users give further information or evidence when the security team asks. The team
 * asks the reporter from the card; the reporter answers from the DM in a form; the answer lands on
 * the record, in the card's thread, and whoever asked is told. The reporter can add information or
 * files to their own report at any time, from the receipt DM or App Home. Only the reporter.
 */
import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { RECORD_ACTIONS, REPORTER_ACTIONS } from '../../blocks/record-controls';
import { evidence, incidentEvents } from '../../db/schema';
import { ANSWERED, NOT_YOURS } from '../../src/domain/reporter-dialogue';
import { blockAction } from '../../src/local-slack/payloads';
import { controlsOf } from '../../src/local-slack/people';
import { createWorld, PEOPLE, storedIncident, type World } from '../helpers/world';

let world: World;
afterEach(async () => {
  await world?.stop();
});

const REF = 'INC-2026-0001';
const QUESTION = 'Which train was it, and was the laptop encrypted?';
const incident = () => storedIncident(world, REF);
const events = (type: string) =>
  world.db
    .select()
    .from(incidentEvents)
    .where(eq(incidentEvents.incidentId, incident().id))
    .all()
    .filter((e) => e.type === type);
/** The reporter's newest DM carrying `actionId`, as their Slack shows it. */
const dmWith = (userId: string, actionId: string) => {
  const m = world.fake
    .messages(userId)
    .reverse()
    .find((msg) => controlsOf(msg.blocks ?? []).some((c) => c.element.action_id === actionId));
  if (!m) throw new Error(`${userId} has no DM with ${actionId}`);
  return m;
};

async function asked() {
  world = await createWorld();
  await world.report(PEOPLE.staff);
  await world.vigil.outbox.drain();
  await world.click(PEOPLE.responder, world.card(REF), RECORD_ACTIONS.askReporter);
  const empty = await world.submitForm(PEOPLE.responder, world.lastModal(PEOPLE.responder), {
    question: ' ',
  });
  expect(empty.body).toMatchObject({
    response_action: 'errors',
    errors: { question: 'Please write your question.' },
  });
  await world.submitForm(PEOPLE.responder, world.lastModal(PEOPLE.responder), { question: QUESTION });
  await world.vigil.outbox.drain();
}

describe('ask the reporter (seed 003 §4.1)', () => {
  it('asks the reporter by DM; the answer, with a file, lands on the record, in the thread and with whoever asked', async () => {
    await asked();
    const dm = dmWith(PEOPLE.staff, REPORTER_ACTIONS.answer);
    expect(JSON.stringify(dm.blocks)).toContain(QUESTION);
    expect(world.threadLines().join('\n')).toContain(
      `<@${PEOPLE.responder}> asked the reporter:\n>${QUESTION}`,
    );

    await world.people.as(PEOPLE.staff).click({ channel: PEOPLE.staff, ts: dm.ts }, REPORTER_ACTIONS.answer);
    await world.settled();
    const bytes = Buffer.from('photo of the ticket');
    const fileId = world.fake.uploadFromForm(PEOPLE.staff, {
      filename: 'ticket.jpg',
      bytes,
      mimetype: 'image/jpeg',
    });
    const res = await world.submitForm(PEOPLE.staff, world.lastModal(PEOPLE.staff), {
      answer: 'The 08:12 to Leeds; yes, BitLocker.',
      files: fileId,
    });
    expect(res.body).toBeNull();
    await world.vigil.outbox.drain();

    expect(events('reporter_answered')).toEqual([
      expect.objectContaining({
        actorId: PEOPLE.staff,
        after: expect.objectContaining({ question: QUESTION, answer: 'The 08:12 to Leeds; yes, BitLocker.' }),
      }),
    ]);
    expect(world.db.select().from(evidence).all()).toEqual([
      expect.objectContaining({
        source: 'reporter',
        addedBy: PEOPLE.staff,
        name: 'ticket.jpg',
        size: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
      }),
    ]);
    expect(world.threadLines().join('\n')).toContain(
      `<@${PEOPLE.staff}>, the reporter, answered* “${QUESTION}”:\n>The 08:12 to Leeds; yes, BitLocker.`,
    );
    // Whoever asked is told, with the answer.
    const told = world.dmsTo(PEOPLE.responder).map((c) => JSON.stringify(c.args.blocks));
    expect(told.some((b) => b.includes('answered your question') && b.includes('BitLocker'))).toBe(true);

    // Once per question: more goes through "Add information".
    const again = await world.people
      .as(PEOPLE.staff)
      .click({ channel: PEOPLE.staff, ts: dm.ts }, REPORTER_ACTIONS.answer);
    await world.settled();
    expect(again.replies()).toEqual([ANSWERED]);
    expect(events('reporter_answered')).toHaveLength(1);
  });

  it('refuses anyone but the reporter, forged click or forged form, revealing nothing and recording nothing', async () => {
    await asked();
    const dm = dmWith(PEOPLE.staff, REPORTER_ACTIONS.answer);
    const button = controlsOf(dm.blocks ?? []).find((c) => c.element.action_id === REPORTER_ACTIONS.answer);
    const responseUrl = world.fake.responseUrl();
    await world.slack.interaction(
      blockAction({
        userId: PEOPLE.staff2,
        actionId: REPORTER_ACTIONS.answer,
        blockId: String(button?.block.block_id),
        value: String(button?.element.value),
        container: { type: 'message', channelId: world.fake.dmChannelOf(PEOPLE.staff2), messageTs: dm.ts },
        triggerId: world.fake.issueTrigger(PEOPLE.staff2),
        responseUrl,
      }),
    );
    await world.settled();
    const replies = world.fake.responseUrlPosts
      .filter((p) => responseUrl.endsWith(p.path))
      .map((p) => p.body.text);
    expect(replies).toEqual([NOT_YOURS]);
    expect(world.fake.openModals(PEOPLE.staff2)).toEqual([]);

    // The reporter's own form, submitted by someone else.
    await world.people.as(PEOPLE.staff).click({ channel: PEOPLE.staff, ts: dm.ts }, REPORTER_ACTIONS.answer);
    await world.settled();
    const forged = await world.forgeSubmit(PEOPLE.responder, world.lastModal(PEOPLE.staff), {
      answer: 'Made up',
    });
    expect(forged.body).toEqual({ response_action: 'errors', errors: { answer: NOT_YOURS } });
    expect(events('reporter_answered')).toEqual([]);
  });

  it('lets the reporter add information from the receipt DM and from App Home; the IRM is told', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff);
    await world.vigil.outbox.drain();
    const receipt = dmWith(PEOPLE.staff, REPORTER_ACTIONS.addInformation);
    await world.people
      .as(PEOPLE.staff)
      .click({ channel: PEOPLE.staff, ts: receipt.ts }, REPORTER_ACTIONS.addInformation);
    await world.settled();
    const nothing = await world.submitForm(PEOPLE.staff, world.lastModal(PEOPLE.staff), {});
    expect(nothing.body).toMatchObject({
      errors: { information: 'Please write something or attach a file.' },
    });
    await world.submitForm(PEOPLE.staff, world.lastModal(PEOPLE.staff), {
      information: 'It had a sticker with the VPN PIN',
    });
    await world.vigil.outbox.drain();

    const home = await world.openHome(PEOPLE.staff);
    await world.people.as(PEOPLE.staff).click({ viewId: String(home.id) }, REPORTER_ACTIONS.addInformation);
    await world.settled();
    await world.submitForm(PEOPLE.staff, world.lastModal(PEOPLE.staff), {
      report: String(incident().id),
      information: 'The bag was blue',
    });
    await world.vigil.outbox.drain();

    expect(events('reporter_added_information').map((e) => e.after?.text)).toEqual([
      'It had a sticker with the VPN PIN',
      'The bag was blue',
    ]);
    expect(world.threadLines().join('\n')).toContain(
      `<@${PEOPLE.staff}>, the reporter, added information*:\n>The bag was blue`,
    );
    // The IRM (the head of Finance, by default) is told.
    const toIrm = world.dmsTo(PEOPLE.hodFinance).map((c) => JSON.stringify(c.args.blocks));
    expect(toIrm.filter((b) => b.includes('added information'))).toHaveLength(2);
    // Someone else's Home offers them nothing to add to.
    const other = await world.openHome(PEOPLE.staff2);
    expect(JSON.stringify(other.blocks)).not.toContain(REPORTER_ACTIONS.addInformation);
  });
});
