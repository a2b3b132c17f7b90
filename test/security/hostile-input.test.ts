import { afterEach, describe, expect, it } from 'vitest';
import { incidents } from '../../db/schema';
import { viewSubmission } from '../helpers/signed-requests';
import { stateFromView } from '../helpers/slack-client';
import { createWorld, MINIMAL_REPORT, PEOPLE, SECURITY_CHANNEL, type World } from '../helpers/world';

let world: World;
afterEach(async () => {
  await world?.stop();
});

const _REF = 'INC-2026-0001';

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
