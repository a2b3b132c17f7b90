import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { closeDatabase, openDatabase } from '../../db/client';
import { loadStorageConfig } from '../config';
import { type AuditReport, verifyAuditTrail } from '../services/verify-audit';

/** Enough to act on; a rewritten trail of a million events would otherwise print a million lines. */
const MAX_LINES = 100;

/**
 * `verify [--checkpoints FILE]…`: checks the audit trail (see verifyAuditTrail) and prints what is
 * wrong and where, one line each. Exit code 1 on any finding, so cron or monitoring can alert.
 * Names event ids, references and files, never content.
 */
export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { checkpoints: { type: 'string', multiple: true, default: [] } },
    strict: true,
  });
  const { databasePath, auditKey } = loadStorageConfig(process.env);
  // openDatabase would create an empty database at a mistyped path and call it intact.
  if (!existsSync(databasePath)) throw new Error(`no database at ${databasePath} (DATABASE_PATH)`);
  const db = openDatabase(databasePath, { auditKey });
  try {
    const report = verifyAuditTrail(db, { checkpointFiles: values.checkpoints });
    process.stdout.write(`${describeReport(report).join('\n')}\n`);
    if (!report.ok) process.exitCode = 1;
  } finally {
    closeDatabase(db);
  }
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function describeReport(report: AuditReport): string[] {
  const events = plural(report.events, 'event');
  const legacy = report.legacyEvents > 0 ? ` (${report.legacyEvents} from before the audit key)` : '';
  const last = report.lastCheckpoint;
  const against = last
    ? `checked against ${plural(report.checkpointsChecked, 'checkpoint')}, the newest of ${last.checkpoint.at.toISOString()}: ${plural(last.checkpoint.events, 'event')} through event ${last.checkpoint.lastId} (${last.sources.join(', ')})`
    : 'no checkpoint to check against yet';
  const unrecorded =
    report.stateUnrecorded > 0
      ? `, ${report.stateUnrecorded} more last changed before events recorded their state (existence only)`
      : '';
  const register = `the register matches it (${plural(report.stateChecked, 'incident')}${unrecorded})`;
  if (report.ok) return [`audit trail intact: ${events}${legacy}; ${register}; ${against}`];
  const lines = report.problems.slice(0, MAX_LINES).map((p) => `  ${p.where}: ${p.what}`);
  const more = report.problems.length - lines.length;
  return [
    `audit trail NOT intact: ${plural(report.problems.length, 'problem')} in ${events}${legacy}; ${against}`,
    ...lines,
    ...(more > 0 ? [`  …and ${more} more`] : []),
  ];
}
