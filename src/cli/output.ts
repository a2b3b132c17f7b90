import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { UsageError } from './usage-error';

/**
 * `npm run vigil` prints its "> vigil@0.1.0 vigil" banners to stdout unless run silently (`-s`),
 * so data redirected from it (`> reg.csv`) would start with them. Refuse then, saying how to get
 * clean data, rather than hand the operator a file that a spreadsheet or parser chokes on.
 */
function assertCleanStdout(
  env: NodeJS.ProcessEnv = process.env,
  stdout: { isTTY?: boolean } = process.stdout,
): void {
  if (stdout.isTTY) return;
  if (!env.npm_lifecycle_event || env.npm_config_loglevel === 'silent') return;
  throw new UsageError(
    'npm has printed its own "> vigil@…" lines into this output, so it would not be clean data. ' +
      'Run it silently, `npm run -s vigil -- …`, or write a file with `--output FILE`.',
  );
}

/**
 * Where a command writes its data: `--output FILE` (written beside it first and renamed when
 * complete, so a failure never leaves half a file under the name asked for), or stdout.
 */
export async function withOutput(
  file: string | undefined,
  write: (out: Writable) => Promise<void>,
): Promise<void> {
  if (!file) {
    assertCleanStdout();
    await write(process.stdout);
    return;
  }
  const partial = `${file}.partial`;
  const out = createWriteStream(partial);
  try {
    await once(out, 'open');
    await write(out);
    out.end();
    await once(out, 'close');
    await rename(partial, file);
  } catch (err) {
    out.destroy();
    await rm(partial, { force: true });
    throw err;
  }
}
