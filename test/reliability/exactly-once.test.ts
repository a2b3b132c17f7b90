/**
 * Exactly once, not at least once (issue 12 item 9): each message Vigil posts carries metadata
 * naming its delivery; when Slack took a post but its answer was lost, the retry finds the
 * message in the conversation's recent history and records it instead of posting a second copy.
 */
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { CARD_ACTIONS } from '../../blocks/card-ids';
import { incidents, outbox } from '../../db/schema';
import { createWorld, PEOPLE, SECURITY_CHANNEL, type World } from '../helpers/world';

let world: World;
afterEach(async () => {
  await world?.stop();
});

const topLevel = () => world.fake.messages(SECURITY_CHANNEL).filter((m) => !m.thread_ts);
const dutyDms = (userId: string) =>
  world.dmsTo(userId).filter((c) => String(c.args.text).includes('Waiting on you'));
const receipts = () => world.dmsTo(PEOPLE.staff).filter((c) => String(c.args.text).includes('INC-2026-0001'));

async function retried() {
  for (let n = 0; n < 4; n++) {
    await world.vigil.outbox.drain();
    world.clock.advance(20_000);
  }
  await world.vigil.outbox.drain();
}

describe('each message once, though Slack’s answer was lost', () => {
  it('finds the card, the receipt and the head’s DM Slack took, and posts none of them twice', async () => {
    world = await createWorld();
    // Every post Slack takes in this report loses its answer: the card, the receipt, the DMs.
    world.fake.fail('chat.postMessage', { kind: 'lost_reply' }, 3);
    await world.report(PEOPLE.staff);
    await retried();

    expect(topLevel()).toHaveLength(1);
    const [card] = topLevel();
    expect(card?.metadata).toEqual({
      event_type: 'vigil_delivery',
      event_payload: { delivery_id: expect.any(Number), incident_id: 1 },
    });
    expect(world.db.select().from(incidents).get()).toMatchObject({
      cardChannelId: SECURITY_CHANNEL,
      cardTs: card?.ts,
    });
    expect(receipts()).toHaveLength(1);
    expect(dutyDms(PEOPLE.hodFinance)).toHaveLength(1);
    expect(world.db.select().from(outbox).where(eq(outbox.status, 'pending')).all()).toEqual([]);
    expect(world.fake.callsTo('conversations.history').length).toBeGreaterThan(0);
    expect(
      world.logs.filter((l) => /recorded, not posted again/.test(l.message)).length,
    ).toBeGreaterThanOrEqual(2);
  });

  it('looks in the card’s thread for a thread line whose answer was lost', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff);
    await world.vigil.outbox.drain();
    const lines = world.threadLines().length;
    world.fake.fail('chat.postMessage', { kind: 'lost_reply' }, 1);
    await world.act(PEOPLE.siro, 'INC-2026-0001', CARD_ACTIONS.escalate);
    await retried();
    expect(
      world
        .threadLines()
        .slice(lines)
        .filter((l) => l.includes('escalated')),
    ).toHaveLength(1);
    expect(world.fake.callsTo('conversations.replies').length).toBeGreaterThan(0);
  });

  it('posts again, and says so, when it may not read the conversation (no history scope)', async () => {
    world = await createWorld();
    world.fake.fail('conversations.history', { kind: 'error', error: 'missing_scope' });
    world.fake.fail('chat.postMessage', { kind: 'lost_reply' }, 1);
    await world.report(PEOPLE.staff);
    await retried();
    expect(topLevel()).toHaveLength(2);
    expect(world.db.select().from(incidents).get()?.cardTs).toBe(topLevel()[1]?.ts);
    expect(
      world.logs.some(
        (l) =>
          l.level === 'warn' &&
          /cannot look for a message Slack may already have \(missing_scope: add groups:history and im:history\); posting it again/.test(
            l.message,
          ),
      ),
    ).toBe(true);
  });
});
