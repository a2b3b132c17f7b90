import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalSlack } from '../src/local-slack/local-slack';
import { SlackSender, slashCommand } from '../src/local-slack/payloads';
import { SIGNING_SECRET, TEST_ENV } from './helpers/world';

const MAIN = resolve('src/main.ts');
// Absolute, because the app runs from a scratch folder (its own .env) where tsx cannot be found by name.
const TSX = pathToFileURL(resolve('node_modules/tsx/dist/loader.mjs')).href;
let child: ChildProcess | undefined;
let fake: LocalSlack | undefined;
afterEach(async () => {
  child?.kill('SIGKILL');
  await fake?.stop();
});

function start(env: Record<string, string>, cwd = mkdtempSync(join(tmpdir(), 'vigil-main-'))) {
  const proc = spawn(process.execPath, ['--import', TSX, MAIN], {
    cwd,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  let output = '';
  proc.stdout?.on('data', (d) => {
    output += d;
  });
  proc.stderr?.on('data', (d) => {
    output += d;
  });
  const exited = new Promise<number | null>((res) => proc.on('exit', (code) => res(code)));
  // Start-up takes about a second; a loaded machine (CI beside other jobs) may take many more.
  const until = (re: RegExp, ms = 30_000) =>
    new Promise<string>((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`timed out waiting for ${re}; output:\n${output}`)), ms);
      const poll = setInterval(() => {
        if (re.test(output)) {
          clearTimeout(timer);
          clearInterval(poll);
          res(output);
        }
      }, 20);
    });
  return { proc, exited, until, output: () => output };
}

describe('npm start', () => {
  it('stops with one message naming every missing setting (in production, or once any Slack setting is given)', async () => {
    const envs: Record<string, string>[] = [{ NODE_ENV: 'production' }, { SLACK_SIGNING_SECRET: 'a-secret' }];
    for (const env of envs) {
      const app = start(env);
      expect(await app.exited).toBe(1);
      const out = app.output();
      expect(out).toContain('Vigil cannot start');
      for (const key of ['SLACK_BOT_TOKEN', 'SECURITY_CHANNEL_ID', 'SIRO_USER_IDS', 'DEPARTMENTS'])
        expect(out).toContain(key);
      expect(out).not.toContain('    at '); // no stack trace for a configuration problem
      expect(out).not.toContain('Sandbox');
    }
  });

  it('opens the sandbox when no Slack setting and no .env are there: one line, the page, its own database', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'vigil-main-'));
    const app = start({ SANDBOX_PORT: '0' }, cwd);
    const out = await app.until(/Sandbox: open http:\/\/localhost:(\d+)\n/);
    expect(out).toMatch(/^Sandbox: open http:\/\/localhost:\d+\n$/);
    const port = /localhost:(\d+)/.exec(out)?.[1];
    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(await page.text()).toContain('Vigil sandbox');
    expect(existsSync(join(cwd, 'data', 'sandbox.db'))).toBe(true);
    app.proc.kill('SIGTERM');
    expect(await app.exited).toBe(0);
    expect(existsSync(join(cwd, 'data', 'sandbox-slack.json'))).toBe(true);
  });

  it('says what to fix when the bot is not in the security channel', async () => {
    fake = await LocalSlack.start();
    const app = start({ ...TEST_ENV, SLACK_API_URL: fake.url, DATABASE_PATH: ':memory:' });
    expect(await app.exited).toBe(1);
    expect(app.output()).toContain('/invite @Vigil');
  });

  it('reads .env, serves signed Slack requests, and stops cleanly on SIGTERM', async () => {
    fake = await LocalSlack.start({
      channels: [{ id: 'GSECURITY', name: 'security', isPrivate: true, botIsMember: true, members: [] }],
    });
    const cwd = mkdtempSync(join(tmpdir(), 'vigil-main-'));
    const env = { ...TEST_ENV, SLACK_API_URL: fake.url, PORT: '0' };
    writeFileSync(
      join(cwd, '.env'),
      Object.entries(env)
        .map(([k, v]) => `${k}="${v}"`)
        .join('\n'),
    );
    const started = Date.now();
    const app = start({}, cwd);
    const out = await app.until(/listening on http:\/\/localhost:(\d+)\/slack\/events/);
    expect(Date.now() - started).toBeLessThan(5000);
    const port = /localhost:(\d+)/.exec(out)?.[1];
    const sender = new SlackSender(`http://127.0.0.1:${port}/slack/events`, SIGNING_SECRET);
    const res = await sender.command(
      slashCommand({
        command: '/report-incident',
        userId: 'USTAFF1',
        triggerId: fake.issueTrigger(),
        responseUrl: fake.responseUrl(),
      }),
    );
    expect(res.status).toBe(200);
    await fake.waitFor('views.open', 1, { ok: true });
    app.proc.kill('SIGTERM');
    expect(await app.exited).toBe(0);
  }, 60_000);
});
