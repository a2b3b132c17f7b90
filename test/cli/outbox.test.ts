import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { incidents } from '../../db/schema';
import { eventCallback } from '../../src/local-slack/payloads';
import { countOutbox } from '../../src/services/outbox-status';
import { createWorld, PEOPLE, SECURITY_CHANNEL, testClock, type World } from '../helpers/world';

const run = promisify(execFile);
let databasePath = join(mkdtempSync(join(tmpdir(), 'vigil-outbox-')), 'vigil.db');

function vigil(...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    env: { PATH: process.env.PATH, DATABASE_PATH: databasePath, ORG_TIME_ZONE: 'Europe/London' },
  });
}

let world: World;
afterEach(async () => {
  await world?.stop();
});

async function homeOf(user: string, eventId: string): Promise<string> {
  const before = world.fake.callsTo('views.publish', { ok: true }).length;
  await world.slack.event(
    eventCallback({ type: 'app_home_opened', user, channel: 'DHOME', tab: 'home' }, { eventId }),
  );
  await world.fake.waitFor('views.publish', before + 1, { ok: true });
  return JSON.stringify(world.fake.published.get(user)?.blocks ?? []);
}

describe('npm run vigil -- outbox', () => {
  it('shows what Slack refused for good, in the log, App Home and the command, and requeues it', async () => {
    // The operator's command runs on the wall clock: so does this app.
    world = await createWorld({ databasePath, clock: testClock(new Date()) });
    world.expectErrors(
      /card of INC-\d{4}-0001 refused|outbox #\d+ post_card for incident \d+ cannot be delivered/,
    );
    // Slack refuses the card and then its plain-text fallback: the card is parked. (Only in the
    // security channel: DMs go out beside the card, and must not take the failures.)
    world.fake.fail(`chat.postMessage@${SECURITY_CHANNEL}`, { kind: 'error', error: 'invalid_blocks' }, 2);
    await world.report(PEOPLE.staff);
    await world.vigil.outbox.drain();
    expect(world.fake.messages(SECURITY_CHANNEL)).toHaveLength(0);
    // The head of department still hears they are the IRM, without a link to a card that is not there.
    const hod = world.db.select().from(incidents).get()?.hodId;
    await expect
      .poll(() => world.fake.callsTo('chat.postMessage', { ok: true }).filter((c) => c.args.channel === hod))
      .toHaveLength(1);

    await world.vigil.scheduler.tick();
    expect(world.logs.map((l) => l.message)).toContain(
      '0 Slack deliveries pending, 1 refused for good (see npm run vigil -- outbox)',
    );
    expect(await homeOf(PEOPLE.siro, 'Ev0DEAD1')).toContain(
      '1 Slack deliveries were refused for good; an operator can list and requeue them with `npm run vigil -- outbox`.',
    );
    expect(await homeOf(PEOPLE.staff, 'Ev0DEAD2')).not.toContain('refused for good');

    const listed = await vigil('outbox');
    expect(listed.stdout).toContain('Slack deliveries: 0 pending, 1 refused for good');
    expect(listed.stdout).toMatch(/ {6}0 {8}1 {2}post_card/);
    expect(listed.stdout).toMatch(/#\d+ post_card INC-\d{4}-0001: invalid_blocks \(1 attempt, queued /);
    expect(listed.stdout).toContain('npm run vigil -- outbox --requeue-dead');

    const requeued = await vigil('outbox', '--requeue-dead');
    expect(requeued.stdout).toContain('requeued 1 refused delivery');
    expect(requeued.stdout).toContain('Slack deliveries: 1 pending, 0 refused for good');
    world.clock.set(new Date());
    await world.vigil.outbox.drain();
    const [card] = world.fake.messages(SECURITY_CHANNEL);
    expect(JSON.stringify(card?.blocks)).toMatch(/INC-\d{4}-0001 ·/);
    expect(countOutbox(world.db)).toMatchObject({ pending: 0, dead: 0 });
  }, 30_000);

  it('parks a DM to someone Slack says does not exist, and lists it, instead of retrying it for ever', async () => {
    databasePath = join(mkdtempSync(join(tmpdir(), 'vigil-outbox-')), 'vigil.db');
    world = await createWorld({ databasePath, clock: testClock(new Date()) });
    world.expectErrors(/outbox #\d+ dm for incident \d+ cannot be delivered \(user_not_found\)/);
    world.fake.fail('chat.postMessage', { kind: 'error', error: 'user_not_found' });
    await world.report(PEOPLE.staff);
    await world.vigil.outbox.drain();
    world.fake.recover();
    world.clock.set(new Date(Date.now() + 60_000));
    await world.vigil.outbox.drain();

    // The same answer about the security channel is retried (a bot removed from it can be invited back).
    expect(world.fake.messages(SECURITY_CHANNEL)).not.toHaveLength(0);
    expect(world.dmsTo(PEOPLE.staff)).toHaveLength(0);
    const listed = await vigil('outbox');
    expect(listed.stdout).toContain('Slack deliveries: 0 pending, 1 refused for good');
    expect(listed.stdout).toMatch(/#\d+ dm INC-\d{4}-0001: user_not_found \(1 attempt, queued /);
  }, 30_000);
});
