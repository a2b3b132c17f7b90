import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../db/client';
import { REGISTER_COLUMNS } from '../../src/services/export';
import { seedReport } from '../helpers/seed';
import { testClock } from '../helpers/world';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'vigil-export-'));
const databasePath = join(dir, 'vigil.db');

function vigil(...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    env: { PATH: process.env.PATH, DATABASE_PATH: databasePath, ORG_TIME_ZONE: 'Europe/London' },
  });
}

beforeAll(() => {
  const db = openDatabase(databasePath);
  const clock = testClock('2026-02-27T12:00:00Z');
  seedReport(db, clock, {
    title: '=HYPERLINK("http://evil.example","click")',
    description: 'Line one\nline "two", with comma',
  });
  clock.set('2026-03-02T12:00:00Z');
  seedReport(db, clock, {
    title: 'Ünïcødé 名前 ✓',
    department: 'R&D <Labs>',
    personalData: 'yes',
    personalDataCount: 3,
  });
  closeDatabase(db);
});

describe('npm run vigil -- export', () => {
  it('writes the register as RFC 4180 CSV with a header row and inert formulas', async () => {
    const { stdout, stderr } = await vigil('export', '--format', 'csv');
    expect(stderr).toContain('exported 2 incidents');
    expect(stdout.split('\r\n')[0]).toBe(REGISTER_COLUMNS.join(','));
    const rows = parse(stdout, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(2);
    expect(rows[0]?.reference).toBe('INC-2026-0001');
    expect(rows[0]?.title).toBe(`'=HYPERLINK("http://evil.example","click")`);
    expect(rows[0]?.description).toBe('Line one\nline "two", with comma');
    expect(rows[1]?.title).toBe('Ünïcødé 名前 ✓');
    expect(rows[1]?.department).toBe('R&D <Labs>');
    expect(rows[1]?.personal_data_count).toBe('3');
    expect(rows[1]?.reported_at).toBe('2026-03-02T12:00:00.000Z');
  });

  it('writes JSON and filters by report date in the organisation’s zone', async () => {
    const { stdout } = await vigil(
      'export',
      '--format',
      'json',
      '--from',
      '2026-03-01',
      '--to',
      '2026-03-31',
    );
    const rows = JSON.parse(stdout) as Record<string, unknown>[];
    expect(rows.map((r) => r.reference)).toEqual(['INC-2026-0002']);
    expect(rows[0]?.title).toBe('Ünïcødé 名前 ✓');
  });

  it('refuses an unknown format with usage on stderr and nothing on stdout', async () => {
    const failed = await vigil('export', '--format', 'xml').catch(
      (err: { code: number; stdout: string; stderr: string }) => err,
    );
    expect(failed).toMatchObject({ code: 2, stdout: '' });
    expect((failed as { stderr: string }).stderr).toContain('--format must be csv or json');
  });
});
