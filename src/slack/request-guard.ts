import type { IncomingMessage } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { HTTPModuleFunctions, type HTTPReceiver, isRawBodyError, isValidSlackRequest } from '@slack/bolt';
import type { Logger } from '@slack/web-api';
import { payloadProblem, type Transport } from './payload-shape';
import type { SeenRequests } from './seen-requests';

/** Slack's replay window (slack-facts.md §1.1): a timestamp further than this from now, either way, is refused. */
const WINDOW_S = 5 * 60;
const FORM = 'application/x-www-form-urlencoded';

export interface RequestGuardDeps {
  signingSecret: string;
  seen: SeenRequests;
  logger: Logger;
  /** Real time, as Slack signs with it (not the domain's clock, which tests move). */
  now?: () => number;
  endpoint?: string;
}

type Verdict = { pass: true } | { pass: false; status: number; why: string };

/**
 * Checks a request before Bolt's receiver sees it, for what Bolt lets through: a timestamp in the
 * future (Bolt refuses only old ones, slack-facts.md §1.2), the same signed request twice (a replay
 * within the window), and a correctly signed body that is no object (a JSON `null` made Bolt throw
 * outside any handler and stopped the process) or not of a shape Slack sends (payload-shape.ts:
 * fields missing or of the wrong type would fail in a listener instead). Everything else (signature, content type, size) is
 * left to Bolt, which gets the request with its body already read (it reuses `rawBody`).
 *
 * HTTP mode only: in Socket Mode requests come over Slack's authenticated connection.
 */
export function guardRequests(receiver: HTTPReceiver, deps: RequestGuardDeps): void {
  const endpoint = deps.endpoint ?? '/slack/events';
  const boltListener = receiver.requestListener;
  receiver.requestListener = (req, res) => {
    if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://localhost').pathname !== endpoint) {
      boltListener(req, res);
      return;
    }
    check(req, deps)
      .then((verdict) => {
        if (verdict.pass) {
          boltListener(req, res);
          return;
        }
        deps.logger.warn(`refused a request before Bolt: ${verdict.why}`);
        res.writeHead(verdict.status);
        res.end();
      })
      .catch((err: unknown) => {
        deps.logger.error('request guard failed', err);
        if (!res.headersSent) {
          res.writeHead(500);
          res.end();
        }
      });
  };
}

async function check(req: IncomingMessage, deps: RequestGuardDeps): Promise<Verdict> {
  let body: string;
  try {
    body = (
      await HTTPModuleFunctions.bufferIncomingMessage(req, HTTPModuleFunctions.defaultBodyLimit)
    ).rawBody.toString();
  } catch (err) {
    if (isRawBodyError(err) && err.statusCode === 413) {
      // Bolt's own words for it, so operators see one message for one problem.
      deps.logger.warn(
        `Request body exceeded the maximum allowed size (limit: ${HTTPModuleFunctions.defaultBodyLimit} bytes)`,
      );
      return { pass: false, status: 413, why: 'body too large' };
    }
    return { pass: false, status: 400, why: 'body could not be read' };
  }
  const contentType = req.headers['content-type'];
  // Slack's SSL check is unsigned; Bolt answers it and strips anything else from it.
  if (contentType === FORM && parseQuery(body).ssl_check === '1') return { pass: true };
  const signature = req.headers['x-slack-signature'];
  const timestamp = Number(req.headers['x-slack-request-timestamp']);
  // Missing, repeated or malformed headers: Bolt refuses those (401) and says why.
  if (typeof signature !== 'string' || !Number.isInteger(timestamp)) return { pass: true };
  const now = Math.floor((deps.now ?? Date.now)() / 1000);
  if (Math.abs(now - timestamp) > WINDOW_S)
    return {
      pass: false,
      status: 401,
      why: `timestamp ${timestamp - now} s from now, outside Slack's 5-minute window`,
    };
  const valid = isValidSlackRequest({
    signingSecret: deps.signingSecret,
    body,
    headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp },
    nowMilliseconds: now * 1000,
  });
  // A forged signature: Bolt refuses it (401) and logs it, as it always has.
  if (!valid) return { pass: true };
  const payload = parsed(body, contentType);
  // Bolt answers a body it cannot parse with 400 itself; nothing runs, so nothing to remember.
  if (!payload.ok) return { pass: true };
  if (!isObject(payload.value))
    return { pass: false, status: 400, why: 'a signed body that is not a JSON object' };
  const problem = payloadProblem(payload.transport, payload.value);
  if (problem) return { pass: false, status: 400, why: `a signed body Slack would not send (${problem})` };
  const fresh = deps.seen.remember(
    signature,
    new Date((timestamp + WINDOW_S + 1) * 1000),
    new Date(now * 1000),
  );
  // Answered as delivered, so Slack (were it Slack) does not retry; nothing runs a second time.
  if (!fresh) return { pass: false, status: 200, why: 'a signed request seen before (replayed)' };
  return { pass: true };
}

/** The body as Bolt will parse it (HTTPModuleFunctions.parseHTTPRequestBody). */
function parsed(
  body: string,
  contentType: string | undefined,
): { ok: true; value: unknown; transport: Transport } | { ok: false } {
  try {
    if (contentType === FORM) {
      const form = parseQuery(body);
      return typeof form.payload === 'string'
        ? { ok: true, value: JSON.parse(form.payload), transport: 'interaction' }
        : { ok: true, value: { ...form }, transport: 'command' };
    }
    return { ok: true, value: JSON.parse(body), transport: 'json' };
  } catch {
    return { ok: false };
  }
}

const isObject = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);
