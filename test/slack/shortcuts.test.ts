import { afterEach, describe, expect, it } from 'vitest';
import { incidents } from '../../db/schema';
import { globalShortcut, messageShortcut } from '../../src/local-slack/payloads';
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

  it('reports a message with its sender’s name and its links defanged, in the form, the card and the record', async () => {
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
    // The sender by name (Slack's display name), never <@U…>; the link readable and not clickable.
    expect(JSON.stringify(form.view.blocks)).toContain(
      'Message from uphisher:\\nYour mailbox is full <click> here (hxxps://evil[.]example/login)',
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
    expect(stored?.description).toContain('here (hxxps://evil[.]example/login)');
    expect(stored?.description).not.toContain('<@');
    await world.vigil.outbox.drain();
    const card = JSON.stringify(world.fake.messages(SECURITY_CHANNEL)[0]?.blocks);
    expect(card).toContain('<https://vigil-test.slack.com/archives/CGENERAL/p1760000123000200|open message>');
    expect(card).not.toContain('<https://evil.example');
    expect(card).toContain('hxxps://evil[.]example/login');
  });

  it('links a thread reply into its thread, without needing the payload’s team domain, and names attached files', async () => {
    world = await createWorld();
    const payload = messageShortcut({
      userId: PEOPLE.staff,
      callbackId: 'report_message',
      triggerId: world.fake.issueTrigger(PEOPLE.staff),
      channelId: 'CFINANCE',
      messageTs: '1760000200.000300',
      messageText: 'Here is the payroll file',
      messageUser: 'UCOLLEAGUE',
      responseUrl: world.fake.responseUrl(),
    });
    payload.team = { id: 'T0TEST' }; // some payloads carry no domain
    Object.assign(payload.message as Record<string, unknown>, {
      thread_ts: '1760000100.000100',
      files: [
        { id: 'F1', name: 'payroll-march.xlsx' },
        { id: 'F2', name: 'bank details.pdf' },
      ],
    });
    await world.slack.interaction(payload);
    await world.fake.waitFor('views.open', 1, { ok: true });
    const form = world.lastModal(PEOPLE.staff);
    expect(JSON.stringify(form.view.blocks)).toContain(
      'Here is the payroll file\\n\\nAttached files: payroll-march.xlsx, bank details.pdf',
    );
    const res = await world.submitForm(PEOPLE.staff, form, {
      category: 'misdelivery',
      title: 'Payroll sent to a channel',
      department: 'Finance',
    });
    expect(res.body).toMatchObject({ response_action: 'update' });
    expect(world.db.select().from(incidents).get()?.sourcePermalink).toBe(
      'https://vigil-test.slack.com/archives/CFINANCE/p1760000200000300?thread_ts=1760000100.000100&cid=CFINANCE',
    );
  });

  it('shows on the card only a link to a message of this workspace, whatever private_metadata says', async () => {
    world = await createWorld();
    const forged = [
      'https://evil.example/archives/CGENERAL/p1760000123000200',
      'http://vigil-test.slack.com/archives/CGENERAL/p1760000123000200',
      'https://vigil-test.slack.com.evil.example/archives/CGENERAL/p1760000123000200',
      'https://vigil-test.slack.com/archives/CGENERAL/p1760000123000200?redirect=https://evil.example',
      'https://vigil-test.slack.com/archives/CGENERAL/p1760000123000200?thread_ts=1760000100.000100&cid=COTHER',
      'https://attacker@vigil-test.slack.com/archives/CGENERAL/p1760000123000200',
      'javascript:alert(1)',
    ];
    for (const [n, permalink] of forged.entries()) {
      const form = await world.openReportForm(PEOPLE.staff);
      const tampered = {
        ...form,
        view: { ...form.view, private_metadata: JSON.stringify({ source: 'message', permalink }) },
      };
      await world.submitForm(PEOPLE.staff, tampered, { ...MINIMAL_REPORT, title: `Forged ${n}` });
    }
    const stored = world.db.select().from(incidents).all();
    expect(stored).toHaveLength(forged.length);
    expect(stored.map((i) => i.sourcePermalink)).toEqual(forged.map(() => null));
    await world.vigil.outbox.drain();
    expect(JSON.stringify(world.fake.messages(SECURITY_CHANNEL).map((m) => m.blocks))).not.toContain(
      'open message',
    );
  });

  it('opens one form, and can file one report, when Slack delivers the same message shortcut twice', async () => {
    world = await createWorld();
    const payload = messageShortcut({
      userId: PEOPLE.staff,
      callbackId: 'report_message',
      triggerId: world.fake.issueTrigger(PEOPLE.staff),
      channelId: 'CGENERAL',
      messageTs: '1760000123.000200',
      messageText: 'Click here to keep your mailbox',
      responseUrl: String(world.fake.responseUrl()),
    });
    const [first, second] = await Promise.all([
      world.slack.interaction(payload),
      world.slack.interaction(payload),
    ]);
    expect([first.status, second.status]).toEqual([200, 200]);
    await world.fake.waitFor('views.open', 1, { ok: true });
    await world.settled(); // both deliveries' listeners have finished: a second form would be open
    expect(world.fake.callsTo('views.open')).toHaveLength(1);
    // Nobody is told the form failed to open: the repeat was simply dropped.
    expect(world.fake.responseUrlPosts).toEqual([]);

    const form = world.lastModal(PEOPLE.staff);
    const answers = { category: 'intrusion', title: 'Phishing', department: 'Finance' };
    const submitted = await Promise.all([
      world.submitForm(PEOPLE.staff, form, answers),
      world.submitForm(PEOPLE.staff, form, answers),
    ]);
    expect(submitted.map((s) => s.status)).toEqual([200, 200]);
    expect(
      world.db
        .select()
        .from(incidents)
        .all()
        .map((i) => i.reference),
    ).toEqual(['INC-2026-0001']);
  });
});
