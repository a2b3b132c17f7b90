import { afterEach, describe, expect, it } from 'vitest';
import { incidents } from '../../db/schema';
import { globalShortcut, messageShortcut } from '../helpers/signed-requests';
import { createWorld, MINIMAL_REPORT, PEOPLE, SECURITY_CHANNEL, type World } from '../helpers/world';

let world: World;
afterEach(async () => {
  await world?.stop();
});

describe('reporting from anywhere', () => {
  it('opens the report form from the global shortcut', async () => {
    world = await createWorld();
    const res = await world.slack.interaction(
      globalShortcut({
        userId: PEOPLE.staff,
        callbackId: 'report_incident_shortcut',
        triggerId: world.fake.issueTrigger(PEOPLE.staff),
      }),
    );
    expect(res.status).toBe(200);
    const form = await world.fake.waitFor('views.open', 1, { ok: true });
    expect(JSON.stringify(form[0]?.args.view)).toContain('What happened?');
    await world.submitForm(PEOPLE.staff, world.lastModal(PEOPLE.staff), MINIMAL_REPORT);
    expect(world.db.select().from(incidents).get()?.source).toBe('shortcut');
  });

  it('reports a message with its text and link, shown on the card', async () => {
    world = await createWorld();
    await world.slack.interaction(
      messageShortcut({
        userId: PEOPLE.staff,
        callbackId: 'report_message',
        triggerId: world.fake.issueTrigger(PEOPLE.staff),
        channelId: 'CGENERAL',
        messageTs: '1760000123.000200',
        messageText: 'Your mailbox is full &lt;click&gt; <https://evil.example/login|here>',
        messageUser: 'UPHISHER',
        responseUrl: world.fake.responseUrl(),
      }),
    );
    await world.fake.waitFor('views.open', 1, { ok: true });
    const form = world.lastModal(PEOPLE.staff);
    expect(JSON.stringify(form.view.blocks)).toContain(
      'Message from <@UPHISHER>:\\nYour mailbox is full <click>',
    );
    await world.submitForm(PEOPLE.staff, form, {
      category: 'intrusion',
      title: 'Phishing',
      department: 'Finance',
    });
    const stored = world.db.select().from(incidents).get();
    expect(stored).toMatchObject({
      source: 'message',
      sourcePermalink: 'https://vigil-test.slack.com/archives/CGENERAL/p1760000123000200',
    });
    expect(stored?.description).toContain('<https://evil.example/login|here>');
    await world.vigil.outbox.drain();
    const card = JSON.stringify(world.fake.messages(SECURITY_CHANNEL)[0]?.blocks);
    expect(card).toContain('<https://vigil-test.slack.com/archives/CGENERAL/p1760000123000200|open message>');
    expect(card).not.toContain('<https://evil.example');
  });
});
