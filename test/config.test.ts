import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, MAX_DEPARTMENTS } from '../src/config';
import { TEST_APP_TOKEN, TEST_BOT_TOKEN } from '../src/local-slack/local-slack';
import { TEST_ENV } from './helpers/world';

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('configuration', () => {
  it('reads a complete environment into typed settings', () => {
    const config = loadConfig({ ...TEST_ENV, SIRO_USER_IDS: 'USIRO, USIRO2', TARGET_HOURS_HIGH: '48' });
    expect(config.roles.siro).toEqual(['USIRO', 'USIRO2']);
    expect(config.departments).toContainEqual({ name: 'Finance', headId: 'UHODFIN' });
    expect(config.targetHours).toEqual({ critical: 24, high: 48, medium: 168, low: 720 });
    expect(config.slack.apiUrl).toBe('https://slack.com/api/');
    expect(config.databasePath).toBe('./data/vigil.db');
  });

  it('lists every missing setting at once, each with where to find it', () => {
    const problems = problemsOf({ SLACK_BOT_TOKEN: '', DEPARTMENTS: '  ' });
    const text = problems.join('\n');
    for (const key of [
      'SLACK_BOT_TOKEN',
      'SLACK_SIGNING_SECRET',
      'SECURITY_CHANNEL_ID',
      'SIRO_USER_IDS',
      'CIO_USER_IDS',
      'MD_USER_IDS',
      'DEPARTMENTS',
    ])
      expect(text).toMatch(new RegExp(`${key} is missing.*\\(where to find it: .+\\)`));
    expect(text).not.toContain('IAO_USER_IDS');
    expect(text).toContain('OAuth & Permissions');
  });

  it('names malformed values and what they should look like', () => {
    const problems = problemsOf({
      ...TEST_ENV,
      SLACK_BOT_TOKEN: 'xoxp-user-token',
      SECURITY_CHANNEL_ID: '#security',
      SIRO_USER_IDS: 'alice',
      DEPARTMENTS: 'Finance,Ops=UOPS',
      ORG_TIME_ZONE: 'Mars/Olympus',
      PORT: 'eighty',
    });
    const text = problems.join('\n');
    expect(text).toContain('SLACK_BOT_TOKEN must start with xoxb-');
    expect(text).toContain('SECURITY_CHANNEL_ID is not a channel ID');
    expect(text).toContain('SIRO_USER_IDS');
    expect(text).toContain('entry "Finance" is not Name=U123ABC');
    expect(text).toContain('ORG_TIME_ZONE is not an IANA time zone');
    expect(text).toContain('PORT');
    expect(problems).toHaveLength(6);
  });

  it('needs no signing secret in Socket Mode', () => {
    const config = loadConfig({ ...TEST_ENV, SLACK_SIGNING_SECRET: '', SLACK_APP_TOKEN: TEST_APP_TOKEN });
    expect(config.slack.appToken).toBe(TEST_APP_TOKEN);
    expect(config.slack.signingSecret).toBeUndefined();
  });

  it('refuses placeholder, truncated and pasted-wrong tokens', () => {
    const cases: [string, string][] = [
      ['SLACK_BOT_TOKEN', 'xoxb-'],
      ['SLACK_BOT_TOKEN', 'xoxb-1000000001-2000000002'],
      ['SLACK_BOT_TOKEN', 'xoxb-<paste your token here>'],
      ['SLACK_APP_TOKEN', 'xapp-'],
      ['SLACK_APP_TOKEN', 'xapp-1-abc'],
      ['SLACK_APP_TOKEN', `${TEST_APP_TOKEN.slice(0, -8)} trailing`],
    ];
    for (const [key, value] of cases)
      expect(problemsOf({ ...TEST_ENV, [key]: value }), `${key}=${value}`).toEqual([
        expect.stringMatching(new RegExp(`^${key} is not a complete x(oxb|app)- token .*copy it again`)),
      ]);
    expect(problemsOf({ ...TEST_ENV, SLACK_APP_TOKEN: TEST_BOT_TOKEN })).toEqual([
      expect.stringMatching(/^SLACK_APP_TOKEN must start with xapp-/),
    ]);
    // Surrounding spaces from a copy and paste are not part of the token.
    expect(loadConfig({ ...TEST_ENV, SLACK_BOT_TOKEN: ` ${TEST_BOT_TOKEN} ` }).slack.botToken).toBe(
      TEST_BOT_TOKEN,
    );
  });

  it('offers at most 100 departments, each once', () => {
    const list = (n: number) =>
      Array.from({ length: n }, (_, i) => `Department ${i + 1}=UHOD${String(i).padStart(3, '0')}`).join(',');
    expect(loadConfig({ ...TEST_ENV, DEPARTMENTS: list(MAX_DEPARTMENTS) }).departments).toHaveLength(100);
    expect(problemsOf({ ...TEST_ENV, DEPARTMENTS: list(MAX_DEPARTMENTS + 1) })).toEqual([
      expect.stringContaining('DEPARTMENTS lists 101 departments; the report form can offer at most 100'),
    ]);
    expect(
      problemsOf({ ...TEST_ENV, DEPARTMENTS: 'Finance=UHODFIN,Engineering=UHODENG,finance=UOTHER' }),
    ).toEqual([expect.stringContaining('DEPARTMENTS department "finance" is listed twice')]);
  });

  it('takes a deputy for each department after a slash (seed 000 Rep.1), and names a malformed one', () => {
    const config = loadConfig({ ...TEST_ENV, DEPARTMENTS: 'Finance=UHODFIN/UDEPFIN,Engineering=UHODENG' });
    expect(config.departments).toEqual([
      { name: 'Finance', headId: 'UHODFIN', deputyId: 'UDEPFIN' },
      { name: 'Engineering', headId: 'UHODENG' },
    ]);
    const text = problemsOf({
      ...TEST_ENV,
      DEPARTMENTS: 'Finance=UHODFIN/deputy,Ops=UOPS/UOPS,Legal=ULEGAL/UA1/UA2',
    }).join('\n');
    expect(text).toContain(
      'DEPARTMENTS entry "Finance=UHODFIN/deputy" is not Name=U123ABC or Name=U123ABC/U456DEF',
    );
    expect(text).toContain(
      'DEPARTMENTS department "Ops" names UOPS as both head and deputy; the deputy must be someone else',
    );
    expect(text).toContain('entry "Legal=ULEGAL/UA1/UA2" is not Name=U123ABC');
    expect(text).toMatch(/where to find it: .*optionally a deputy/);
  });

  it('takes an AUDIT_KEY of 64 hex characters, and names any other', () => {
    const key = 'ab'.repeat(32);
    expect(loadConfig({ ...TEST_ENV, AUDIT_KEY: ` ${key} ` }).auditKey).toBe(key);
    expect(loadConfig({ ...TEST_ENV, AUDIT_KEY: '' }).auditKey).toBeUndefined();
    expect(problemsOf({ ...TEST_ENV, AUDIT_KEY: 'secret' })).toEqual([
      expect.stringMatching(
        /^AUDIT_KEY must be 64 hex characters \(32 bytes\) \(where to find it: optional: 64 hex characters, e\.g\. from `openssl rand -hex 32`/,
      ),
    ]);
  });

  it('ships a .env.example that must be filled in before the app starts', () => {
    const example = parseEnv(readFileSync('.env.example', 'utf8'));
    const problems = problemsOf(example);
    for (const key of [
      'SLACK_BOT_TOKEN',
      'SLACK_SIGNING_SECRET',
      'SECURITY_CHANNEL_ID',
      'SIRO_USER_IDS',
      'CIO_USER_IDS',
      'MD_USER_IDS',
      'DEPARTMENTS',
    ])
      expect(problems.join('\n')).toMatch(new RegExp(`^${key} is missing`, 'm'));
    // Filling in only the required settings is enough: the optional defaults it ships are valid.
    const filled = { ...example, ...TEST_ENV };
    expect(() => loadConfig(filled)).not.toThrow();
  });
});
