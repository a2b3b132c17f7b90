import { parseArgs } from 'node:util';
import { closeDatabase, openDatabase } from '../../db/client';
import { loadStorageConfig } from '../config';
import { countOutbox, parkedDeliveries, requeueParked } from '../services/outbox-status';

/**
 * `outbox [--requeue-dead]`: what waits to be sent to Slack, by kind, and what Slack refused for
 * good (with why); with --requeue-dead, those go back in the queue for the running app to send.
 */
export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { 'requeue-dead': { type: 'boolean', default: false } },
    strict: true,
  });
  const storage = loadStorageConfig(process.env);
  const db = openDatabase(storage.databasePath, { auditKey: storage.auditKey });
  try {
    const out: string[] = [];
    if (values['requeue-dead']) {
      const n = requeueParked(db, new Date());
      out.push(
        `requeued ${n} refused deliver${n === 1 ? 'y' : 'ies'}; the running app sends them within seconds`,
      );
    }
    const counts = countOutbox(db);
    out.push(`Slack deliveries: ${counts.pending} pending, ${counts.dead} refused for good`);
    const kinds = [...new Set(counts.byKind.map((r) => r.kind))].sort();
    if (kinds.length > 0) {
      const n = (kind: string, status: string) =>
        String(counts.byKind.find((r) => r.kind === kind && r.status === status)?.n ?? 0);
      out.push('  pending     dead  kind');
      for (const kind of kinds)
        out.push(`  ${n(kind, 'pending').padStart(7)}  ${n(kind, 'dead').padStart(7)}  ${kind}`);
    }
    const parked = parkedDeliveries(db);
    if (parked.length > 0) {
      out.push('Refused for good:');
      for (const p of parked)
        out.push(
          `  #${p.id} ${p.kind}${p.reference ? ` ${p.reference}` : ''}: ${p.lastError ?? 'no error recorded'} (${p.attempts} attempt${p.attempts === 1 ? '' : 's'}, queued ${p.createdAt.toISOString()})`,
        );
      out.push('Once the cause is fixed: npm run vigil -- outbox --requeue-dead');
    }
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    closeDatabase(db);
  }
}
