import type { KnownBlock } from '@slack/types';
import { afterEach, describe, expect, it } from 'vitest';
import { ABOVE_PRIMARY, abovePrimary } from '../../blocks/card-budget';
import { CARD_ACTIONS } from '../../blocks/card-ids';
import type { FakeView } from '../../src/local-slack/local-slack';
import { driveLifecycle, PLAIN_TEXTS, REFERENCE } from '../helpers/lifecycle';
import { recordedSurfaces, textObjects } from '../helpers/surfaces';
import { createWorld, PEOPLE, SECURITY_CHANNEL, type World } from '../helpers/world';

let world: World;
afterEach(async () => {
  await world?.stop();
});

/** Every version of every card Vigil drew in the security channel, in order. */
function cardsDrawn(w: World): KnownBlock[][] {
  return w.fake
    .callsTo('chat.update', { ok: true })
    .concat(w.fake.callsTo('chat.postMessage', { ok: true }))
    .filter((c) => c.args.channel === SECURITY_CHANNEL && !c.args.thread_ts)
    .map((c) => (c.args.blocks ?? []) as KnownBlock[])
    .filter((b) => b[0]?.type === 'header');
}

/** The state a card shows: the first bold words of its status line. */
const stateOf = (blocks: KnownBlock[]) => {
  const status = blocks[1];
  return status?.type === 'section' ? (/\*([^*]+)\*/.exec(status.text?.text ?? '')?.[1] ?? '') : '';
};

describe('the card on a phone: the next step first', () => {
  // Measured: 2 blocks in every state; 153 (closed) to 450 characters (being resolved, escalated).
  it('keeps the primary action within the budget above it, in every state the lifecycle draws', async () => {
    world = await createWorld();
    await driveLifecycle(world, PLAIN_TEXTS);
    // And a report closed at triage, which offers "Triage again…".
    await world.report(PEOPLE.staff2);
    await world.vigil.outbox.drain();
    await world.click(PEOPLE.siro, world.card('INC-2026-0002'), CARD_ACTIONS.triage);
    const dismissal = await world.submitForm(PEOPLE.siro, world.lastModal(PEOPLE.siro), {
      outcome: 'not_incident',
      rationale: 'A test message',
    });
    if (dismissal.body?.response_action === 'push')
      await world.submitForm(PEOPLE.siro, world.lastModal(PEOPLE.siro), {});
    await world.vigil.outbox.drain();

    const worst = new Map<string, { blocks: number; characters: number }>();
    for (const blocks of cardsDrawn(world)) {
      const above = abovePrimary(blocks);
      const state = stateOf(blocks);
      expect(above, `a card "${state}" with no action`).not.toBeNull();
      if (!above) continue;
      const seen = worst.get(state);
      worst.set(state, {
        blocks: Math.max(seen?.blocks ?? 0, above.blocks),
        characters: Math.max(seen?.characters ?? 0, above.characters),
      });
    }
    // Each state's worst card, as measured (blocks and characters above its primary action).
    for (const [state, above] of worst) {
      expect(above.blocks, state).toBeLessThanOrEqual(ABOVE_PRIMARY.blocks);
      expect(above.characters, state).toBeLessThanOrEqual(ABOVE_PRIMARY.characters);
    }
    expect([...worst.keys()].sort()).toEqual(
      expect.arrayContaining(['Closed', 'Closed: not a security incident', 'Triaged']),
    );
  }, 60_000);

  it('offers one primary button; escalating is neither red nor "again" when Vigil escalated on its own', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff, { customersAffected: 'yes' });
    await world.vigil.outbox.drain();
    const card = JSON.stringify(world.card(REFERENCE).blocks);
    expect(card.match(/"style":"primary"/g)).toHaveLength(1);
    expect(card).not.toContain('"style":"danger"');
    expect(card).toContain('Escalated to the SIRO and Managing Director automatically');
    expect(card).not.toContain('Escalate again');
    expect(card).toContain('"text":"Escalate to the SIRO and MD"');
    // By hand, the next one is "again".
    await world.click(PEOPLE.responder, world.card(REFERENCE), CARD_ACTIONS.escalate);
    const after = JSON.stringify(world.card(REFERENCE).blocks);
    expect(after).toContain('"text":"Escalate again"');
    expect(after).toContain(`by <@${PEOPLE.responder}>`);
  });

  it('walks the whole lifecycle: no optional field demanded, no markup or id in plain text, no sentence twice, the primary action in reach', async () => {
    world = await createWorld();
    const demanded: string[] = [];
    // Each form, as its person first sees it, sent as it stands (what they filled in kept): any
    // answer it then demands must be a question not marked optional, or one whose hint says when.
    const tryAsShown = async (user: string, form: FakeView) => {
      const blocks = (form.view.blocks ?? []) as {
        type: string;
        block_id?: string;
        optional?: boolean;
        hint?: unknown;
      }[];
      const inputs = blocks.filter((b) => b.type === 'input');
      if (!inputs.some((b) => !b.optional)) return; // nothing required: sending it would save it
      const res = await world.people.as(user).submit(form, {});
      const errors = (res.body?.errors ?? {}) as Record<string, string>;
      for (const key of Object.keys(errors)) {
        const block = inputs.find((b) => b.block_id === key);
        if (block?.optional && !block.hint)
          demanded.push(`${String(form.view.callback_id)}: ${key}: ${errors[key]}`);
      }
    };
    await driveLifecycle(world, PLAIN_TEXTS, { beforeSubmit: tryAsShown });
    expect(demanded).toEqual([]);

    const problems: string[] = [];
    // A menu's chosen option repeats one of its options, and Home lists one incident under each
    // heading it belongs to: neither is a sentence said twice.
    const withoutChoices = (v: unknown): unknown =>
      JSON.parse(
        JSON.stringify(v ?? null, (k, x) =>
          k === 'initial_option' || k === 'initial_options' ? undefined : x,
        ),
      );
    for (const surface of recordedSurfaces(world.fake)) {
      const objects = textObjects(
        withoutChoices(surface.kind === 'view' ? surface.content : surface.content.blocks),
      );
      for (const t of objects.filter((o) => o.type === 'plain_text'))
        if (/<[@#!]|<https?:|\*[^*\s][^*]*\*|`/.test(t.text))
          problems.push(`${surface.where}: markup in plain text: ${t.text}`);
      // The same sentence twice on one surface says nothing new the second time.
      const sentences = objects
        .flatMap((o) => o.text.split(/(?<=[.!?])\s+|\n+/))
        .map((x) => x.trim())
        .filter((x) => x.length >= 30);
      const seen = new Set<string>();
      if (surface.where.startsWith('views.publish')) continue;
      for (const sentence of sentences) {
        if (seen.has(sentence)) problems.push(`${surface.where}: said twice: ${sentence}`);
        seen.add(sentence);
      }
    }
    expect([...new Set(problems)]).toEqual([]);

    for (const blocks of cardsDrawn(world)) {
      const above = abovePrimary(blocks);
      expect(above?.blocks ?? 99).toBeLessThanOrEqual(ABOVE_PRIMARY.blocks);
      expect(above?.characters ?? 9999).toBeLessThanOrEqual(ABOVE_PRIMARY.characters);
    }
  }, 90_000);
});
