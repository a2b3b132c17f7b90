import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { keepRunningOnUncaughtErrors } from '../src/crash-guard';
import { createLogger, type LogRecord } from '../src/logger';

describe('an error nobody caught', () => {
  it('is logged, and the process is not stopped', () => {
    const proc = new EventEmitter();
    const logs: LogRecord[] = [];
    keepRunningOnUncaughtErrors(
      proc,
      createLogger('info', (r) => logs.push(r)),
    );
    // With a listener, Node neither prints the error nor exits: emitting is what Node does.
    proc.emit('unhandledRejection', new TypeError("Cannot read properties of null (reading 'ssl_check')"));
    proc.emit('uncaughtException', new RangeError('Maximum call stack size exceeded'));
    expect(logs.map((l) => `${l.level} ${l.message}`)).toEqual([
      "error unhandled rejection; Vigil keeps running: TypeError: Cannot read properties of null (reading 'ssl_check')",
      'error uncaught exception; Vigil keeps running: RangeError: Maximum call stack size exceeded',
    ]);
  });
});
