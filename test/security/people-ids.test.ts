/**
 * Values never offered (issue 12 item 6): a member id chosen in a form or select is stored, and
 * becomes a mention, only if it is a person Vigil can resolve: shaped like a Slack member id, not
 * Vigil's own bot, someone Slack knows and has not deactivated.
 */
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { CARD_ACTIONS } from '../../blocks/card-ids';
import { mention } from '../../blocks/text';
import { actions, incidents } from '../../db/schema';
import { createWorld, PEOPLE, type World } from '../helpers/world';

let world: World | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});
const w = (): World => {
  if (!world) throw new Error('no world');
  return world;
};

const REF = 'INC-2026-0001';
const NOT_A_PERSON = 'Please choose a person in this workspace (not a bot, not Vigil).';
const irmOf = () => w().db.select().from(incidents).where(eq(incidents.reference, REF)).get()?.irmId;

async function triaged() {
  world = await createWorld();
  w().fake.addUser({ id: 'UGONE', name: 'gone', deleted: true });
  w().fake.addUser({ id: 'UOTHERBOT', name: 'otherbot', isBot: true });
  await w().report(PEOPLE.staff);
  await w().vigil.outbox.drain();
  await w().act(PEOPLE.siro, REF, CARD_ACTIONS.triage, {
    severity: 'low',
    priority: 'P4',
    rationale: 'Lost',
  });
}

describe('people Vigil can resolve', () => {
  it('refuses an action owner who is Vigil, another bot or a deactivated account, on the question', async () => {
    await triaged();
    for (const ownerId of [w().fake.botUserId, 'UOTHERBOT', 'UGONE']) {
      const { errors } = await w().act(PEOPLE.siro, REF, CARD_ACTIONS.addAction, {
        kind: 'corrective',
        description: 'Ask the rail company',
        ownerId,
      });
      expect({ ownerId, errors }).toEqual({ ownerId, errors: { ownerId: NOT_A_PERSON } });
    }
    expect(w().db.select().from(actions).all()).toEqual([]);
    const { errors } = await w().act(PEOPLE.siro, REF, CARD_ACTIONS.addAction, {
      kind: 'corrective',
      description: 'Ask the rail company',
      ownerId: PEOPLE.staff2,
    });
    expect(errors).toBeNull();
    expect(w().db.select({ ownerId: actions.ownerId }).from(actions).all()).toEqual([
      { ownerId: PEOPLE.staff2 },
    ]);
  });

  it('refuses an IRM picked on the card who is not a person, and keeps the IRM', async () => {
    await triaged();
    const before = irmOf();
    for (const user of [w().fake.botUserId, 'UGONE', 'not-an-id', 'U1']) {
      const res = await w().forgeClick(PEOPLE.siro, w().card(REF), CARD_ACTIONS.assignIrm, { user });
      expect({ user, reply: res.replies[0] }).toEqual({ user, reply: NOT_A_PERSON });
    }
    expect(irmOf()).toBe(before);
  });

  it('builds a mention only from a member id', () => {
    expect(mention('U123ABC')).toBe('<@U123ABC>');
    for (const id of ['<!channel>', 'U1', 'u123', 'S123ABC', '', 'U12>|x'])
      expect({ id, shown: mention(id) }).toEqual({ id, shown: 'someone' });
  });
});
