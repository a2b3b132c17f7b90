import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../db/client';
import { incidents } from '../../db/schema';
import { isoTime, REGISTER_COLUMNS } from '../../src/services/export';
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
  const second = seedReport(db, clock, {
    title: 'Ünïcødé 名前 ✓',
    department: 'R&D <Labs>',
    personalData: 'yes',
    personalDataCount: 3,
    lossLocation: 'post',
    lossDetails: { post_how_sent: 'Royal Mail – Zoë’s desk', post_sent_from: 'Leeds' },
  });
  clock.set('2026-03-03T12:00:00Z');
  const third = seedReport(db, clock, { title: 'The same laptop again' });
  db.update(incidents)
    .set({ status: 'duplicate', triageOutcome: 'duplicate', duplicateOfId: second.id })
    .where(eq(incidents.id, third.id))
    .run();
  db.update(incidents)
    .set({ resolutionNote: 'Laptop remotely wiped; "all clear", said IT' })
    .where(eq(incidents.id, second.id))
    .run();
  closeDatabase(db);
});

describe('npm run vigil -- export', () => {
  it('writes the register as RFC 4180 CSV with a header row and inert formulas', async () => {
    const { stdout, stderr } = await vigil('export', '--format', 'csv');
    expect(stderr).toContain('exported 3 incidents');
    // The UTF-8 byte order mark first, so Excel does not read the names as the local code page.
    expect(Buffer.from(stdout).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(stdout.slice(1).split('\r\n')[0]).toBe(REGISTER_COLUMNS.join(','));
    const rows = parse(stdout, { columns: true, bom: true }) as Record<string, string>[];
    expect(rows).toHaveLength(3);
    expect(rows[0]?.reference).toBe('INC-2026-0001');
    expect(rows[0]?.title).toBe(`'=HYPERLINK("http://evil.example","click")`);
    expect(rows[0]?.description).toBe('Line one\nline "two", with comma');
    expect(rows[1]?.title).toBe('Ünïcødé 名前 ✓');
    expect(rows[1]?.department).toBe('R&D <Labs>');
    expect(rows[1]?.personal_data_count).toBe('3');
    expect(rows[1]?.reported_at).toBe('2026-03-02T12:00:00.000Z');
    expect(rows[1]?.resolution_note).toBe('Laptop remotely wiped; "all clear", said IT');
    expect(rows[1]?.loss_details).toBe(
      '{"post_how_sent":"Royal Mail – Zoë’s desk","post_sent_from":"Leeds"}',
    );
    // A duplicate names the incident it repeats by its reference, not a database id.
    expect(rows[2]?.duplicate_of).toBe('INC-2026-0002');
    expect(rows[0]?.duplicate_of).toBe('');
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
    expect(rows.map((r) => r.reference)).toEqual(['INC-2026-0002', 'INC-2026-0003']);
    expect(rows[0]?.title).toBe('Ünïcødé 名前 ✓');
    // Loss details are an object in JSON, not a JSON string inside it.
    expect(rows[0]?.loss_details).toEqual({
      post_how_sent: 'Royal Mail – Zoë’s desk',
      post_sent_from: 'Leeds',
    });
    expect(rows[0]?.personal_data_count).toBe(3);
    expect(rows[1]?.duplicate_of).toBe('INC-2026-0002');
  });

  it('refuses an unknown format with usage on stderr and nothing on stdout', async () => {
    const failed = await vigil('export', '--format', 'xml').catch(
      (err: { code: number; stdout: string; stderr: string }) => err,
    );
    expect(failed).toMatchObject({ code: 2, stdout: '' });
    expect((failed as { stderr: string }).stderr).toContain('--format must be csv or json');
  });

  it('writes times exactly as ISO 8601 UTC with milliseconds, however they fall', () => {
    const samples = [
      0, 1, 999, 86_399_999, 86_400_000, 951_782_400_000, 1_772_323_199_999, 253_402_300_799_999,
    ];
    for (let n = 0; n < 2000; n++) samples.push(Math.floor(Math.random() * 253_402_300_800_000));
    for (const ms of [...samples, -1, 253_402_300_800_000, 1.5])
      expect(isoTime(ms), String(ms)).toBe(new Date(ms).toISOString());
  });
});
