import { afterEach, describe, expect, it } from 'vitest';
import { incidents } from '../../db/schema';
import { slashCommand, viewSubmission } from '../helpers/signed-requests';
import { stateFromView } from '../helpers/slack-client';
import { createWorld, MINIMAL_REPORT, PEOPLE, type World } from '../helpers/world';

let world: World;
afterEach(async () => {
  await world?.stop();
});

const command = (w: World) =>
  slashCommand({
    command: '/report-incident',
    userId: PEOPLE.staff,
    triggerId: w.fake.issueTrigger(),
    responseUrl: w.fake.responseUrl(),
  });

describe('requests not signed by Slack', () => {
  it('refuses a forged signature, a stale timestamp and missing headers before any listener runs', async () => {
    world = await createWorld();
    const forged = await world.slack.command(command(world), { signature: `v0=${'0'.repeat(64)}` });
    const stale = await world.slack.command(command(world), {
      timestamp: Math.floor(Date.now() / 1000) - 6 * 60,
    });
    const unsigned = await world.slack.command(command(world), { omitHeaders: ['X-Slack-Signature'] });
    expect([forged.status, stale.status, unsigned.status]).toEqual([401, 401, 401]);
    expect(world.fake.callsTo('views.open')).toHaveLength(0);
  });

  it('stores nothing from a forged report submission', async () => {
    world = await createWorld();
    const view = await world.openReportForm(PEOPLE.staff);
    const payload = viewSubmission({
      userId: PEOPLE.staff,
      view: { id: view.id, callback_id: 'report_incident', blocks: view.view.blocks as unknown[] },
      values: stateFromView(view.view, MINIMAL_REPORT),
      triggerId: world.fake.issueTrigger(),
    });
    const res = await world.slack.interaction(payload, { signature: 'v0=deadbeef' });
    expect(res.status).toBe(401);
    expect(world.db.select().from(incidents).all()).toHaveLength(0);
    expect(world.fake.callsTo('chat.postMessage')).toHaveLength(0);
  });
});
