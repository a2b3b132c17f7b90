import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { evidence, incidents } from '../../db/schema';
import { readAppFeatures } from '../../src/sandbox/app-manifest';
import { DEMO, GENERAL, SECURITY } from '../../src/sandbox/org';
import type { ActResult, TourStep } from '../../src/sandbox/protocol';
import { seen, startSandbox, type TestSandbox } from './start-sandbox';

let running: TestSandbox | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

const dm = (id: string) => `D${id.slice(1)}`;

/** Starts a sandbox that afterEach stops (and checks for logged errors). */
async function open(paths?: Parameters<typeof startSandbox>[0]): Promise<TestSandbox> {
  running = await startSandbox(paths);
  return running;
}

describe('the sandbox', () => {
  it('plays the guided tour from report to closure: triage on the card, the head of department and the CIO acting from DMs, a reminder', async () => {
    const t = await open();
    const steps = (await (await fetch(`${t.url}/api/tour`)).json()) as TourStep[];
    expect(steps.length).toBeGreaterThanOrEqual(10);
    for (const step of steps) {
      const result = (await (await t.post('/api/tour', { index: step.index })).json()) as ActResult;
      expect(result, step.title).toEqual({ ok: true });
    }
    const siro = await t.until(
      DEMO.siro.id,
      (s) => seen(s, SECURITY.id).includes('Closed'),
      'the closed card',
    );
    expect(seen(siro, SECURITY.id)).toContain('INC-2026-0001 · Laptop left on a train');
    // The CIO approved from a DM, outside the security channel; the reporter was told.
    expect((await t.state(DEMO.cio.id)).conversations.map((c) => c.name)).not.toContain('security-incidents');
    expect(seen(await t.state(DEMO.staff.id), dm(DEMO.staff.id))).toMatch(/closed/i);
    const hod = await t.until(
      DEMO.hodFinance.id,
      (s) => seen(s, dm(DEMO.hodFinance.id)).includes('needs your attention'),
      'a reminder',
    );
    expect(seen(hod, dm(DEMO.hodFinance.id))).toContain('You own a *corrective* action');
    // Each step now names the incident it is about.
    const named = (await (await fetch(`${t.url}/api/tour`)).json()) as TourStep[];
    expect(named.some((s) => s.instruction.includes('INC-2026-0001'))).toBe(true);
  });

  it('shows each person only what Slack would, and refuses what Slack would never send', async () => {
    const t = await open();
    await t.post('/api/tour', { index: 0 });
    await t.post('/api/tour', { index: 1 });
    const staff = await t.state(DEMO.staff.id);
    expect(staff.conversations.map((c) => c.name)).toEqual(['general', 'Vigil']);
    const siro = await t.until(
      DEMO.siro.id,
      (s) => seen(s, SECURITY.id).includes('INC-2026-0001'),
      'the card',
    );
    expect(siro.conversations.map((c) => c.name)).toEqual(['general', 'security-incidents', 'Vigil']);
    const card = siro.messages[SECURITY.id]?.find((m) => m.threadTs === undefined);
    expect(card).toBeDefined();
    const click = await t.act(DEMO.staff.id, {
      type: 'click',
      surface: { conversation: SECURITY.id, ts: card?.ts ?? '' },
      blockId: 'x',
      actionId: 'card_triage',
    });
    expect(click.ok).toBe(false);
    expect(click.error).toMatch(/Slack would not send that/);
    const command = await t.act(DEMO.staff.id, {
      type: 'command',
      conversation: SECURITY.id,
      text: '/incident help',
    });
    expect(command.error).toMatch(/Slack would not send that/);
  });

  it('uploads a file picked in a form to its Slack, which Vigil hashes into the evidence register', async () => {
    const t = await open();
    await t.post('/api/tour', { index: 0 });
    await t.post('/api/tour', { index: 1 });
    const siro = await t.until(
      DEMO.siro.id,
      (s) => seen(s, SECURITY.id).includes('INC-2026-0001'),
      'the card',
    );
    const card = siro.messages[SECURITY.id]?.find((m) => m.threadTs === undefined);
    // "Add evidence…" is in the card's More… menu.
    const more = ((card?.blocks ?? []) as { block_id?: string; elements?: { action_id?: string }[] }[]).find(
      (b) => b.elements?.some((e) => e.action_id === 'card_more'),
    );
    const click = await t.act(DEMO.siro.id, {
      type: 'click',
      surface: { conversation: SECURITY.id, ts: card?.ts ?? '' },
      blockId: String(more?.block_id),
      actionId: 'card_more',
      option: 'card_add_evidence',
    });
    expect(click.ok).toBe(true);
    const form = await t.until(DEMO.siro.id, (s) => s.modal !== null, 'the evidence form');
    const bytes = Buffer.from('screenshot bytes');
    const submitted = await t.act(DEMO.siro.id, {
      type: 'submit',
      viewId: String(form.modal?.id),
      answers: {
        files: `shot.png\ndata:image/png;base64,${bytes.toString('base64')}`,
        note: 'From the user',
      },
    });
    expect(submitted).toEqual({ ok: true });
    expect(t.sandbox.vigil.db.select().from(evidence).all()).toEqual([
      expect.objectContaining({
        name: 'shot.png',
        mimetype: 'image/png',
        size: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
      }),
    ]);
  });

  it('shows an ephemeral answer to its owner only, where the command was typed; Slackbot answers an unknown command', async () => {
    const t = await open();
    expect(
      await t.act(DEMO.staff.id, { type: 'command', conversation: GENERAL.id, text: '/incident help' }),
    ).toEqual({ ok: true });
    expect(await t.act(DEMO.staff.id, { type: 'command', conversation: GENERAL.id, text: '/nope' })).toEqual({
      ok: true,
    });
    const staff = await t.state(DEMO.staff.id);
    const mine = staff.messages[GENERAL.id] ?? [];
    expect(mine.filter((m) => m.ephemeral).map((m) => m.author)).toEqual(['Vigil', 'Slackbot']);
    expect(mine[1]?.text).toBe(
      '/nope is not a valid command. In Slack, all messages that start with "/" are interpreted as commands.',
    );
    const other = await t.state(DEMO.staff2.id);
    expect(other.messages[GENERAL.id]).toEqual([]);
  });

  it('lets a person post in #general and report that message with the message shortcut', async () => {
    const t = await open();
    await t.act(DEMO.staff2.id, {
      type: 'post',
      conversation: GENERAL.id,
      text: 'Got a mail asking for my password <b>now</b>',
    });
    const posted = (await t.state(DEMO.staff.id)).messages[GENERAL.id]?.[0];
    expect(posted?.author).toBe('Robin Ellis');
    expect(
      await t.act(DEMO.staff.id, {
        type: 'messageShortcut',
        conversation: GENERAL.id,
        ts: posted?.ts ?? '',
        callbackId: 'report_message',
      }),
    ).toEqual({ ok: true });
    const form = await t.until(DEMO.staff.id, (s) => s.modal !== null, 'the report form');
    expect(JSON.stringify(form.modal?.view)).toContain('Got a mail asking for my password');
  });

  it('moves the clock forward only, and runs the reminder sweep at once', async () => {
    const t = await open();
    await t.post('/api/tour', { index: 0 });
    await t.post('/api/tour', { index: 1 });
    const before = (await t.state(DEMO.siro.id)).now;
    expect((await t.post('/api/advance', { jump: 'workday' })).status).toBe(200);
    // Untriaged for a day: the SIRO is reminded in the next working morning.
    const siro = await t.until(
      DEMO.siro.id,
      (s) => seen(s, dm(DEMO.siro.id)).includes('needs your attention'),
      'a triage reminder',
    );
    expect(new Date(siro.now).toISOString()).toMatch(/^2026-03-11T09:0/);
    expect(siro.now).toBeGreaterThan(before);
    expect((await t.post('/api/advance', { jump: 'backwards' })).status).toBe(400);
  });

  it('brings the monthly report and its chart to the Managing Director when the clock reaches a new month', async () => {
    const t = await open();
    await t.post('/api/tour', { index: 0 });
    await t.post('/api/tour', { index: 1 });
    await t.post('/api/advance', { jump: 'month' });
    const md = await t.until(
      DEMO.md.id,
      (s) => (s.messages[dm(DEMO.md.id)] ?? []).some((m) => m.file?.image),
      'the chart',
    );
    expect(seen(md, dm(DEMO.md.id))).toContain('Incident statistics: March 2026');
    const chart = md.messages[dm(DEMO.md.id)]?.find((m) => m.file)?.file;
    const res = await fetch(`${t.url}${chart?.url}`);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('content-disposition')).toMatch(/^inline/);
  });

  it('keeps the Slack side beside its database across a restart, and the reset button empties both', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-sandbox-'));
    const paths = { databasePath: join(dir, 'sandbox.db'), statePath: join(dir, 'sandbox-slack.json') };
    let t = await open(paths);
    await t.post('/api/tour', { index: 0 });
    await t.post('/api/tour', { index: 1 });
    await t.until(DEMO.siro.id, (s) => seen(s, SECURITY.id).includes('INC-2026-0001'), 'the card');
    await t.stop();
    t = await open(paths);
    expect(seen(await t.state(DEMO.siro.id), SECURITY.id)).toContain('INC-2026-0001');
    expect((await t.post('/api/reset', {})).status).toBe(200);
    expect((await t.state(DEMO.siro.id)).messages[SECURITY.id]).toEqual([]);
    expect(t.sandbox.vigil.db.select().from(incidents).all()).toEqual([]);
    await t.post('/api/tour', { index: 0 });
    await t.post('/api/tour', { index: 1 });
    await t.until(
      DEMO.siro.id,
      (s) => seen(s, SECURITY.id).includes('INC-2026-0001'),
      'a fresh first reference',
    );
  });

  it('shows what Slack refused', async () => {
    const t = await open();
    t.sandbox.slack.fail('views.open', { kind: 'error', error: 'invalid_arguments' }, 1);
    await t.act(DEMO.staff.id, { type: 'command', conversation: GENERAL.id, text: '/report-incident' });
    const s = await t.until(DEMO.staff.id, (x) => x.refusals.length > 0, 'a refusal');
    expect(s.refusals[0]).toMatchObject({ method: 'views.open', error: 'invalid_arguments' });
    t.logs.length = 0; // Vigil logs the refused form as an error, which is the point here.
  });

  it('serves only this machine, only JSON posts, and shared files as downloads', async () => {
    const t = await open();
    // fetch will not send another Host, as a DNS-rebinding page's browser would.
    const other = await new Promise<number>((resolve, reject) =>
      request(`${t.url}/`, { headers: { host: 'attacker.example' } }, (res) => resolve(res.statusCode ?? 0))
        .on('error', reject)
        .end(),
    );
    expect(other).toBe(421);
    const form = await fetch(`${t.url}/api/reset`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(form.status).toBe(415);
    expect((await fetch(`${t.url}/api/state?as=UNOBODY`)).status).toBe(404);
    const page = await fetch(`${t.url}/`);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    await t.act(DEMO.siro.id, {
      type: 'command',
      conversation: dm(DEMO.siro.id),
      text: '/incident export csv',
    });
    const s = await t.until(
      DEMO.siro.id,
      (x) => (x.messages[dm(DEMO.siro.id)] ?? []).some((m) => m.file),
      'the export',
    );
    const file = s.messages[dm(DEMO.siro.id)]?.find((m) => m.file)?.file;
    const res = await fetch(`${t.url}${file?.url}`);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="/);
    expect(await res.text()).toContain('reference');
  });
});

describe('the sandbox’s Slack app settings', () => {
  it('offers the commands and shortcuts manifest.yml declares, with their hints', () => {
    const manifest = parse(readFileSync('manifest.yml', 'utf8')) as {
      features: {
        slash_commands: { command: string; usage_hint?: string }[];
        shortcuts: { callback_id: string; type: string; name: string }[];
      };
    };
    const app = readAppFeatures();
    expect(app.commands).toEqual(
      manifest.features.slash_commands.map((c) => ({ command: c.command, hint: c.usage_hint ?? '' })),
    );
    const shortcuts = (type: string) =>
      manifest.features.shortcuts
        .filter((s) => s.type === type)
        .map((s) => ({ callbackId: s.callback_id, name: s.name }));
    expect(app.globalShortcuts).toEqual(shortcuts('global'));
    expect(app.messageShortcuts).toEqual(shortcuts('message'));
    expect(app.messageShortcuts.map((s) => s.name)).toContain('Report this message');
  });
});
