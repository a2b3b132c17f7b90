import { afterEach, describe, expect, it } from 'vitest';
import { CARD_ACTIONS } from '../../blocks/card-ids';
import { eventCallback } from '../../src/local-slack/payloads';
import { driveLifecycle, type LifecycleTexts, REFERENCE } from '../helpers/lifecycle';
import { createWorld, PEOPLE, type World } from '../helpers/world';

let world: World;
afterEach(async () => {
  await world?.stop();
});

/**
 * Personal data of the kind a report carries, and a marker unique to each answer, so a leak
 * names the question it came from.
 */
const PERSONAL = ['Jane Doe', 'NHS 943 476 5919', 'Flat 4, 12 Acacia Avenue', 'jane.doe@example.org'];
let n = 0;
const secret = (question: string) => {
  n += 1;
  return `${question} ${PERSONAL[n % PERSONAL.length]} zq${n}x`;
};

function secretTexts(): LifecycleTexts {
  return {
    report: Object.fromEntries(
      [
        'title',
        'description',
        'location',
        'dataInvolved',
        'peopleInvolved',
        'peopleAware',
        'personalDataKinds',
        'protectiveMarking',
        'thirdPartyUse',
      ].map((k) => [k, secret(k)]),
    ),
    postHowSent: secret('how sent'),
    postSentFrom: secret('sent from'),
    rationale: secret('rationale'),
    regulatorRef: secret('regulator ref'),
    crimeNumber: secret('crime number'),
    certRef: secret('cert ref'),
    customersReason: secret('customers reason'),
    update: secret('update'),
    action: secret('action'),
    actionEdit: secret('action edit'),
    notDoing: secret('not doing'),
    resolution: secret('resolution'),
    analysis: {
      rootCause: secret('root cause'),
      contributingFactors: secret('factors'),
      technicalMeasures: secret('technical'),
      administrativeMeasures: secret('administrative'),
      costAndResources: secret('cost'),
    },
    analysisComment: secret('analysis comment'),
    learning: {
      reasoning: secret('reasoning'),
      vulnerabilities: secret('vulnerabilities'),
      riskRegisterRef: secret('risk register'),
      noChangeReason: secret('no change'),
    },
    closure: secret('closure'),
    peerComment: secret('peer comment'),
    approvalComment: secret('approval comment'),
    reopen: secret('reopen'),
    planNote: secret('plan note'),
  };
}

const allTexts = (t: LifecycleTexts): string[] => [
  ...Object.values(t.report),
  ...Object.values(t.analysis),
  ...Object.values(t.learning),
  ...Object.values(t).filter((v): v is string => typeof v === 'string'),
];

describe('logs', () => {
  it('follow LOG_LEVEL: Bolt does not reset it to info', async () => {
    world = await createWorld({ env: { LOG_LEVEL: 'warn' } });
    world.fake.fail('chat.postMessage', { kind: 'http', status: 500 }, 1);
    await world.report(PEOPLE.staff);
    await world.vigil.outbox.drain();
    expect(world.logs.map((l) => l.level)).not.toContain('info');
    expect(world.logs.some((l) => l.level === 'warn' && l.message.includes('failed'))).toBe(true);
    await world.stop();

    world = await createWorld({ env: { LOG_LEVEL: 'info' } });
    await world.report(PEOPLE.staff);
    expect(world.logs.some((l) => l.level === 'info' && l.message === 'INC-2026-0001 reported')).toBe(true);
    expect(world.logs.map((l) => l.level)).not.toContain('debug');
  });

  it('carry references, IDs and Slack error codes, never report text, at debug across the whole lifecycle', async () => {
    world = await createWorld({ env: { LOG_LEVEL: 'debug' } });
    const texts = secretTexts();
    await driveLifecycle(world, texts);

    // A Slack failure on the way: its code is logged, the update's text is not.
    world.fake.fail('chat.postMessage', { kind: 'error', error: 'channel_not_found' }, 1);
    const late = secret('late update');
    await world.click(PEOPLE.responder, world.card(REFERENCE), CARD_ACTIONS.postUpdate);
    await world.submitForm(PEOPLE.responder, world.lastModal(PEOPLE.responder), { text: late });
    await world.vigil.outbox.drain();
    world.clock.advance(60_000);
    await world.vigil.outbox.drain();
    // A redelivered event: dropped, with a debug line of our own.
    const again = eventCallback(
      { type: 'app_home_opened', user: PEOPLE.staff, tab: 'home' },
      { eventId: 'Ev0AGAIN' },
    );
    await world.slack.event(again);
    // Slack signs each delivery as it sends it: the retry is a new request (a second later), not a replay.
    await world.slack.event(again, {
      timestamp: Math.floor(Date.now() / 1000) + 1,
      headers: { 'X-Slack-Retry-Num': '1' },
    });

    const lines = world.logs.map((l) => `${l.level} ${l.name} ${l.message}`);
    const text = lines.join('\n');
    // Debug really is on: our own debug lines are there; the SDKs' request and payload dumps are not.
    expect(
      world.logs.some((l) => l.level === 'debug' && l.message === 'dropped repeated event Ev0AGAIN'),
    ).toBe(true);
    for (const dump of [
      'http request body',
      'http request result',
      'Received a message',
      '"blocks"',
      '"view"',
    ])
      expect(text).not.toContain(dump);
    expect(text).toContain(`${REFERENCE} reported`);
    expect(text).toContain('channel_not_found');
    expect(text).toMatch(/refused|reminders: \d+ digest/);
    for (const s of [...allTexts(texts), late]) {
      const marker = /zq\d+x$/.exec(s)?.[0] ?? s;
      expect(text, s).not.toContain(marker);
    }
    for (const p of PERSONAL) expect(text).not.toContain(p);
  }, 60_000);
});
