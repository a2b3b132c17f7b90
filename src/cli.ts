import { parseArgs } from 'node:util';
import { closeDatabase, openDatabase } from '../db/client';
import { run as runBackup } from './cli/backup';
import { run as runEvidence } from './cli/evidence';
import { run as runOutbox } from './cli/outbox';
import { withOutput } from './cli/output';
import { run as runReminders } from './cli/reminders';
import { run as runStats } from './cli/stats';
import { parseDateFlag, UsageError } from './cli/usage-error';
import { run as runVerify } from './cli/verify';
import { ConfigError, loadStorageConfig } from './config';
import { loadDotEnv } from './env';
import { exportRegister } from './services/export';

const USAGE = `Usage: npm run -s vigil -- <command> [options]
  (-s keeps npm's own "> vigil@…" lines out of the output; or use --output FILE)

Commands:
  export [--format csv|json] [--from DATE] [--to DATE] [--output FILE]
      The incident register to FILE or stdout (CSV in UTF-8 with a header row, or JSON). DATE is
      YYYY-MM-DD in ORG_TIME_ZONE (--to is inclusive) or an ISO 8601 time with offset.
  reminders [--at ISO-TIME] [--dry-run]
      One reminder sweep as if at that time (default now), e.g. from cron; prints one line per
      reminder DM sent. Safe while the app runs: nothing is sent twice. --dry-run prints what
      would be sent, and sends and records nothing.
  stats [--from DATE] [--to DATE] [--format text|json] [--output FILE]
      Statistics for management review over reports made in the period (default: the previous
      full calendar month in ORG_TIME_ZONE).
  backup <file>
      An online backup of the database (SQLite's backup API), safe while the app runs.
  verify [--checkpoints FILE]...
      Checks the audit trail (keyed hash chain, ids, triggers, reference counters) against the
      checkpoints beside the database and in each FILE; one line per problem, exit code 1.
  evidence <REF> [--format markdown|json] [--output FILE]
      One incident's evidence pack: register entry, audit trail, evidence items with their SHA-256.
      The export is logged in the incident's audit trail (chain of custody).
  outbox [--requeue-dead]
      Slack deliveries waiting to be sent and those Slack refused for good, by kind, with why;
      --requeue-dead puts the refused ones back in the queue once the cause is fixed.
`;

async function runExport(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      format: { type: 'string', default: 'csv' },
      from: { type: 'string' },
      to: { type: 'string' },
      output: { type: 'string', short: 'o' },
    },
    strict: true,
  });
  if (values.format !== 'csv' && values.format !== 'json')
    throw new UsageError('--format must be csv or json');
  const format = values.format;
  const storage = loadStorageConfig(process.env);
  const range = {
    ...(values.from ? { from: parseDateFlag('--from', values.from, storage.orgTimeZone, 'start') } : {}),
    ...(values.to ? { to: parseDateFlag('--to', values.to, storage.orgTimeZone, 'end') } : {}),
  };
  const db = openDatabase(storage.databasePath, { auditKey: storage.auditKey });
  try {
    let count = 0;
    await withOutput(values.output, async (out) => {
      count = await exportRegister(db, out, { format, ...range });
    });
    process.stderr.write(
      `exported ${count} incident${count === 1 ? '' : 's'}${values.output ? ` to ${values.output}` : ''}\n`,
    );
  } finally {
    closeDatabase(db);
  }
}

const COMMANDS: Record<string, (args: string[]) => Promise<void>> = {
  export: runExport,
  reminders: runReminders,
  stats: runStats,
  backup: runBackup,
  verify: runVerify,
  outbox: runOutbox,
  evidence: runEvidence,
};

async function main(argv: string[]): Promise<void> {
  loadDotEnv();
  const [command, ...rest] = argv;
  const run = command ? COMMANDS[command] : undefined;
  if (!run) throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
  await run(rest);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const usage =
    err instanceof UsageError ||
    (err instanceof Error && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'));
  if (usage) process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
  else if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
  else process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(usage ? 2 : 1);
});
