import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config';
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
    const config = loadConfig({ ...TEST_ENV, SLACK_SIGNING_SECRET: '', SLACK_APP_TOKEN: 'xapp-1-abc' });
    expect(config.slack.appToken).toBe('xapp-1-abc');
    expect(config.slack.signingSecret).toBeUndefined();
  });
});
