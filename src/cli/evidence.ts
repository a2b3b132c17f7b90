import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { eq } from 'drizzle-orm';
import { closeDatabase, openDatabase } from '../../db/client';
import { incidents } from '../../db/schema';
import { systemClock } from '../clock';
import { loadStorageConfig } from '../config';
import { logEvidenceAccess } from '../domain/evidence';
import { parseReference } from '../domain/numbering';
import { evidencePack } from '../services/evidence';
import { withOutput } from './output';
import { UsageError } from './usage-error';

/** Who exported, for the chain of custody: the operator's account on this machine. */
const operator = () => `operator:${userInfo().username}`;

/**
 * `evidence REF [--format markdown|json] [--output FILE]`: one incident's evidence pack, with its
 * evidence register and hashes. The export is logged in the audit trail first (chain of custody,
 * ISO 27001 A.5.28), so the pack lists its own export.
 */
export async function run(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      format: { type: 'string', default: 'markdown' },
      output: { type: 'string', short: 'o' },
    },
    allowPositionals: true,
    strict: true,
  });
  const reference = parseReference(positionals[0] ?? '');
  if (!reference) throw new UsageError('give the reference, e.g. `evidence INC-2026-0007`');
  if (values.format !== 'markdown' && values.format !== 'json')
    throw new UsageError('--format must be markdown or json');
  const storage = loadStorageConfig(process.env);
  const db = openDatabase(storage.databasePath, { auditKey: storage.auditKey });
  try {
    const incident = db.select().from(incidents).where(eq(incidents.reference, reference)).get();
    if (!incident) throw new UsageError(`there is no incident ${reference}`);
    const clock = systemClock;
    const items = logEvidenceAccess({ db, clock }, operator(), incident, 'command line');
    const pack = evidencePack(db, incident, clock.now());
    await withOutput(values.output, async (out) => {
      out.write(values.format === 'json' ? pack.json : pack.markdown);
    });
    process.stderr.write(
      `evidence pack of ${reference}: ${items.length} evidence item${items.length === 1 ? '' : 's'}; the export is logged in its audit trail\n`,
    );
  } finally {
    closeDatabase(db);
  }
}
