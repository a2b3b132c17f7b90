/**
 * A second process filing reports into a shared database file, for numbering tests:
 * `fork('test/helpers/file-reports.ts', [databasePath, count, reporterId])` with tsx and the test
 * configuration in its environment. It opens the database, says `ready`, waits for `go` (so
 * several start together), files `count` reports through the domain as fast as it can, and sends
 * back the references it was given. It loads no Slack code, so it starts quickly.
 */
import { closeDatabase, openDatabase } from '../../db/client';
import { loadConfig } from '../../src/config';
import { reportInputSchema } from '../../src/domain/report-input';
import { submitReport } from '../../src/domain/submit-report';

const [databasePath = '', count = '0', reporterId = 'USTAFF1'] = process.argv.slice(2);
const config = loadConfig(process.env);
const db = openDatabase(databasePath);
let now = new Date('2026-03-10T09:00:00Z').getTime();
const clock = { now: () => new Date(now) };

process.once('message', () => {
  const references: string[] = [];
  for (let n = 0; n < Number(count); n++) {
    const input = reportInputSchema({
      now: clock.now(),
      departments: config.departments.map((d) => d.name),
    }).parse({
      kind: 'incident',
      category: 'device_loss',
      title: `Report ${n} from ${reporterId}`,
      description: 'Filed by a second process.',
      discoveredAt: clock.now(),
      department: 'Finance',
      lossDetails: {},
    });
    const incident = submitReport({ db, clock, config }, input, {
      reporterId,
      source: 'command',
      submissionKey: null,
    });
    references.push(incident.reference);
    now += 1000;
  }
  closeDatabase(db);
  process.send?.({ references }, () => process.exit(0));
});
process.send?.('ready');
