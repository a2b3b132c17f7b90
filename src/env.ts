import { existsSync } from 'node:fs';

/** Reads `.env` when present; real environment variables win over it. */
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}
