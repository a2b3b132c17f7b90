import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { CARD_ACTIONS } from '../../blocks/card-ids';
import { durable, joinGroupCommit } from '../../db/group-commit';
import { escalateIncident } from '../../src/domain/escalate';
import { actorFor } from '../../src/domain/roles';
import { createWorld, PEOPLE, SECURITY_CHANNEL, type World } from '../helpers/world';

let world: World | undefined;
let reader: Database.Database | undefined;
afterEach(async () => {
  reader?.close();
  reader = undefined;
  await world?.stop();
  world = undefined;
});

/**
 * Commits in the WAL file since its last reset: frames whose header gives the database size after
 * the commit, with the WAL's current salt. Each is one sync under `synchronous = FULL`.
 */
function walCommits(path: string): number {
  const wal = readFileSync(`${path}-wal`);
  if (wal.length < 32) return 0;
  const pageSize = wal.readUInt32BE(8);
  const salt = [wal.readUInt32BE(16), wal.readUInt32BE(20)];
  let commits = 0;
  for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize) {
    if (wal.readUInt32BE(at + 8) !== salt[0] || wal.readUInt32BE(at + 12) !== salt[1]) break;
    if (wal.readUInt32BE(at + 4) !== 0) commits++;
  }
  return commits;
}

async function threeReports() {
  const path = join(mkdtempSync(join(tmpdir(), 'vigil-group-')), 'vigil.db');
  world = await createWorld({ databasePath: path });
  for (let i = 0; i < 3; i++) await world.report(PEOPLE.staff);
  await world.settled();
  await world.vigil.outbox.drain();
  await world.vigil.outbox.stop();
  // Keep every commit in the WAL for counting (the test writes far less than a checkpoint's worth).
  world.db.$client.pragma('wal_autocheckpoint = 0');
  reader = new Database(path, { readonly: true });
  const escalated = reader.prepare('SELECT count(*) FROM incidents WHERE escalated_at IS NOT NULL').pluck();
  const ids = world.db.$client.prepare('SELECT id, version FROM incidents ORDER BY id').all() as {
    id: number;
    version: number;
  }[];
  return { path, world, escalated, ids };
}

describe('group commit (issue 15)', () => {
  it('commits the changes made in one moment together, with one sync, and a refused one undoes only itself', async () => {
    const { path, world, escalated, ids } = await threeReports();
    const ctx = { db: world.db, clock: world.clock, config: world.config };
    const siro = actorFor(world.config, PEOPLE.siro, true);
    const before = walCommits(path);

    const [a, b, c] = ids;
    if (!a || !b || !c) throw new Error('three reports expected');
    escalateIncident(ctx, siro, { incidentId: a.id, version: a.version });
    escalateIncident(ctx, siro, { incidentId: b.id, version: b.version });
    // A stale click in the same moment is refused, and takes nothing of the others with it.
    expect(() => escalateIncident(ctx, siro, { incidentId: c.id, version: c.version - 1 })).toThrow(
      /changed while you were looking/,
    );
    // Not yet on disk: another connection (the CLI, a backup) sees none of it.
    expect(escalated.get()).toBe(0);

    await durable(world.db);
    expect(escalated.get()).toBe(2);
    expect(walCommits(path) - before).toBe(1);
  });

  it('acknowledges a click only after its change is committed: a failed commit is no success', async () => {
    const { world, escalated } = await threeReports();
    world.expectErrors(/could not commit/);
    world.expectErrors(/FOREIGN KEY constraint failed/);
    world.expectErrors(/unhandled error occurred while Bolt processed/);
    // Something else written in the same moment makes the commit fail (a deferred foreign key).
    world.vigil.app.use(async ({ next }) => {
      joinGroupCommit(world.db);
      world.db.$client.pragma('defer_foreign_keys = ON');
      world.db.$client
        .prepare("INSERT INTO processed_requests (key, incident_id, at) VALUES ('orphan', 999999, 0)")
        .run();
      await next();
    });
    const card = world.card('INC-2026-0001');
    const delivered = await world.people
      .as(PEOPLE.siro)
      .click({ channel: SECURITY_CHANNEL, ts: card.ts }, CARD_ACTIONS.escalate, { asShown: card.blocks });
    await world.settled();

    expect(delivered.status).not.toBe(200);
    expect(escalated.get()).toBe(0);
    expect(
      world.db.$client.prepare('SELECT count(*) FROM incidents WHERE escalated_at IS NOT NULL').pluck().get(),
    ).toBe(0);
  });
});
