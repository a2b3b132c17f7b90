import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CARD_ACTIONS } from '../../blocks/card-ids';
import { auditCheckpointThread, incidentEvents, outbox } from '../../db/schema';
import { parseCheckpointLine } from '../../src/services/checkpoint-file';
import { verifyAuditTrail } from '../../src/services/verify-audit';
import { createWorld, PEOPLE, SECURITY_CHANNEL, testClock, type World } from '../helpers/world';

let world: World;
let databasePath: string;

beforeEach(() => {
  databasePath = join(mkdtempSync(join(tmpdir(), 'vigil-checkpoints-')), 'vigil.db');
});
afterEach(async () => {
  await world?.stop();
});

const checkpointFile = () => `${databasePath}.checkpoints`;
const fileLines = () =>
  readFileSync(checkpointFile(), 'utf8')
    .trim()
    .split('\n')
    .map((line) => parseCheckpointLine(line));

const eventCount = (w: World) => w.db.select().from(incidentEvents).all().length;

/** The security channel's checkpoint thread: its first message and the replies under it. */
function checkpointThread(w: World) {
  const messages = w.fake.messages(SECURITY_CHANNEL);
  const parent = messages.find((m) => !m.thread_ts && (m.text ?? '').startsWith('Audit checkpoints'));
  return {
    parent,
    replies: messages.filter((m) => parent && m.thread_ts === parent.ts && m.ts !== parent.ts),
  };
}

async function dismiss(w: World, reference: string): Promise<void> {
  const { refused, errors } = await w.act(PEOPLE.siro, reference, CARD_ACTIONS.triage, {
    outcome: 'not_incident',
    rationale: 'A test message, nothing lost',
  });
  expect({ refused, errors }).toEqual({ refused: null, errors: null });
  await w.vigil.outbox.drain();
}

describe('audit checkpoints', () => {
  it('are published on every closure: a synced line in the file beside the database, and the security channel’s thread', async () => {
    world = await createWorld({ databasePath });
    await world.report(PEOPLE.staff);
    await world.report(PEOPLE.staff2);
    await world.vigil.outbox.drain();
    await dismiss(world, 'INC-2026-0001');

    const first = fileLines();
    expect(first).toEqual([
      {
        at: world.clock.now(),
        events: eventCount(world),
        lastId: eventCount(world),
        head: expect.stringMatching(/^[0-9a-f]{64}$/),
        reason: 'closure',
        mac: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    ]);
    expect(statSync(checkpointFile()).mode & 0o777).toBe(0o600);
    const { parent } = checkpointThread(world);
    expect(parent?.text).toMatch(/^Audit checkpoints/);
    expect(JSON.stringify(parent?.blocks)).toContain(
      `${first[0]?.events} events, the last is event ${first[0]?.lastId}`,
    );
    expect(world.db.select().from(auditCheckpointThread).all()).toEqual([
      { channelId: SECURITY_CHANNEL, ts: parent?.ts },
    ]);

    world.clock.advance(60_000);
    await dismiss(world, 'INC-2026-0002');
    const second = fileLines();
    expect(second).toHaveLength(2);
    expect(second[1]).toMatchObject({ events: eventCount(world), reason: 'closure' });
    const thread = checkpointThread(world);
    expect(thread.parent?.ts).toBe(parent?.ts);
    expect(thread.replies.map((m) => m.text)).toEqual([
      `Audit checkpoint: ${second[1]?.events} events through event ${second[1]?.lastId}`,
    ]);
    // The message carries the exact line, so it can be checked against a copy of the file.
    expect(JSON.stringify(thread.replies[0]?.blocks)).toContain(String(second[1]?.mac));

    const report = verifyAuditTrail(world.db);
    expect(report).toMatchObject({ ok: true, checkpointsChecked: 2 });
    expect(report.lastCheckpoint?.checkpoint.lastId).toBe(second[1]?.lastId);
    expect(report.lastCheckpoint?.sources).toEqual([`${checkpointFile()} line 2`, 'database checkpoint 2']);
  });

  it('are published at least daily while the trail grows, and not when it does not', async () => {
    world = await createWorld({ databasePath, clock: testClock('2026-03-10T09:00:00Z') });
    await world.report(PEOPLE.staff);
    await world.vigil.outbox.drain();
    const tick = async () => {
      await world.vigil.scheduler.tick();
      await world.vigil.outbox.drain();
    };
    await tick();
    expect(checkpointThread(world).parent).toBeUndefined(); // the first event is not a day old yet

    world.clock.advance(24 * 3600_000);
    await tick();
    expect(fileLines()).toMatchObject([{ reason: 'daily', events: eventCount(world) }]);
    await tick();
    world.clock.advance(25 * 3600_000);
    await tick();
    expect(fileLines()).toHaveLength(1); // nothing new to anchor

    // The trail grows a day after the last checkpoint: anchored at the next sweep.
    await world.report(PEOPLE.staff2);
    await tick();
    expect(fileLines()).toMatchObject([{ reason: 'daily' }, { reason: 'daily', events: eventCount(world) }]);
    // …and not again the same day.
    await world.report(PEOPLE.staff);
    await tick();
    expect(fileLines()).toHaveLength(2);
    expect(checkpointThread(world).replies).toHaveLength(1);
  });

  it('keep the file line when Slack fails, and post that same checkpoint once Slack answers', async () => {
    world = await createWorld({ databasePath });
    await world.report(PEOPLE.staff);
    await world.vigil.outbox.drain();
    world.fake.fail('chat.postMessage', { kind: 'http', status: 500 });
    await world.act(PEOPLE.siro, 'INC-2026-0001', CARD_ACTIONS.triage, {
      outcome: 'not_incident',
      rationale: 'Nothing happened',
    });
    await world.vigil.outbox.drain();
    expect(fileLines()).toHaveLength(1);
    const pending = world.db
      .select()
      .from(outbox)
      .all()
      .filter((r) => r.kind === 'checkpoint');
    expect(pending).toMatchObject([{ status: 'pending', payload: { reason: 'closure', checkpointId: 1 } }]);

    world.fake.recover();
    world.clock.advance(60_000);
    await world.vigil.outbox.drain();
    expect(fileLines()).toHaveLength(1);
    const { parent } = checkpointThread(world);
    expect(JSON.stringify(parent?.blocks)).toContain(String(fileLines()[0]?.mac));
  });
});
