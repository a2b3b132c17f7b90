import { afterEach, describe, expect, it } from 'vitest';
import { STATUS_LABELS } from '../../blocks/labels';
import { hoursInWords } from '../../src/domain/reminders';
import { defang, readableMessage } from '../../src/slack/readable-message';
import { incidentCommand } from '../helpers/incident-command';
import { createWorld, PEOPLE, type World } from '../helpers/world';

let world: World;
afterEach(async () => {
  await world?.stop();
  // The next test may not start one: never stop the same world twice.
  world = undefined as unknown as World;
});

describe('one word, one meaning (issue 13 item 4)', () => {
  it('names the four review steps apart, the same on the card, in forms and as the status', () => {
    expect(STATUS_LABELS.in_review).toBe('Awaiting closure approval');
    const words = ['Review causal analysis', 'Learning review', 'Peer review of closure', 'Approve closure'];
    expect(new Set(words.map((w) => w.toLowerCase())).size).toBe(4);
  });

  it('says durations over two days in days', () => {
    expect(hoursInWords(1)).toBe('1 hour');
    expect(hoursInWords(48)).toBe('48 hours');
    expect(hoursInWords(527)).toBe('22 days');
  });

  it('says a mistyped reference was not recognised, with the nearest match, and reveals nothing', async () => {
    world = await createWorld();
    const res = await incidentCommand(world, PEOPLE.staff, 'INC-2026-1');
    expect(String(res.body?.text)).toMatch(
      /^`INC-2026-1` is not a reference or a command Vigil recognises\. Did you mean `\/incident INC-2026-0001`\?/,
    );
    const typo = await incidentCommand(world, PEOPLE.staff, 'stat');
    expect(String(typo.body?.text)).toContain('Did you mean `/incident stats`?');
    const help = await incidentCommand(world, PEOPLE.staff, 'help');
    expect(String(help.body?.text)).not.toContain('not a reference');
  });

  it('keeps the proper name "National CERT" inside a sentence', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff, { category: 'intrusion' });
    await world.vigil.outbox.drain();
    const card = world.card('INC-2026-0001');
    expect(JSON.stringify(card.blocks)).toContain('next: National CERT');
    expect(JSON.stringify(card.blocks)).not.toMatch(/national cert/);
  });
});

describe('a reported message, readable and safe (issue 13 item 5)', () => {
  it('turns Slack markup into names and defanged URLs', () => {
    const names = new Map([['UPHISHER', 'Bank Support']]);
    expect(
      readableMessage(
        'Hi <@UPHISHER>, see <https://example.com/login|example.com/login> or <http://a.b.c/x?y=1> in <#C1|general> <!here>',
        names,
      ),
    ).toBe('Hi @Bank Support, see hxxps://example[.]com/login or hxxp://a[.]b[.]c/x?y=1 in #general @here');
    expect(defang('https://example.com/login')).toBe('hxxps://example[.]com/login');
  });
});
