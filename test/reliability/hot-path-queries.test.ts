/**
 * No query building on hot paths (issue 15 item 3): drizzle builds a query's SQL anew on every
 * call, more CPU than SQLite spends running it, so what a click and its deliveries run is prepared
 * once per database (db/prepared.ts). Every query drizzle builds ends in the connection's
 * `prepare` (through the statement cache); a prepared one calls it only the first time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CARD_ACTIONS } from '../../blocks/card-ids';
import type { Db } from '../../db/client';
import { createWorld, PEOPLE, SECURITY_CHANNEL, type World } from '../helpers/world';

let world: World;
afterEach(async () => {
  await world?.stop();
});

/** Runs `work` and returns the SQL of every statement built for it (the start of each). */
async function built(db: Db, work: () => Promise<unknown>): Promise<string[]> {
  const client = db.$client;
  const prepare = client.prepare;
  const sources: string[] = [];
  client.prepare = ((source: string) => {
    sources.push(source.replace(/\s+/g, ' ').slice(0, 100));
    return prepare(source);
  }) as typeof client.prepare;
  try {
    await work();
  } finally {
    client.prepare = prepare;
  }
  return sources;
}

describe('a click and its deliveries run prepared statements only', () => {
  it('builds no SQL for an applied Escalate and its deliveries, nor for a stale one refused', async () => {
    world = await createWorld();
    for (let n = 0; n < 3; n++) await world.report(PEOPLE.staff);
    await world.vigil.outbox.drain();
    const seenA = world.card('INC-2026-0001');
    const seenC = world.card('INC-2026-0003');

    // Those told of an escalation have opened App Home: each click redraws it for them.
    await world.openHome(PEOPLE.siro);
    await world.openHome(PEOPLE.md);
    // Warm-up: each statement is prepared the first time it runs.
    await world.click(PEOPLE.siro, seenA, CARD_ACTIONS.escalate);
    await world.click(PEOPLE.siro, seenA, CARD_ACTIONS.escalate);
    world.clock.advance(3 * 60_000);
    await world.click(PEOPLE.siro, seenA, CARD_ACTIONS.escalate);

    let result = { status: 0, replies: [] as string[] };
    const homes = world.fake.callsTo('views.publish', { ok: true }).length;
    const applied = await built(world.db, async () => {
      result = await world.click(PEOPLE.siro, world.card('INC-2026-0002'), CARD_ACTIONS.escalate);
    });
    expect(result).toEqual({ status: 200, replies: [] });
    expect(world.threadLines().at(-1)).toContain('escalated this to the SIRO and the Managing Director');
    expect(world.fake.callsTo('views.publish', { ok: true }).length).toBe(homes + 2);
    expect(applied).toEqual([]);

    await world.click(PEOPLE.siro, world.card('INC-2026-0003'), CARD_ACTIONS.escalate);
    // Refused on the card the SIRO saw before: once as "escalated just now", then as moved on.
    const justNow = await built(world.db, async () => {
      result = await world.click(PEOPLE.siro, seenC, CARD_ACTIONS.escalate);
    });
    expect(result.replies).toEqual([expect.stringMatching(/^INC-2026-0003 was already escalated just now/)]);
    expect(justNow).toEqual([]);
    world.clock.advance(3 * 60_000);
    const stale = await built(world.db, async () => {
      result = await world.click(PEOPLE.siro, seenC, CARD_ACTIONS.escalate);
    });
    expect(result.replies).toEqual([
      expect.stringMatching(/^INC-2026-0003 changed while you were looking at it/),
    ]);
    expect(stale).toEqual([]);
  });

  it('builds no SQL for a report submitted, its card, receipt and duties delivered', async () => {
    world = await createWorld();
    await world.openHome(PEOPLE.hodFinance);
    await world.report(PEOPLE.staff);
    await world.vigil.outbox.drain();
    const cards = world.fake.messages(SECURITY_CHANNEL).length;
    const report = await built(world.db, async () => {
      await world.report(PEOPLE.staff2);
      await world.vigil.outbox.drain();
    });
    expect(world.fake.messages(SECURITY_CHANNEL).length).toBeGreaterThan(cards);
    expect(report).toEqual([]);
  });
});
