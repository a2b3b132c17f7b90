import { afterEach, describe, expect, it } from 'vitest';
import { CARD_ACTIONS } from '../../blocks/card-ids';
import type { Db } from '../../db/client';
import { createWorld, PEOPLE, type World } from '../helpers/world';

let world: World;
afterEach(async () => {
  await world?.stop();
});

function countBuilt(db: Db) {
  const client = db.$client;
  const prepare = client.prepare;
  const seen: string[] = [];
  client.prepare = ((source: string) => {
    const stack = (new Error().stack ?? '').split('\n').filter((l) => /\/(src|db)\//.test(l)).slice(0, 2).join(' | ');
    seen.push(`${source.slice(0, 120)}  @@ ${stack}`);
    return prepare(source);
  }) as typeof client.prepare;
  return {
    seen,
    stop: () => {
      client.prepare = prepare;
    },
  };
}

describe('trace', () => {
  it('traces', async () => {
    world = await createWorld();
    for (let i = 0; i < 3; i++) await world.report(PEOPLE.staff);
    await world.vigil.outbox.drain();
    const oldA = world.card('INC-2026-0001');
    const oldC = world.card('INC-2026-0003');
    await world.click(PEOPLE.siro, oldA, CARD_ACTIONS.escalate);
    await world.click(PEOPLE.siro, oldA, CARD_ACTIONS.escalate);
    let c = countBuilt(world.db);
    const r = await world.click(PEOPLE.siro, world.card('INC-2026-0002'), CARD_ACTIONS.escalate);
    c.stop();
    console.log('APPLIED', r, c.seen.length, '\n' + c.seen.join('\n'));
    await world.click(PEOPLE.siro, world.card('INC-2026-0003'), CARD_ACTIONS.escalate);
    c = countBuilt(world.db);
    const s = await world.click(PEOPLE.siro, oldC, CARD_ACTIONS.escalate);
    c.stop();
    console.log('STALE', s, c.seen.length, '\n' + c.seen.join('\n'));
    expect(1).toBe(1);
  });
});
