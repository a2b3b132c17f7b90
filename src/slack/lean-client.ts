import http from 'node:http';
import https from 'node:https';
import { RespondError, type RespondFn } from '@slack/bolt';
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
 * Sends the hot calls of `client` as one JSON body serialised once, straight through node:http
 * (see post). The Web API client (8.2) form-encodes every argument and, at any log level, builds
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
  const send = (method: HotMethod) => {
    const url = new URL(`${base}${method}`);
    return (args: object) => call(url, headers, args, opts);
  };
  // The client's method tables are plain objects of bound functions: these three are replaced.
  Object.assign(client.views, { open: send('views.open') });
  Object.assign(client.chat, { postMessage: send('chat.postMessage'), update: send('chat.update') });
}

/**
 * Bolt's `respond` (an ephemeral answer, a refusal) through the same path: Bolt posts it with
 * fetch. Fails as Bolt's does when the response URL refuses it (expired, rate limited).
 */
export function leanRespond(responseUrl: string, timeoutMs: number): RespondFn {
  const url = new URL(responseUrl);
  return async (message) => {
    const body = typeof message === 'string' ? { text: message } : message;
    const answer = await post(url, RESPOND_HEADERS, JSON.stringify(body), timeoutMs);
    if (answer.status < 200 || answer.status > 299)
      throw new RespondError(
        `Failed to respond to the response_url: ${answer.status} ${answer.statusText}`,
        answer.status,
      );
    // What Bolt's respond resolves to; nothing in Vigil reads it.
    return new Response(answer.text, { status: answer.status, headers: answer.headers });
  };
}

const RESPOND_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

interface Answer {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  text: string;
}

// Kept-alive connections to Slack, as fetch keeps them; a new TLS handshake per call would cost more.
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

/**
 * One POST through node:http rather than fetch: undici's fetch builds a Request, a Response, header
 * lists and web streams for every call, about 0.3 ms of CPU that a plain request does not spend.
 * The timeout covers the whole call, as fetch's AbortSignal.timeout did.
 */
function post(url: URL, headers: Record<string, string>, body: string, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const agent = url.protocol === 'https:' ? agents['https:'] : agents['http:'];
    const request = (url.protocol === 'https:' ? https : http).request(
      url,
      { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', fail);
        res.on('end', () => {
          clearTimeout(timer);
          const answerHeaders: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers))
            if (v !== undefined) answerHeaders[k] = Array.isArray(v) ? v.join(', ') : v;
          resolve({
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? '',
            headers: answerHeaders,
            text: Buffer.concat(chunks).toString('utf8'),
          });
        });
      },
    );
    function fail(error: Error) {
      clearTimeout(timer);
      request.destroy();
      reject(error);
    }
    const timer =
      timeoutMs > 0
        ? setTimeout(() => fail(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)
        : undefined;
    request.on('error', fail);
    request.end(body);
  });
}

async function call(
  url: URL,
  headers: Record<string, string>,
  args: object,
  opts: LeanOptions,
): Promise<WebAPICallResult> {
  let response: Answer;
  try {
    response = await post(url, headers, JSON.stringify(args), opts.timeoutMs);
  } catch (error) {
    const original = error instanceof Error ? error : new Error(String(error));
    opts.logger.warn('http request failed', original.message);
    throw new WebAPIRequestError(original);
  }
  if (response.status === 429) {
    const header = response.headers['retry-after'] ?? null;
    const retryAfter = header === null ? Number.NaN : Number.parseInt(header, 10);
    if (!Number.isNaN(retryAfter)) throw new WebAPIRateLimitedError(retryAfter);
    throw new Error(
      `Retry header did not contain a valid timeout (url: ${url.href}, retry-after header: ${header})`,
    );
  }
  if (response.status !== 200)
    throw new WebAPIHTTPError(response.status, response.statusText, response.headers, response.text);
  const text = response.text;
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
