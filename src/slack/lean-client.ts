import {
  type Logger,
  type WebAPICallResult,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  type WebClient,
} from '@slack/web-api';

/** The calls on hot paths: the report form opening, and the outbox's posts and edits. */
const HOT = ['views.open', 'chat.postMessage', 'chat.update'] as const;
type HotMethod = (typeof HOT)[number];

export interface LeanOptions {
  token: string;
  apiUrl: string;
  timeoutMs: number;
  logger: Logger;
}

/**
 * Sends the hot calls of `client` as one JSON body serialised once, straight through Node's
 * fetch. The Web API client (8.2) form-encodes every argument and, at any log level, builds
 * `JSON.stringify(redact(…))` of the body, headers and answer for debug lines nobody reads:
 * for an 11 KB form that is most of a command's CPU. Errors are the client's own classes, raised
 * where it raises them (a 429 with retry-after as WebAPIRateLimitedError, as with
 * rejectRateLimitedCalls; no answer as WebAPIRequestError; `ok: false` as WebAPIPlatformError),
 * so callers and the outbox's retry rules see no difference. Other methods keep the client's path.
 */
export function leanHotCalls(client: WebClient, opts: LeanOptions): void {
  const base = opts.apiUrl.endsWith('/') ? opts.apiUrl : `${opts.apiUrl}/`;
  const headers = {
    authorization: `Bearer ${opts.token}`,
    'content-type': 'application/json; charset=utf-8',
    'user-agent': 'vigil (@slack/web-api compatible)',
  };
  const send = (method: HotMethod) => (args: object) => call(`${base}${method}`, headers, args, opts);
  // The client's method tables are plain objects of bound functions: these three are replaced.
  Object.assign(client.views, { open: send('views.open') });
  Object.assign(client.chat, { postMessage: send('chat.postMessage'), update: send('chat.update') });
}

async function call(
  url: string,
  headers: Record<string, string>,
  args: object,
  opts: LeanOptions,
): Promise<WebAPICallResult> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify(args),
      redirect: 'error',
      ...(opts.timeoutMs > 0 ? { signal: AbortSignal.timeout(opts.timeoutMs) } : {}),
    });
  } catch (error) {
    const original = error instanceof Error ? error : new Error(String(error));
    opts.logger.warn('http request failed', original.message);
    throw new WebAPIRequestError(original);
  }
  if (response.status === 429) {
    const header = response.headers.get('retry-after');
    const retryAfter = header === null ? Number.NaN : Number.parseInt(header, 10);
    if (!Number.isNaN(retryAfter)) throw new WebAPIRateLimitedError(retryAfter);
    throw new Error(
      `Retry header did not contain a valid timeout (url: ${url}, retry-after header: ${header})`,
    );
  }
  if (response.status !== 200)
    throw new WebAPIHTTPError(
      response.status,
      response.statusText,
      Object.fromEntries(response.headers.entries()),
      await response.text(),
    );
  const text = await response.text();
  let result: WebAPICallResult & { error?: string };
  try {
    result = JSON.parse(text) as WebAPICallResult;
  } catch {
    result = { ok: false, error: text };
  }
  result.response_metadata ??= {};
  for (const warning of result.response_metadata.warnings ?? []) opts.logger.warn(warning);
  for (const message of result.response_metadata.messages ?? []) {
    const [, level, said] = /^\[(ERROR|WARN)\](.*)/.exec(message) ?? [];
    if (level === 'ERROR') opts.logger.error(said?.trim());
    else if (level === 'WARN') opts.logger.warn(said?.trim());
  }
  if (!result.ok) throw new WebAPIPlatformError({ ...result, error: result.error ?? 'unknown_error' });
  return result;
}
