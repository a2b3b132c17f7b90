import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { closeDatabase, openDatabase } from '../../db/client';
import { loadStorageConfig } from '../config';
import { verifyAuditTrail } from '../services/verify-audit';

/**
 * `verify`: walks the hash-chained audit trail and prints one line. Exit code 1 when it is broken,
 * so cron or monitoring can alert. Names event and incident ids only, never content.
 */
export async function run(args: string[]): Promise<void> {
  parseArgs({ args, options: {}, strict: true });
  const { databasePath } = loadStorageConfig(process.env);
  // openDatabase would create an empty database at a mistyped path and call it intact.
  if (!existsSync(databasePath)) throw new Error(`no database at ${databasePath} (DATABASE_PATH)`);
  const db = openDatabase(databasePath);
  try {
    const verdict = verifyAuditTrail(db);
    if (verdict.ok) {
      process.stdout.write(`audit trail intact: ${verdict.events} event${verdict.events === 1 ? '' : 's'}\n`);
    } else {
      const { eventId, incidentId, reason } = verdict.brokenAt;
      process.stdout.write(`audit trail broken at event ${eventId} (incident ${incidentId}): ${reason}\n`);
      process.exitCode = 1;
    }
  } finally {
    closeDatabase(db);
  }
}
