/**
 * A small closed-loop load driver (instead of autocannon): `connections` workers share one
 * keep-alive http.Agent, each with one request in flight at a time, so there are always
 * `connections` concurrent requests. Every request is signed as Slack signs it, with a fresh
 * timestamp and signature, built before its timer starts (building is the client's cost, not the
 * server's). Latency = request written → response fully read, by performance.now().
 */
import { Agent, request } from 'node:http';
import { signature } from '../src/local-slack/payloads';

export interface LoadOptions {
  /** e.g. http://127.0.0.1:3000/slack/events */
  url: string;
  signingSecret: string;
  connections: number;
  /** Requests sent first and not recorded (JIT, caches, connection set-up). */
  warmup: number;
  /** Requests recorded after the warm-up. */
  requests: number;
  /** The form-encoded body of request `i` (0-based over warm-up + recorded). */
  body: (i: number) => string | Promise<string>;
  /** Called just before request `i` is written, with the epoch time in ms (sub-ms precision). */
  onSend?: (i: number, epochMs: number) => void;
}

export interface LoadResult {
  /** Recorded latencies in ms, ascending. */
  latencies: number[];
  /** HTTP status → count, recorded requests only. */
  statuses: Record<string, number>;
  /** Socket errors (no HTTP answer), recorded requests only. */
  errors: number;
  /** Wall time of the recorded part, first recorded send → last answer. */
  wallMs: number;
  requestsPerSecond: number;
}

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const target = new URL(opts.url);
  const agent = new Agent({ keepAlive: true, maxSockets: opts.connections });
  const total = opts.warmup + opts.requests;
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let next = 0;
  let firstRecorded = Number.POSITIVE_INFINITY;
  let lastAnswer = 0;

  const send = (body: string, i: number): Promise<{ status: number; ms: number } | null> =>
    new Promise((resolve) => {
      const timestamp = Math.floor(Date.now() / 1000);
      const headers = {
        'Content-Type': 'application/x-www-form-urlencoded',
        'Content-Length': String(Buffer.byteLength(body)),
        'X-Slack-Request-Timestamp': String(timestamp),
        'X-Slack-Signature': signature(opts.signingSecret, timestamp, body),
      };
      opts.onSend?.(i, performance.timeOrigin + performance.now());
      const started = performance.now();
      const req = request(
        { agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers },
        (res) => {
          res.on('data', () => {});
          res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
          res.on('error', () => resolve(null));
        },
      );
      req.on('error', () => resolve(null));
      if (i >= opts.warmup) firstRecorded = Math.min(firstRecorded, started);
      req.end(body);
    });

  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= total) return;
      const body = await opts.body(i);
      const answer = await send(body, i);
      if (i < opts.warmup) continue;
      lastAnswer = Math.max(lastAnswer, performance.now());
      if (!answer) {
        errors++;
        continue;
      }
      statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
      latencies.push(answer.ms);
    }
  };

  try {
    await Promise.all(Array.from({ length: opts.connections }, worker));
  } finally {
    agent.destroy();
  }
  latencies.sort((a, b) => a - b);
  const wallMs = lastAnswer - firstRecorded;
  return {
    latencies,
    statuses,
    errors,
    wallMs,
    requestsPerSecond: wallMs > 0 ? (opts.requests * 1000) / wallMs : 0,
  };
}
