import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../db/client';
import { incidents } from '../../db/schema';
import { REGISTER_COLUMNS } from '../../src/services/export';
import { seedReport } from '../helpers/seed';
import { testClock } from '../helpers/world';

/*
 * The commands exactly as README gives them to an operator: through npm, whose `previgil` hook
 * builds dist/ first and which prints its "> vigil@… vigil" banners to stdout unless silent.
 */

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'vigil-operator-'));
const databasePath = join(dir, 'vigil.db');

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function npm(...args: string[]): Promise<Result> {
  try {
    const { stdout, stderr } = await run('npm', args, {
      cwd: resolve(import.meta.dirname, '../..'),
      // A clean environment: no npm_* variables from a surrounding `npm test`.
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DATABASE_PATH: databasePath,
        ORG_TIME_ZONE: 'Europe/London',
      },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: Number(e.code ?? 1), stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const H = 3_600_000;

beforeAll(() => {
  const db = openDatabase(databasePath);
  // March 2026 (London): two reports, triaged 200 min and 5 days after they were made; one in
  // February, outside the period.
  for (const [reportedAt, hours, title] of [
    ['2026-02-20T10:00:00Z', 1, 'February report'],
    ['2026-03-02T10:00:00Z', 10 / 3, 'Zoë’s laptop, left on the train'],
    ['2026-03-16T10:00:00Z', 120, '=HYPERLINK("http://evil.example")'],
  ] as const) {
    const clock = testClock(reportedAt);
    const i = seedReport(db, clock, { title });
    db.update(incidents)
      .set({
        severity: 'medium',
        triageOutcome: 'incident',
        status: 'triaged',
        triagedAt: new Date(clock.now().getTime() + hours * H),
      })
      .where(eq(incidents.id, i.id))
      .run();
  }
  closeDatabase(db);
}, 30_000);

describe('operator commands through npm', () => {
  it('npm run vigil -- export --output FILE writes clean CSV whatever npm prints', async () => {
    const file = join(dir, 'register.csv');
    const res = await npm('run', 'vigil', '--', 'export', '--output', file);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('> vigil@'); // npm's banner: on stdout, not in the file
    expect(res.stderr).toContain(`exported 3 incidents to ${file}`);
    const csv = readFileSync(file);
    expect(csv.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const rows = parse(csv, { columns: true, bom: true }) as Record<string, string>[];
    expect(Object.keys(rows[0] ?? {})).toEqual(REGISTER_COLUMNS);
    expect(rows.map((r) => r.title)).toEqual([
      'February report',
      'Zoë’s laptop, left on the train',
      `'=HYPERLINK("http://evil.example")`,
    ]);
    expect(existsSync(`${file}.partial`)).toBe(false);
  });

  it('npm run -s vigil -- export > FILE gives clean CSV on stdout', async () => {
    const res = await npm('run', '-s', 'vigil', '--', 'export', '--from', '2026-03-01', '--to', '2026-03-31');
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout.startsWith(`\uFEFF${REGISTER_COLUMNS.join(',')}\r\n`)).toBe(true);
    expect(parse(res.stdout, { columns: true, bom: true })).toHaveLength(2);
  });

  it('refuses to write data into a redirect that npm has already written its banner into', async () => {
    const res = await npm('run', 'vigil', '--', 'export');
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('npm run -s vigil');
    expect(res.stderr).toContain('--output FILE');
    expect(res.stdout).not.toContain('reference,status');
  });

  it('npm run -s vigil -- stats --from --to prints the period’s figures, durations readably', async () => {
    const res = await npm('run', '-s', 'vigil', '--', 'stats', '--from', '2026-03-01', '--to', '2026-03-31');
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('Information-security incident statistics: 1 Mar 2026 to 31 Mar 2026');
    expect(res.stdout).toContain('Reports: 2 (previous 1, +1, +100%)');
    expect(res.stdout).toContain('By month: 2026-03 2');
    // Report → triage: 3.33 h and 120 h; nearest rank, median the first, 90th percentile the second.
    expect(res.stdout).toMatch(/report → triage\s+3\.3 h\s+5\.0 d\s+2\n/);
    expect(res.stdout).not.toMatch(/\d\.\d{3,}/);

    const json = join(dir, 'stats.json');
    const asJson = await npm(
      'run',
      'vigil',
      '--',
      'stats',
      '--from',
      '2026-03-01',
      '--to',
      '2026-03-31',
      '--format',
      'json',
      '--output',
      json,
    );
    expect(asJson.code, asJson.stderr).toBe(0);
    const stats = JSON.parse(readFileSync(json, 'utf8')) as {
      total: number;
      durations: { reportToTriage: unknown };
    };
    expect(stats.total).toBe(2);
    expect(stats.durations.reportToTriage).toEqual({ count: 2, medianHours: 10 / 3, p90Hours: 120 });
  });

  it('npm run -s vigil -- evidence REF writes the evidence pack and logs the export (chain of custody)', async () => {
    const res = await npm('run', '-s', 'vigil', '--', 'evidence', 'INC-2026-0002', '--format', 'json');
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toContain('evidence pack of INC-2026-0002: 0 evidence items; the export is logged');
    const pack = JSON.parse(res.stdout) as {
      evidence: unknown[];
      auditTrail: { type: string; actor: string }[];
    };
    expect(pack.evidence).toEqual([]);
    expect(pack.auditTrail.at(-1)).toMatchObject({
      type: 'evidence_exported',
      actor: expect.stringMatching(/^operator:/),
    });
  });

  it('answers a date that is not one with usage and exit code 2', async () => {
    const res = await npm('run', '-s', 'vigil', '--', 'stats', '--from', '2026-13-01');
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('--from "2026-13-01" is not a calendar date');
    expect(res.stderr).toContain('Usage: npm run -s vigil --');
    expect(res.stdout).toBe('');
  });
});
