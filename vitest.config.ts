import { defineConfig } from 'vitest/config';

// The server's own zone must never matter: dates are UTC in storage and the organisation's or the
// reader's zone on screen. Running every test in a zone with its own clock changes (and an offset
// from both UTC and Europe/London, the tests' organisation) catches code that reads the local zone.
const SERVER_TIME_ZONE = 'America/New_York';
process.env.TZ = SERVER_TIME_ZONE;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 15_000,
    hookTimeout: 15_000,
    env: { TZ: SERVER_TIME_ZONE },
  },
});
