import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { CARD_ACTIONS } from '../../blocks/card-ids';
import { incidentEvents, incidents } from '../../db/schema';
import { stateFromView } from '../../src/local-slack/fill-view';
import { blockAction, viewSubmission } from '../../src/local-slack/payloads';
import { createWorld, PEOPLE, SECURITY_CHANNEL, type World } from '../helpers/world';

let world: World;
afterEach(async () => {
  await world?.stop();
});

const REF = 'INC-2026-0001';

describe('tampered values from Slack', () => {
  it('refuses forged form metadata and unknown or foreign references', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff);
    await world.report(PEOPLE.staff2, { personalData: 'yes' });
    await world.vigil.outbox.drain();
    await world.click(PEOPLE.siro, world.card(REF), CARD_ACTIONS.triage);
    const modal = world.lastModal(PEOPLE.siro);
    const answers = { severity: 'low', priority: 'P4', rationale: 'x' };

    const submit = (privateMetadata: string) =>
      world.slack.interaction(
        viewSubmission({
          userId: PEOPLE.siro,
          view: {
            id: `${modal.id}X${privateMetadata.length}`,
            callback_id: 'triage_incident',
            private_metadata: privateMetadata,
            blocks: modal.view.blocks as unknown[],
          },
          values: stateFromView(modal.view, answers),
          triggerId: world.fake.issueTrigger(),
        }),
      );
    const garbage = await submit('not json');
    expect(garbage.json()).toEqual({
      response_action: 'errors',
      errors: { rationale: 'This form is damaged; please open it again from the card.' },
    });
    const unknown = await submit(JSON.stringify({ i: 999, v: 1 }));
    expect(unknown.json()).toEqual({
      response_action: 'errors',
      errors: { rationale: 'You cannot act on that incident, or it does not exist.' },
    });
    const oldVersion = await submit(JSON.stringify({ i: 2, v: 7 }));
    expect(JSON.stringify(oldVersion.json())).toContain('INC-2026-0002 changed while this form was open');
    expect(
      world.db
        .select()
        .from(incidents)
        .all()
        .map((i) => i.status),
    ).toEqual(['reported', 'reported']);

    // A button naming another incident's notification is refused.
    const other = world.card('INC-2026-0002');
    const button = other.blocks.find((b) => b.accessory?.action_id === CARD_ACTIONS.recordNotification);
    const res = await world.slack.interaction(
      blockAction({
        userId: PEOPLE.siro,
        actionId: CARD_ACTIONS.recordNotification,
        blockId: world.card(REF).blocks.find((b) => b.block_id?.endsWith(':controls'))?.block_id ?? '',
        value: button?.accessory?.value ?? '',
        container: { type: 'message', channelId: SECURITY_CHANNEL, messageTs: world.card(REF).ts },
        triggerId: world.fake.issueTrigger(),
        responseUrl: world.fake.responseUrl('tamper'),
      }),
    );
    expect(res.status).toBe(200);
    await expect
      .poll(() => world.fake.responseUrlPosts.find((p) => p.name === 'tamper')?.body.text)
      .toBe("That notification is not one of INC-2026-0001's.");

    // A control naming an incident that does not exist.
    const ghost = await world.slack.interaction(
      blockAction({
        userId: PEOPLE.siro,
        actionId: CARD_ACTIONS.escalate,
        blockId: 'card:424242:1:controls',
        container: { type: 'message', channelId: SECURITY_CHANNEL, messageTs: world.card(REF).ts },
        triggerId: world.fake.issueTrigger(),
        responseUrl: world.fake.responseUrl('ghost'),
      }),
    );
    expect(ghost.status).toBe(200);
    await expect
      .poll(() => world.fake.responseUrlPosts.find((p) => p.name === 'ghost')?.body.text)
      .toBe('That incident no longer exists in the register.');
    expect(
      world.db.select().from(incidentEvents).where(eq(incidentEvents.type, 'escalated')).all(),
    ).toHaveLength(0);
  });

  it('refuses an action on an incident in the wrong state', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff);
    await world.vigil.outbox.drain();
    // Straight to "Mark resolved" on a report nobody has triaged yet, with a forged block id.
    const controls = world.card(REF).blocks.find((b) => b.block_id?.endsWith(':controls'))?.block_id ?? '';
    const res = await world.slack.interaction(
      blockAction({
        userId: PEOPLE.siro,
        actionId: CARD_ACTIONS.startResolution,
        blockId: controls,
        container: { type: 'message', channelId: SECURITY_CHANNEL, messageTs: world.card(REF).ts },
        triggerId: world.fake.issueTrigger(),
        responseUrl: world.fake.responseUrl('state'),
      }),
    );
    expect(res.status).toBe(200);
    await expect
      .poll(() => world.fake.responseUrlPosts.find((p) => p.name === 'state')?.body.text)
      .toBe('INC-2026-0001 is awaiting triage: it cannot be moved to resolution now.');
    expect(world.db.select().from(incidents).get()?.status).toBe('reported');
  });
});

