import type { Db } from '../../db/client';
import type { Incident } from '../../db/schema';
import type { Clock } from '../../src/clock';
import { loadConfig } from '../../src/config';
import { type ReportInput, reportInputSchema } from '../../src/domain/report-input';
import { submitReport } from '../../src/domain/submit-report';
import { TEST_ENV } from './world';

const config = loadConfig(TEST_ENV);

/** Files a report through the domain, as the modal would, for tests about what comes after. */
export function seedReport(
  db: Db,
  clock: Clock,
  input: Partial<Record<keyof ReportInput, unknown>> = {},
  reporterId = 'USTAFF1',
): Incident {
  const parsed = reportInputSchema({
    now: clock.now(),
    departments: config.departments.map((d) => d.name),
  }).parse({
    kind: 'incident',
    category: 'device_loss',
    title: 'Laptop left on a train',
    description: 'Left my work laptop on the 08:12 to Leeds.',
    discoveredAt: clock.now(),
    department: 'Finance',
    lossDetails: {},
    ...input,
  });
  return submitReport({ db, clock, config }, parsed, { reporterId, source: 'command', submissionKey: null });
}
