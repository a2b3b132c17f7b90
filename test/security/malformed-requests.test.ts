import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { incidentEvents, incidents } from '../../db/schema';
import { LocalSlack } from '../../src/local-slack/local-slack';
import { JSON_CONTENT_TYPE, SlackSender, slashCommand } from '../../src/local-slack/payloads';
import { createWorld, PEOPLE, SIGNING_SECRET, TEST_ENV, type World } from '../helpers/world';

/**
 * Every malformed body shape the hostile test used, signed correctly (so it passes Bolt's signature
 * check and reaches whatever parses it next): JSON that is not an object, objects of the wrong
 * shape, deep nesting, and interaction payloads with fields missing or of the wrong type.
 */
const DEEP = 20_000;
const JSON_BODIES: string[] = [
  'null',
  'true',
  '0',
  '-1.5e308',
  '"text"',
  '[]',
  '[null]',
  '[{"type":"event_callback"}]',
  '{}',
  `${'['.repeat(DEEP)}${']'.repeat(DEEP)}`,
  `${'{"a":'.repeat(DEEP)}1${'}'.repeat(DEEP)}`,
  '{"type":null}',
  '{"type":123}',
  '{"type":{"type":"event_callback"}}',
  '{"type":"url_verification"}',
  '{"type":"url_verification","challenge":{"x":[1]}}',
  '{"type":"event_callback"}',
  '{"type":"event_callback","event":null}',
  '{"type":"event_callback","event":"app_home_opened"}',
  '{"type":"event_callback","event":[]}',
  '{"type":"event_callback","event":{"type":"app_home_opened"}}',
  '{"type":"event_callback","event":{"type":"constructor"}}',
  '{"type":"__proto__","event":{"type":"__proto__"}}',
  '{"type":"event_callback","event":{"type":"app_home_opened","user":{"id":"U1"},"tab":7}}',
  '{"type":"event_callback","event":{"type":"member_joined_channel","channel":null,"user":null}}',
  '{"type":"event_callback","event_id":{"id":1},"event":{"type":"member_left_channel","channel":"GSECURITY","user":["U1"]}}',
  '{"command":null}',
  '{"command":"/incident","text":{"a":1},"user_id":["USIRO"]}',
  '{"actions":null}',
  '{"ssl_check":"1"}',
];
const PAYLOADS: unknown[] = [
  null,
  7,
  'block_actions',
  [],
  [{ type: 'block_actions' }],
  {},
  { type: 'block_actions' },
  { type: 'block_actions', actions: null },
  { type: 'block_actions', actions: 'card_escalate' },
  { type: 'block_actions', actions: [null] },
  { type: 'block_actions', actions: [{ action_id: 'card_escalate' }] },
  {
    type: 'block_actions',
    user: 'USIRO',
    actions: [{ action_id: 'card_escalate', block_id: 'card:1:1:controls' }],
  },
  {
    type: 'block_actions',
    user: { id: 'USIRO' },
    actions: [{ action_id: 'card_escalate', block_id: 'card:1:1:controls' }],
    container: null,
  },
  {
    type: 'block_actions',
    user: { id: PEOPLE.siro },
    actions: [{ action_id: 'card_triage', block_id: { x: 1 }, value: ['a'] }],
    container: { type: 'message', channel_id: 7, message_ts: null },
    message: 'not a message',
  },
  {
    type: 'block_actions',
    user: { id: PEOPLE.staff },
    actions: [{ action_id: 'home_report', type: 'button' }],
  },
  {
    type: 'block_actions',
    user: { id: PEOPLE.staff },
    actions: [{ action_id: 'loss_location', selected_option: null }],
    view: null,
  },
  { type: 'view_submission' },
  { type: 'view_submission', view: null },
  { type: 'view_submission', view: 'report_incident' },
  { type: 'view_submission', view: { callback_id: 'report_incident' } },
  {
    type: 'view_submission',
    user: { id: PEOPLE.staff },
    view: { callback_id: 'report_incident', id: 'V1', state: null },
  },
  {
    type: 'view_submission',
    user: { id: PEOPLE.staff },
    view: { callback_id: 'report_incident', id: 'V2', state: { values: { title: null, kind: { x: null } } } },
  },
  {
    type: 'view_submission',
    user: { id: PEOPLE.siro },
    view: {
      callback_id: 'triage_incident',
      id: 'V3',
      private_metadata: '{"i":1,"v":1}',
      state: { values: { rationale: { value: { type: 'plain_text_input', value: 42 } } } },
    },
  },
  {
    type: 'view_submission',
    user: { id: PEOPLE.siro },
    view: { callback_id: 'triage_incident', id: 'V4', private_metadata: null, state: { values: [] } },
  },
  { type: 'view_closed', view: null },
  { type: 'shortcut', callback_id: 'report_incident_shortcut' },
  { type: 'shortcut', callback_id: 'report_incident_shortcut', user: null, trigger_id: 5 },
  { type: 'message_action', callback_id: 'report_message', message: null, channel: 'C1' },
  {
    type: 'message_action',
    callback_id: 'report_message',
    user: { id: PEOPLE.staff },
    message: { text: 5, files: 'x' },
  },
  { type: 'block_suggestion' },
  { type: 'dialog_submission' },
];
const FORM_BODIES: string[] = [
  'command=%2Fincident',
  'command=%2Fincident&text=evidence&user_id=USIRO',
  'command=%2Fincident&command=%2Freport-incident&user_id=USIRO&user_id=USTAFF1',
  'command=%2Freport-incident&user_id=&trigger_id=',
  'payload=',
  'payload=%7B',
  'payload=a&payload=b',
  'user_id=USIRO',
  '',
];

