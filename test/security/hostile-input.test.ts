import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { CARD_ACTIONS } from '../../blocks/card-ids';
import { incidentEvents, incidents } from '../../db/schema';
import { blockAction, viewSubmission } from '../helpers/signed-requests';
import { stateFromView } from '../helpers/slack-client';
import { createWorld, MINIMAL_REPORT, PEOPLE, SECURITY_CHANNEL, type World } from '../helpers/world';

let world: World;
afterEach(async () => {
  await world?.stop();
});

const REF = 'INC-2026-0001';

describe('hostile text', () => {
  it('stores it verbatim and shows it safely', async () => {
    world = await createWorld();
    const hostile = [
      '\'; DROP TABLE incidents; -- " OR 1=1',
      '<!everyone> <!subteam^S123> <@USIRO> <#C123> <https://evil.example|bank>',
      '*bold* _it_ ~strike~ `code` ```block```',
      'emoji 🔥🧯 and right-to-left \u202Eevil\u202C עברית العربية',
      'control\u0000chars\u0007here\ttab',
    ].join('\n');
    await world.report(PEOPLE.staff, {
      description: hostile,
      title: '\u202E<!channel>',
      location: '&amp; &lt;',
    });
    await world.vigil.outbox.drain();
    const stored = world.db.select().from(incidents).get();
    expect(stored?.description).toBe(hostile.trim());
    expect(stored?.title).toBe('\u202E<!channel>');
    expect(stored?.location).toBe('&amp; &lt;'); // typed literally, kept literally
    const card = JSON.stringify(world.fake.messages(SECURITY_CHANNEL)[0]?.blocks);
    // Only mrkdwn is parsed for mentions and links; plain_text (the header) shows them literally.
    const mrkdwn = (JSON.parse(card) as unknown[]).flatMap(function texts(b: unknown): string[] {
      if (!b || typeof b !== 'object') return [];
      const o = b as Record<string, unknown>;
      return [...(o.type === 'mrkdwn' ? [String(o.text)] : []), ...Object.values(o).flatMap(texts)];
    });
    for (const bad of ['<!everyone>', '<!subteam', '<@USIRO>', '<#C123>', '<https://evil', '<!channel>'])
      expect(mrkdwn.join('\n')).not.toContain(bad);
    expect(card).toContain('&amp;amp; &amp;lt;');
    expect(world.db.select().from(incidents).all()).toHaveLength(1);
  });

  it('refuses a 100 KB field sent around the form’s limits, keeping the answers', async () => {
    world = await createWorld();
    const view = await world.openReportForm(PEOPLE.staff);
    const values = stateFromView(view.view, MINIMAL_REPORT);
    values.description = { value: { type: 'plain_text_input', value: 'x'.repeat(100_000) } };
    const res = await world.slack.interaction(
      viewSubmission({
        userId: PEOPLE.staff,
        view: { id: view.id, callback_id: 'report_incident', blocks: view.view.blocks as unknown[] },
        values,
        triggerId: world.fake.issueTrigger(),
      }),
    );
    expect(res.json()).toEqual({
      response_action: 'errors',
      errors: { description: 'Please keep this under 3000 characters; add more later in the thread.' },
    });
    expect(world.db.select().from(incidents).all()).toHaveLength(0);
  });
});

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
      errors: { rationale: 'That incident does not exist.' },
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
      .toBe('That notification is already recorded.');

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

describe('logs', () => {
  it('carry references and IDs, never what was reported', async () => {
    world = await createWorld();
    const [name, address, nhs] = ['Jane Doe payroll', 'Flat 4, 12 Acacia Avenue', 'NHS 943 476 5919'];
    const secrets = [name, address, nhs];
    world.fake.fail('chat.postMessage', { kind: 'error', error: 'channel_not_found' }, 1);
    await world.report(PEOPLE.staff, {
      title: name,
      description: secrets.join('; '),
      location: address,
      personalDataKinds: nhs,
    });
    await world.vigil.outbox.drain();
    world.clock.advance(60_000);
    await world.vigil.outbox.drain();
    await world.click(PEOPLE.staff2, world.card(REF), CARD_ACTIONS.triage);
    await world.click(PEOPLE.siro, world.card(REF), CARD_ACTIONS.postUpdate);
    await world.submitForm(PEOPLE.siro, world.lastModal(PEOPLE.siro), { text: nhs });
    await world.vigil.outbox.drain();
    const text = world.logs.map((l) => l.message).join('\n');
    expect(text).toContain('INC-2026-0001 reported');
    expect(text).toContain('channel_not_found');
    for (const secret of secrets) expect(text).not.toContain(secret);
  });
});
