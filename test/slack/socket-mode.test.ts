import { afterEach, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../db/client';
import { createVigil, type Vigil } from '../../src/app';
import { loadConfig } from '../../src/config';
import { LocalSlack, TEST_APP_TOKEN } from '../../src/local-slack/local-slack';
import { slashCommand } from '../../src/local-slack/payloads';
import { createLogger } from '../../src/logger';
import { FakeSocketMode } from '../helpers/fake-socket-mode';
import { PEOPLE, SECURITY_CHANNEL, TEST_ENV, testClock } from '../helpers/world';

let fake: LocalSlack;
let socket: FakeSocketMode;
let vigil: Vigil;

afterEach(async () => {
  await vigil?.stop();
  await socket?.stop();
  await fake?.stop();
});

async function startSocketApp() {
  fake = await LocalSlack.start({
    channels: [{ id: SECURITY_CHANNEL, name: 'security', isPrivate: true, botIsMember: true, members: [] }],
  });
  socket = await FakeSocketMode.start(fake);
  const config = loadConfig({
    ...TEST_ENV,
    SLACK_SIGNING_SECRET: '',
    SLACK_APP_TOKEN: TEST_APP_TOKEN,
    SLACK_API_URL: socket.url,
  });
  const database = openDatabase(':memory:');
  vigil = createVigil({
    config,
    db: database,
    clock: testClock(),
    logger: createLogger('error', () => {}),
    botUserId: fake.botUserId,
    botId: fake.botId,
    workspaceUrl: 'https://vigil-test.slack.com/',
  });
  const stop = vigil.stop.bind(vigil);
  vigil.stop = async () => {
    await stop();
    closeDatabase(database);
  };
  await vigil.start();
}

const command = (n: number) =>
  slashCommand({
    command: '/report-incident',
    userId: PEOPLE.staff,
    triggerId: fake.issueTrigger(PEOPLE.staff),
    responseUrl: fake.responseUrl(`r${n}`),
  });

describe('Socket Mode', () => {
  it('connects with the app-level token, acknowledges a command and opens the form', async () => {
    await startSocketApp();
    const ws = await socket.nextConnection(0);
    expect(socket.connectionsOpened).toBe(1);
    const ack = await socket.deliver(ws, 'slash_commands', command(1), 'env-1');
    expect(ack.envelope_id).toBe('env-1');
    await fake.waitFor('views.open', 1, { ok: true });
  });

  it('reconnects after the connection is dropped, and keeps working', async () => {
    await startSocketApp();
    const first = await socket.nextConnection(0);
    first.terminate();
    const second = await socket.nextConnection(1);
    expect(socket.connectionsOpened).toBe(2);
    await socket.deliver(second, 'slash_commands', command(2), 'env-2');
    await fake.waitFor('views.open', 1, { ok: true });
  }, 30_000);

  it('notices a silent connection (no pongs) and reconnects', async () => {
    await startSocketApp();
    await socket.nextConnection(0);
    socket.silent = true;
    const fresh = await socket.nextConnection(1, 25_000);
    socket.silent = false;
    expect(socket.connectionsOpened).toBeGreaterThanOrEqual(2);
    await socket.deliver(fresh, 'slash_commands', command(3), 'env-3');
    await fake.waitFor('views.open', 1, { ok: true });
  }, 40_000);
});
