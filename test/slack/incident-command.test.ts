import { afterEach, describe, expect, it } from 'vitest';
import { slashCommand } from '../helpers/signed-requests';
import { createWorld, PEOPLE, type World } from '../helpers/world';

let world: World;
afterEach(async () => {
  await world?.stop();
});

async function incident(user: string, text: string) {
  const responseUrl = world.fake.responseUrl();
  const res = await world.slack.command(
    slashCommand({
      command: '/incident',
      text,
      userId: user,
      triggerId: world.fake.issueTrigger(user),
      responseUrl,
    }),
  );
  return { status: res.status, body: res.text ? (res.json() as Record<string, unknown>) : null, responseUrl };
}

const later = (url: string) =>
  world.fake.responseUrlPosts.filter((p) => url.endsWith(p.path)).map((p) => String(p.body.text));

describe('/incident', () => {
  it('shows the team the details, the reporter the status, and nobody else anything', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff);
    await world.vigil.outbox.drain();

    const team = await incident(PEOPLE.responder, 'inc-2026-0001');
    expect(team.body?.response_type).toBe('ephemeral');
    const details = JSON.stringify(team.body?.blocks);
    expect(details).toContain('Left my work laptop on the 08:12 to Leeds.');
    expect(details).toContain('Open the card and its thread');
    expect(details).not.toContain('"type":"actions"');

    const reporter = JSON.stringify((await incident(PEOPLE.staff, 'INC-2026-0001')).body);
    expect(reporter).toContain('Reported, awaiting triage');
    expect(reporter).not.toContain('Leeds');

    const outsider = await incident(PEOPLE.staff2, 'INC-2026-0001');
    const missing = await incident(PEOPLE.staff2, 'INC-2026-0999');
    expect(outsider.body?.text).toBe('You have no report INC-2026-0001, or it is not yours to see.');
    expect(missing.body?.text).toBe('You have no report INC-2026-0999, or it is not yours to see.');
  });

  it('explains the commands', async () => {
    world = await createWorld();
    const help = await incident(PEOPLE.staff, 'help');
    expect(String(help.body?.text)).toContain('/incident stats');
  });

  it('uploads the register and an evidence pack to a role holder, and refuses others', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff, { title: '=cmd|calc' });
    await world.vigil.outbox.drain();

    const refused = await incident(PEOPLE.responder, 'export csv');
    expect(refused.status).toBe(200);
    await expect
      .poll(() => later(refused.responseUrl))
      .toEqual([
        'Only the SIRO, the CIO, the Managing Director and the Information Asset Officer may do that.',
      ]);
    expect(world.fake.uploads).toHaveLength(0);

    const exported = await incident(PEOPLE.iao, 'export csv');
    await expect
      .poll(() => later(exported.responseUrl).at(-1))
      .toContain('The register (1 incidents) is in your DMs');
    const csv = world.fake.uploads.find((u) => u.filename.endsWith('.csv'));
    expect(csv?.bytes.toString()).toContain("'=cmd|calc");
    expect(csv?.completed).toBe(true);

    const evidence = await incident(PEOPLE.siro, 'evidence INC-2026-0001');
    await expect.poll(() => later(evidence.responseUrl).at(-1)).toContain('evidence pack for INC-2026-0001');
    const md = world.fake.uploads.find((u) => u.filename === 'INC-2026-0001-evidence.md');
    const json = world.fake.uploads.find((u) => u.filename === 'INC-2026-0001-evidence.json');
    expect(md?.bytes.toString()).toContain('## Audit trail');
    const pack = JSON.parse(json?.bytes.toString() ?? '{}') as {
      auditTrail: { type: string; hash: string }[];
    };
    expect(pack.auditTrail[0]?.type).toBe('reported');
    expect(pack.auditTrail[0]?.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives role holders statistics for a period, and others a refusal', async () => {
    world = await createWorld();
    await world.report(PEOPLE.staff);
    await world.report(PEOPLE.staff2, { kind: 'near_miss', department: 'Engineering' });
    const md = await incident(PEOPLE.md, 'stats 2026-03');
    await expect
      .poll(() => world.fake.responseUrlPosts.filter((p) => md.responseUrl.endsWith(p.path)).length)
      .toBe(1);
    const body = JSON.stringify(
      world.fake.responseUrlPosts.find((p) => md.responseUrl.endsWith(p.path))?.body,
    );
    expect(body).toContain('Incident statistics: March 2026');
    expect(body).toContain('Engineering 1 · Finance 1');
    const bad = await incident(PEOPLE.md, 'stats next-tuesday');
    await expect.poll(() => later(bad.responseUrl).at(-1)).toContain('is not a period');
    const refused = await incident(PEOPLE.responder, 'stats');
    await expect.poll(() => later(refused.responseUrl).at(-1)).toContain('Only the SIRO');
  });
});
