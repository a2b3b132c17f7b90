import { type Logger, LogLevel } from '@slack/web-api';

const ORDER: Record<LogLevel, number> = {
  [LogLevel.DEBUG]: 10,
  [LogLevel.INFO]: 20,
  [LogLevel.WARN]: 30,
  [LogLevel.ERROR]: 40,
};

export interface LogRecord {
  level: LogLevel;
  name: string;
  message: string;
}

function render(part: unknown): string {
  if (part instanceof Error) {
    // Slack errors carry the request's response, never its arguments: their code is what helps.
    const code = (part as { code?: unknown }).code;
    const data = (part as { data?: { error?: unknown } }).data;
    return [part.name, typeof code === 'string' ? code : '', data?.error ? String(data.error) : part.message]
      .filter(Boolean)
      .join(': ');
  }
  return typeof part === 'string' ? part : JSON.stringify(part);
}

/**
 * Logs go to stderr (stdout is for CLI data). Callers log references and IDs, never report text:
 * PRODUCT.md Privacy forbids personal data in logs.
 */
export function createLogger(
  level: `${LogLevel}`,
  sink: (record: LogRecord) => void = (r) =>
    process.stderr.write(`${new Date().toISOString()} ${r.level} ${r.name} ${r.message}\n`),
): Logger {
  let current = level as LogLevel;
  let name = 'vigil';
  const at =
    (l: LogLevel) =>
    (...msg: unknown[]) => {
      if (ORDER[l] >= ORDER[current]) sink({ level: l, name, message: msg.map(render).join(' ') });
    };
  return {
    debug: at(LogLevel.DEBUG),
    info: at(LogLevel.INFO),
    warn: at(LogLevel.WARN),
    error: at(LogLevel.ERROR),
    setLevel: (l) => {
      current = l;
    },
    getLevel: () => current,
    setName: (n) => {
      name = n;
    },
  };
}

/**
 * The logger handed to Bolt, the Web API client and Socket Mode. At debug level they log whole
 * request and response bodies (card text, form answers, incoming payloads), which is report text,
 * so their debug lines are dropped whatever LOG_LEVEL says; their info, warnings and errors pass
 * through under their own name. They may not change the level or name of ours: Bolt resets a
 * shared logger to `info` and the Web API client renames it.
 */
export function sdkLogger(logger: Logger): Logger {
  let name = 'slack';
  const forward =
    (write: (...msg: unknown[]) => void) =>
    (...msg: unknown[]) =>
      write(`${name}:`, ...msg);
  return {
    debug: () => {},
    info: forward((...m) => logger.info(...m)),
    warn: forward((...m) => logger.warn(...m)),
    error: forward((...m) => logger.error(...m)),
    setLevel: () => {},
    // Never below info: the SDKs that ask build their debug lines (whole payloads) only to be dropped.
    getLevel: () => (ORDER[logger.getLevel()] < ORDER[LogLevel.INFO] ? LogLevel.INFO : logger.getLevel()),
    setName: (n) => {
      name = n;
    },
  };
}