describe('controls moved between cards', () => {
  /** Clicks `actionId` with `blockId`, as if on the message `container`, and returns the answer shown. */
  async function forge(
    actionId: string,
    blockId: string,
    container: Parameters<typeof blockAction>[0]['container'],
    message?: Record<string, unknown>,
  ) {
    const name = `forged-${actionId}-${Math.random()}`;
    const res = await world.slack.interaction(
      blockAction({
        userId: PEOPLE.siro,
        actionId,
        blockId,
        container,
        ...(message ? { message } : {}),
        triggerId: world.fake.issueTrigger(PEOPLE.siro),
        responseUrl: world.fake.responseUrl(name),
      }),
    );
    expect(res.status).toBe(200);
    await expect.poll(() => world.fake.responseUrlPosts.some((p) => p.name === name)).toBe(true);
    return world.fake.responseUrlPosts.find((p) => p.name === name)?.body.text;
  }

  it('refuses a control whose block id names another incident than the card it was clicked on', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff);
    await world.report(PEOPLE.staff2);
    await world.vigil.outbox.drain();
    const first = world.card(REF);
    const second = world.card('INC-2026-0002');
    const secondControls = second.blocks.find((b) => b.block_id?.endsWith(':controls'))?.block_id ?? '';
    const onFirst = { type: 'message' as const, channelId: SECURITY_CHANNEL, messageTs: first.ts };
    const versions = () => world.db.select({ v: incidents.version }).from(incidents).all();
    const before = versions();
    const refusal = 'That control does not belong to the card it was clicked on; nothing was changed.';

    // INC-2026-0002's controls pasted under INC-2026-0001's card: a form opener and a direct change.
    expect(await forge(CARD_ACTIONS.triage, secondControls, onFirst)).toBe(refusal);
    expect(await forge(CARD_ACTIONS.escalate, secondControls, onFirst)).toBe(refusal);
    // A card control arriving from a DM, from a thread reply, or from a modal.
    expect(
      await forge(CARD_ACTIONS.escalate, secondControls, {
        type: 'message',
        channelId: 'DSIRO',
        messageTs: second.ts,
      }),
    ).toBe(refusal);
    const reply = world.fake
      .messages(SECURITY_CHANNEL)
      .find((m) => m.thread_ts === second.ts && m.ts !== second.ts);
    expect(
      await forge(CARD_ACTIONS.escalate, secondControls, {
        type: 'message',
        channelId: SECURITY_CHANNEL,
        messageTs: reply?.ts ?? 'no reply',
      }),
    ).toBe(refusal);
    expect(await forge(CARD_ACTIONS.escalate, secondControls, { type: 'view', viewId: 'V0FORGED' })).toBe(
      refusal,
    );

    // A message that claims to be an earlier copy of INC-2026-0002's card (one whose post Slack
    // took but whose answer was lost) is one only if the bot posted it at the top of the channel,
    // it is no incident's current card, and all its controls name that incident.
    const copyOf = (blocks: unknown[], ts: string, extra: Record<string, unknown> = {}) => ({
      type: 'message',
      user: world.fake.botUserId,
      bot_id: world.fake.botId,
      ts,
      text: '',
      blocks,
      ...extra,
    });
    const elsewhere = (ts: string) => ({
      type: 'message' as const,
      channelId: SECURITY_CHANNEL,
      messageTs: ts,
    });
    const unknownTs = '1700000000.000999';
    // …on another incident's card,
    expect(await forge(CARD_ACTIONS.escalate, secondControls, onFirst, copyOf(second.blocks, first.ts))).toBe(
      refusal,
    );
    // …on a line in a card's thread,
    expect(
      await forge(
        CARD_ACTIONS.escalate,
        secondControls,
        elsewhere(reply?.ts ?? 'no reply'),
        copyOf(second.blocks, reply?.ts ?? 'no reply', { thread_ts: second.ts }),
      ),
    ).toBe(refusal);
    // …in a message someone else posted,
    expect(
      await forge(CARD_ACTIONS.escalate, secondControls, elsewhere(unknownTs), {
        ...copyOf(second.blocks, unknownTs),
        user: PEOPLE.responder,
        bot_id: undefined,
      }),
    ).toBe(refusal);
    // …with controls of two incidents, or without the control that was clicked.
    expect(
      await forge(
        CARD_ACTIONS.escalate,
        secondControls,
        elsewhere(unknownTs),
        copyOf([...second.blocks, ...first.blocks], unknownTs),
      ),
    ).toBe(refusal);
    expect(
      await forge(
        CARD_ACTIONS.escalate,
        secondControls,
        elsewhere(unknownTs),
        copyOf(
          second.blocks.filter((b) => b.block_id !== secondControls),
          unknownTs,
        ),
      ),
    ).toBe(refusal);

    expect(world.fake.callsTo('views.open')).toHaveLength(2); // the two report forms
    expect(versions()).toEqual(before);
    expect(
      world.db.select().from(incidentEvents).where(eq(incidentEvents.type, 'escalated')).all(),
    ).toHaveLength(0);
    expect(world.logs.filter((l) => l.message.includes('clicked elsewhere'))).toHaveLength(10);

    // The same control on its own card works, and so does a real earlier copy of a card.
    await world.click(PEOPLE.siro, second, CARD_ACTIONS.escalate);
    expect(
      world.db.select().from(incidentEvents).where(eq(incidentEvents.type, 'escalated')).all(),
    ).toHaveLength(1);
    const firstControls = first.blocks.find((b) => b.block_id?.endsWith(':controls'))?.block_id ?? '';
    await world.slack.interaction(
      blockAction({
        userId: PEOPLE.siro,
        actionId: CARD_ACTIONS.escalate,
        blockId: firstControls,
        container: elsewhere(unknownTs),
        message: copyOf(first.blocks, unknownTs),
        triggerId: world.fake.issueTrigger(PEOPLE.siro),
        responseUrl: world.fake.responseUrl('earlier-copy'),
      }),
    );
    await world.settled();
    expect(
      world.db
        .select({ incidentId: incidentEvents.incidentId })
        .from(incidentEvents)
        .where(eq(incidentEvents.type, 'escalated'))
        .all()
        .map((e) => e.incidentId),
    ).toEqual([2, 1]);
    expect(world.fake.responseUrlPosts.filter((p) => p.name === 'earlier-copy')).toEqual([]);
  });
});
