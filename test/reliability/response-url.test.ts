/**
 * Answers to a click go to its response URL by the lean path (src/slack/lean-client.ts), not
 * Bolt's fetch. When Slack refuses one (an expired URL), the click has still been acknowledged,
 * nothing was changed by it, the failure is logged, and the next answer goes through.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CARD_ACTIONS } from '../../blocks/card-ids';
import { createWorld, PEOPLE, storedIncident, type World } from '../helpers/world';

let world: World;
afterEach(async () => {
  await world?.stop();
});

const REF = 'INC-2026-0001';

describe('answers to a response URL', () => {
  it('survives a refused answer to a stale click, and answers the next one', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff);
    await world.vigil.outbox.drain();
    const seen = world.card(REF);
    await world.click(PEOPLE.siro, seen, CARD_ACTIONS.escalate);
    const version = storedIncident(world, REF).version;
    world.clock.advance(3 * 60_000);

    world.expectErrors(/Failed to respond to the response_url: 404/);
    world.expectErrors(/An unhandled error occurred/);
    world.fake.fail('response_url', { kind: 'http', status: 404 }, 1);
    const refused = await world.click(PEOPLE.siro, seen, CARD_ACTIONS.escalate);
    expect(refused.status).toBe(200);
    expect(storedIncident(world, REF).version).toBe(version);
    expect(world.logs.some((l) => /Failed to respond to the response_url: 404/.test(l.message))).toBe(true);

    const answered = await world.click(PEOPLE.siro, seen, CARD_ACTIONS.escalate);
    expect(answered.replies).toEqual([
      expect.stringMatching(/^INC-2026-0001 changed while you were looking at it/),
    ]);
    expect(storedIncident(world, REF).version).toBe(version);
  });
});
