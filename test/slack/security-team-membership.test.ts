/**
 * An acknowledged click is never lost (issue 12 item 10): who is in the security team is decided
 * from what Vigil keeps (read from Slack at start, then member_joined_channel /
 * member_left_channel), never by a Slack call on a click's path; a click is stored before it is
 * acknowledged.
 */
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { CARD_ACTIONS } from '../../blocks/card-ids';
import { channelMembers, incidentEvents } from '../../db/schema';
import { eventCallback } from '../../src/local-slack/payloads';
import { createWorld, PEOPLE, SECURITY_CHANNEL, type World } from '../helpers/world';

let world: World;
afterEach(async () => {
  await world?.stop();
});

const REF = 'INC-2026-0001';
const escalations = () =>
  world.db
    .select({ actorId: incidentEvents.actorId })
    .from(incidentEvents)
    .where(eq(incidentEvents.type, 'escalated'))
    .all()
    .map((e) => e.actorId);
const members = () =>
  world.db
    .select({ userId: channelMembers.userId })
    .from(channelMembers)
    .all()
    .map((m) => m.userId)
    .sort();

async function membership(
  type: 'member_joined_channel' | 'member_left_channel',
  user: string,
  eventId: string,
) {
  const res = await world.slack.event(
    eventCallback({ type, user, channel: SECURITY_CHANNEL, channel_type: 'G' }, { eventId }),
  );
  expect(res.status).toBe(200);
  await world.settled();
}

describe('the security team, as Vigil keeps it', () => {
  it('is read from Slack once at start; a click asks Slack nothing about it, even when Slack cannot answer', async () => {
    world = await createWorld();
    expect(members()).toEqual([PEOPLE.responder, PEOPLE.siro, world.fake.botUserId].sort());
    const asked = world.fake.callsTo('conversations.members').length;
    expect(asked).toBeGreaterThan(0);
    await world.report(PEOPLE.staff);
    await world.vigil.outbox.drain();
    world.fake.fail('conversations.members', { kind: 'error', error: 'internal_error' });
    const res = await world.click(PEOPLE.responder, world.card(REF), CARD_ACTIONS.escalate);
    expect(res.replies).toEqual([]);
    expect(escalations()).toEqual([PEOPLE.responder]);
    expect(world.fake.calls.filter((c) => c.method === 'conversations.members')).toHaveLength(asked);
  });

  it('follows members joining and leaving the channel', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff);
    await world.vigil.outbox.drain();
    await membership('member_left_channel', PEOPLE.responder, 'EvLEFT1');
    expect(members()).not.toContain(PEOPLE.responder);
    const refused = await world.forgeClick(PEOPLE.responder, world.card(REF), CARD_ACTIONS.escalate);
    expect(refused.replies).toEqual([expect.stringMatching(/^(Only the security team|You cannot act)/)]);
    expect(escalations()).toEqual([]);

    await membership('member_joined_channel', PEOPLE.staff2, 'EvJOIN1');
    expect(members()).toContain(PEOPLE.staff2);
    const joined = await world.forgeClick(PEOPLE.staff2, world.card(REF), CARD_ACTIONS.escalate);
    expect(joined.replies).toEqual([]);
    expect(escalations()).toEqual([PEOPLE.staff2]);
  });
});
