import { describe, expect, it } from 'vitest';
import { jumpTarget, SandboxClock } from '../../src/sandbox/sandbox-clock';
import { sandboxWanted } from '../../src/sandbox/wanted';

const LONDON = 'Europe/London';

describe('the sandbox clock', () => {
  it('runs with real time from where it was set, and only moves forward', () => {
    let real = Date.parse('2026-01-01T00:00:00Z');
    const clock = new SandboxClock(() => real, new Date('2026-03-10T09:30:00Z'));
    real += 60_000;
    expect(clock.now().toISOString()).toBe('2026-03-10T09:31:00.000Z');
    clock.moveTo(new Date('2026-03-09T00:00:00Z'));
    expect(clock.now().toISOString()).toBe('2026-03-10T09:31:00.000Z');
    clock.moveTo(new Date('2026-03-11T09:00:00Z'));
    expect(clock.now().toISOString()).toBe('2026-03-11T09:00:00.000Z');
  });

  it('jumps to the next working morning in the organisation’s zone, over weekends and clock changes', () => {
    // Friday evening in London → Monday 09:00 (after the UK's clocks went forward on 29 March).
    expect(jumpTarget(new Date('2026-03-27T18:00:00Z'), 'workday', LONDON, 9).toISOString()).toBe(
      '2026-03-30T08:00:00.000Z',
    );
    expect(jumpTarget(new Date('2026-03-10T09:30:00Z'), 'workday', LONDON, 9).toISOString()).toBe(
      '2026-03-11T09:00:00.000Z',
    );
    expect(jumpTarget(new Date('2026-03-10T09:30:00Z'), 'hour', LONDON, 9).toISOString()).toBe(
      '2026-03-10T10:30:00.000Z',
    );
    expect(jumpTarget(new Date('2026-03-10T09:30:00Z'), 'day', LONDON, 9).toISOString()).toBe(
      '2026-03-11T09:30:00.000Z',
    );
    // 1 August 2026 is a Saturday: the month's first working morning is Monday the 3rd.
    expect(jumpTarget(new Date('2026-07-15T12:00:00Z'), 'month', LONDON, 9).toISOString()).toBe(
      '2026-08-03T08:00:00.000Z',
    );
  });
});

describe('whether npm start opens the sandbox', () => {
  it('only with no Slack setting, no .env and not in production', () => {
    expect(sandboxWanted({}, false)).toBe(true);
    expect(sandboxWanted({ SLACK_BOT_TOKEN: '  ' }, false)).toBe(true);
    expect(sandboxWanted({ SLACK_BOT_TOKEN: 'xoxb-' }, false)).toBe(false);
    expect(sandboxWanted({ SLACK_APP_TOKEN: 'xapp-1' }, false)).toBe(false);
    expect(sandboxWanted({ SLACK_SIGNING_SECRET: 's' }, false)).toBe(false);
    expect(sandboxWanted({}, true)).toBe(false);
    expect(sandboxWanted({ NODE_ENV: 'production' }, false)).toBe(false);
  });
});
