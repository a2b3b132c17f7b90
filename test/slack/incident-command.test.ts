import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { incidents, outbox } from '../../db/schema';
import { validateMessage } from '../../src/local-slack/block-kit-limits';
import { incidentCommand } from '../helpers/incident-command';
import { seedReport } from '../helpers/seed';
import { createWorld, PEOPLE, testClock, type World } from '../helpers/world';

let world: World;
const savedTmp = process.env.TMPDIR;
afterEach(async () => {
  await world?.stop();
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
});

/** A temporary directory of the test's own, where the app's upload files must not outlive the upload. */
function ownTmp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-cmd-tmp-'));
  process.env.TMPDIR = dir;
  return dir;
}

const incident = (user: string, text: string) => incidentCommand(world, user, text);

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
    // Who follows it is part of the details (the head of department, by default); no control is.
    expect(details).toContain(`*Incident Response Manager:* <@${PEOPLE.hodFinance}>`);
    expect(details).not.toMatch(/"(accessory|action_id)"/);

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
    expect(md?.bytes.toString()).toContain(
      `## Integrity\n\nChecked when this pack was generated: each of its ${pack.auditTrail.length} audit events`,
    );
    expect(pack.auditTrail[0]?.type).toBe('reported');
    expect(pack.auditTrail[0]?.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('answers a failed upload with an ephemeral error, not "Working on it…" forever, and leaves no file behind', async () => {
    world = await createWorld();
    const tmp = ownTmp();
    await world.report(PEOPLE.staff);
    await world.vigil.outbox.drain();

    world.fake.fail('files.completeUploadExternal', { kind: 'error', error: 'internal_error' }, 1);
    const failed = await incident(PEOPLE.iao, 'export csv');
    expect(failed.body?.text).toContain('Working on it');
    await expect
      .poll(() => later(failed.responseUrl).at(-1))
      .toBe(
        ':warning: The register could not be sent to you just now (Slack said `internal_error`). Please try again in a minute.',
      );
    expect(world.fake.uploads.filter((u) => u.completed)).toEqual([]);
    expect(readdirSync(tmp)).toEqual([]);

    world.fake.fail('conversations.open', { kind: 'http', status: 500 }, 1);
    const evidence = await incident(PEOPLE.siro, 'evidence INC-2026-0001');
    await expect
      .poll(() => later(evidence.responseUrl).at(-1))
      .toContain(':warning: The evidence pack could not be sent to you just now');

    // Once Slack answers again, the same command works, and still leaves nothing on disk.
    const again = await incident(PEOPLE.iao, 'export csv');
    await expect.poll(() => later(again.responseUrl).at(-1)).toContain('is in your DMs');
    const csv = world.fake.uploads.find((u) => u.completed && u.filename.endsWith('.csv'));
    expect(csv?.bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv?.bytes.toString()).toContain('INC-2026-0001');
    expect(readdirSync(tmp)).toEqual([]);
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
    expect(body).toContain('*By department*\\nEngineering 1 (+1)\\nFinance 1 (+1)');
    const bad = await incident(PEOPLE.md, 'stats next-tuesday');
    await expect.poll(() => later(bad.responseUrl).at(-1)).toContain('is not a period');
    const refused = await incident(PEOPLE.responder, 'stats');
    await expect.poll(() => later(refused.responseUrl).at(-1)).toContain('Only the SIRO');
  });

  it('gives durations readably, counts by month, and the change by kind, severity and category', async () => {
    world = await createWorld({ clock: testClock('2026-04-10T09:00:00Z') });
    const H = 3_600_000;
    // March: three reports triaged 200 min, 200 min and 5 days after they were made, one resolved.
    // February: one report. Report → triage sorted 3.33 h, 3.33 h, 120 h: median 3.3 h, p90 5 days.
    const triaged = (reportedAt: string, afterHours: number, patch: Record<string, unknown> = {}) => {
      const clock = testClock(reportedAt);
      const i = seedReport(world.db, clock, patch);
      world.db
        .update(incidents)
        .set({
          severity: 'high',
          triageOutcome: 'incident',
          status: 'triaged',
          triagedAt: new Date(clock.now().getTime() + afterHours * H),
        })
        .where(eq(incidents.id, i.id))
        .run();
    };
    triaged('2026-02-10T10:00:00Z', 1);
    triaged('2026-03-02T10:00:00Z', 10 / 3);
    triaged('2026-03-09T10:00:00Z', 10 / 3, { kind: 'near_miss', category: 'misdelivery' });
    triaged('2026-03-16T10:00:00Z', 120);

    const md = await incident(PEOPLE.md, 'stats 2026-02-01..2026-03-31');
    await expect
      .poll(() => world.fake.responseUrlPosts.filter((p) => md.responseUrl.endsWith(p.path)).length)
      .toBe(1);
    const body = world.fake.responseUrlPosts.find((p) => md.responseUrl.endsWith(p.path))?.body ?? {};
    expect(validateMessage(body)).toEqual([]);
    const text = JSON.stringify(body.blocks);
    expect(text).toContain('Report to triage: median 3.3 h, 90% within 5.0 d (4)');
    expect(text).not.toMatch(/\d\.\d{3,}/); // no unrounded figures anywhere
    expect(text).toContain('*By month*\\n2026-02 1 · 2026-03 3');
    // Against December and January, when there was nothing.
    expect(text).toContain('Incidents 3 (+3) · Near misses 1 (+1) · Weaknesses 0 (±0)');
    expect(text).toContain('High 4 (+4)');
    expect(text).toContain('Lost or stolen device, media or papers 3 (+3)');
    expect(text).toContain('Email, fax or post sent to the wrong place 1 (+1)');

    const month13 = await incident(PEOPLE.md, 'stats 2026-13');
    await expect.poll(() => later(month13.responseUrl).at(-1)).toContain('"2026-13" is not a month');
    const month0 = await incident(PEOPLE.md, 'stats 2026-00');
    await expect.poll(() => later(month0.responseUrl).at(-1)).toContain('month from 01 to 12');
  });

  it('keeps the statistics message within Block Kit limits for a large and varied register', async () => {
    world = await createWorld({ clock: testClock('2026-12-31T12:00:00Z') });
    // Seven years, 60 departments (renamed over the years, so most are no longer configured) and
    // categories from an older form, with names as long and as hostile as people type them; and a
    // busy December, the month the monthly report covers.
    const clock = testClock('2020-01-05T09:00:00Z');
    const file = (n: number) => {
      const i = seedReport(world.db, clock, {
        kind: (['incident', 'near_miss', 'weakness'] as const)[n % 3],
      });
      world.db
        .update(incidents)
        .set({
          department: `Department ${n % 60} <!channel> & ${'Ω'.repeat(120)}`,
          category: n % 4 === 0 ? 'device_loss' : `legacy_category_${n % 40}_${'x'.repeat(150)}`,
          immediateCause: `cause_${n % 30}_${'y'.repeat(100)}`,
          severity: (['critical', 'high', 'medium', 'low'] as const)[n % 4],
          triageOutcome: 'incident',
          triagedAt: new Date(clock.now().getTime() + (n % 17) * 3_600_000),
        })
        .where(eq(incidents.id, i.id))
        .run();
    };
    for (let n = 0; n < 150; n++) {
      file(n);
      clock.advance(17 * 24 * 3_600_000);
    }
    clock.set('2026-12-01T09:00:00Z');
    for (let n = 0; n < 120; n++) {
      file(n);
      clock.advance(5 * 3_600_000);
    }
    // Their cards and receipts went out long ago.
    world.db.update(outbox).set({ status: 'sent' }).run();

    const md = await incident(PEOPLE.md, 'stats 2020-01-01..2026-12-31');
    await expect
      .poll(() => world.fake.responseUrlPosts.filter((p) => md.responseUrl.endsWith(p.path)).length)
      .toBe(1);
    const body = world.fake.responseUrlPosts.find((p) => md.responseUrl.endsWith(p.path))?.body ?? {};
    expect(validateMessage(body)).toEqual([]);
    const text = JSON.stringify(body.blocks);
    expect(text).toContain('*270 reports*');
    expect(text).toContain('2020-01 2');
    expect(text).toMatch(/…and \d+ more/);
    expect(text).not.toContain('<!channel>');

    // December's monthly report goes through chat.postMessage, which checks it too.
    world.clock.set('2027-01-01T09:00:00Z');
    await world.vigil.scheduler.tick();
    await world.vigil.outbox.drain();
    expect(world.fake.callsTo('chat.postMessage', { ok: false })).toEqual([]);
    expect(
      world.fake
        .callsTo('chat.postMessage', { ok: true })
        .filter((c) => String(c.args.text).startsWith('Monthly incident report, December 2026')),
    ).toHaveLength(1);
  });
});
