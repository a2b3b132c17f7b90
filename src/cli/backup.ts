import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { auditKeyPath } from '../../db/audit-key';
import { closeDatabase, openDatabase } from '../../db/client';
import { loadStorageConfig } from '../config';
import { backupDatabase } from '../services/backup';
import { UsageError } from './usage-error';

/**
 * `backup FILE`: a consistent copy of the database, safe while the app runs and writes. Never
 * overwrites: FILE must not exist yet.
 */
export async function run(args: string[]): Promise<void> {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true });
  const [file, ...extra] = positionals;
  if (!file?.trim()) throw new UsageError('backup needs the file to write, e.g. backups/vigil-2026-03-10.db');
  if (extra.length > 0) throw new UsageError(`backup takes one file, not ${positionals.length}`);
  const { databasePath, auditKey } = loadStorageConfig(process.env);
  // openDatabase would create an empty database at a mistyped path and back that up.
  if (!existsSync(databasePath)) throw new Error(`no database at ${databasePath} (DATABASE_PATH)`);
  const db = openDatabase(databasePath, { auditKey });
  try {
    const { pages, bytes } = await backupDatabase(db, file);
    process.stdout.write(`backup written to ${file} (${pages} pages, ${bytes} bytes)\n`);
    // Without the key a restored copy can be read but its audit trail proves nothing.
    if (!auditKey)
      process.stderr.write(
        `the audit key is not in the backup: keep a copy of ${auditKeyPath(databasePath)} with it, kept apart from the database\n`,
      );
  } finally {
    closeDatabase(db);
  }
}
