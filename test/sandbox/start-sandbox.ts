/**
 * A sandbox for tests: the embedded Slack, Vigil and the page server in this process, the clock
 * starting on a working Tuesday morning, and every log kept so an unexpected error fails the test.
 */
import { createLogger, type LogRecord } from '../../src/logger';
import { PageServer } from '../../src/sandbox/page-server';
import type { Act, ActResult, SandboxState } from '../../src/sandbox/protocol';
import { Sandbox } from '../../src/sandbox/sandbox';
import { Tour } from '../../src/sandbox/tour';

export const START = new Date('2026-03-10T09:30:00Z');

export interface TestSandbox {
  sandbox: Sandbox;
  page: PageServer;
  url: string;
  logs: LogRecord[];
  state(as: string): Promise<SandboxState>;
  act(as: string, act: Act): Promise<ActResult>;
  post(path: string, body: unknown): Promise<Response>;
  /** Polls `as`'s state until `check` holds (Vigil's deliveries arrive a moment after the click). */
  until(as: string, check: (s: SandboxState) => boolean, what: string): Promise<SandboxState>;
  stop(): Promise<void>;
}

export async function startSandbox(
  opts: { databasePath?: string; statePath?: string } = {},
): Promise<TestSandbox> {
  const logs: LogRecord[] = [];
  const sandbox = await Sandbox.start({
    databasePath: opts.databasePath ?? ':memory:',
    ...(opts.statePath ? { statePath: opts.statePath } : {}),
    start: START,
    env: {},
    logger: () => createLogger('info', (r) => logs.push(r)),
  });
  const page = await PageServer.start(sandbox, new Tour(sandbox), 0);
  const url = `http://127.0.0.1:${page.port}`;
  const post = (path: string, body: unknown) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const state = async (as: string) =>
    (await fetch(`${url}/api/state?as=${as}`)).json() as Promise<SandboxState>;
  return {
    sandbox,
    page,
    url,
    logs,
    state,
    post,
    act: async (as, act) => (await post('/api/act', { as, act })).json() as Promise<ActResult>,
    async until(as, check, what) {
      const deadline = Date.now() + 5000;
      for (;;) {
        const s = await state(as);
        if (check(s)) return s;
        if (Date.now() > deadline) throw new Error(`${as} never saw ${what}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async stop() {
      await page.stop();
      await sandbox.stop();
      const errors = logs.filter((l) => l.level === 'error').map((l) => l.message);
      if (errors.length > 0) throw new Error(`unexpected errors were logged:\n${errors.join('\n')}`);
    },
  };
}

/** Every message a person sees, as text and blocks, in one string (for `toContain`). */
export function seen(s: SandboxState, conversation: string): string {
  return JSON.stringify(s.messages[conversation] ?? []);
}