let world: World | undefined;
let child: ChildProcess | undefined;
let fake: LocalSlack | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
  child?.kill('SIGKILL');
  child = undefined;
  await fake?.stop();
  fake = undefined;
});

/** Every shape, as JSON and as Slack's interactivity form, all at once (unanswered ones take 3 s). */
function sendEverything(slack: SlackSender) {
  return Promise.all([
    ...JSON_BODIES.map((body) => slack.raw(body, { contentType: JSON_CONTENT_TYPE })),
    ...PAYLOADS.map((p) => slack.raw(`payload=${encodeURIComponent(JSON.stringify(p))}`)),
    ...FORM_BODIES.map((body) => slack.raw(body)),
  ]);
}

async function helpAnswers(slack: SlackSender, fakeSlack: LocalSlack): Promise<string> {
  const res = await slack.command(
    slashCommand({
      command: '/incident',
      text: 'help',
      userId: PEOPLE.staff,
      triggerId: fakeSlack.issueTrigger(PEOPLE.staff),
      responseUrl: fakeSlack.responseUrl(),
    }),
  );
  expect(res.status).toBe(200);
  return String((res.json() as { text?: unknown }).text);
}

describe('malformed requests, signed correctly', () => {
  it('are answered without stopping, changing or breaking anything, and the app keeps serving', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff);
    await world.vigil.outbox.drain();
    const before = {
      incidents: world.db.select().from(incidents).all(),
      events: world.db.select().from(incidentEvents).all().length,
    };

    const answers = await sendEverything(world.slack);
    await world.settled();
    // Each one refused as a bad request at once: none reaches a listener to fail there (500), none
    // waits unanswered (404 after 3 s); JSON that is no object no longer reaches Bolt, which threw
    // on it outside any handler and stopped the process.
    expect(answers.map((a, i) => `${i}: ${a.status}`)).toEqual(answers.map((_, i) => `${i}: 400`));

    expect(await helpAnswers(world.slack, world.fake)).toContain('/incident stats');
    await world.vigil.outbox.drain();
    expect(world.db.select().from(incidents).all()).toEqual(before.incidents);
    expect(world.db.select().from(incidentEvents).all()).toHaveLength(before.events);
  });

  it('do not stop the real process: it answers the next request as before', async () => {
    fake = await LocalSlack.start({
      channels: [{ id: 'GSECURITY', name: 'security', isPrivate: true, botIsMember: true, members: [] }],
    });
    const proc = spawn(
      process.execPath,
      ['--import', pathToFileURL(resolve('node_modules/tsx/dist/loader.mjs')).href, resolve('src/main.ts')],
      {
        env: {
          PATH: process.env.PATH,
          ...TEST_ENV,
          SLACK_API_URL: fake.url,
          PORT: '0',
          DATABASE_PATH: ':memory:',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child = proc;
    let output = '';
    proc.stdout?.on('data', (d) => {
      output += d;
    });
    proc.stderr?.on('data', (d) => {
      output += d;
    });
    let exited: number | null | undefined;
    proc.on('exit', (code) => {
      exited = code;
    });
    await expect.poll(() => /localhost:(\d+)/.exec(output)?.[1], { timeout: 10_000 }).toBeDefined();
    const port = /localhost:(\d+)/.exec(output)?.[1];
    const slack = new SlackSender(`http://127.0.0.1:${port}/slack/events`, SIGNING_SECRET);

    expect((await slack.raw('null', { contentType: JSON_CONTENT_TYPE })).status).toBe(400);
    await sendEverything(slack);
    expect(await helpAnswers(slack, fake)).toContain('/incident stats');
    expect(exited).toBeUndefined();
    expect(output).not.toMatch(/TypeError|Unhandled|uncaught/i);
  }, 30_000);
});
