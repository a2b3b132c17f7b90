/** `npm start` without any Slack setting: the sandbox, one line on stdout, stopped by a signal. */
import { createLogger } from '../logger';
import { SetupError } from '../services/startup-checks';
import { PageServer } from './page-server';
import { Sandbox } from './sandbox';
import { Tour } from './tour';

const DATABASE = './data/sandbox.db';
const SLACK_STATE = './data/sandbox-slack.json';

function port(env: Record<string, string | undefined>): number {
  const raw = (env.SANDBOX_PORT || env.PORT || '3000').trim();
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new SetupError(
      `Sandbox: SANDBOX_PORT (or PORT) "${raw}" is not a TCP port; use a number such as 3000.`,
    );
  return n;
}

export async function runSandbox(env: Record<string, string | undefined>): Promise<void> {
  const wanted = port(env);
  const sandbox = await Sandbox.start({
    databasePath: DATABASE,
    statePath: SLACK_STATE,
    env,
    logger: (level) => createLogger(level),
  });
  let page: PageServer;
  try {
    page = await PageServer.start(sandbox, new Tour(sandbox), wanted);
  } catch (err) {
    await sandbox.stop();
    if ((err as { code?: unknown }).code === 'EADDRINUSE')
      throw new SetupError(
        `Sandbox: port ${wanted} is in use. Set SANDBOX_PORT to a free port, e.g. SANDBOX_PORT=3001 npm start.`,
      );
    throw err;
  }
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await page.stop();
    await sandbox.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  process.stdout.write(`Sandbox: open http://localhost:${page.port}\n`);
}
