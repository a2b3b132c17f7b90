/**
 * The test suite's LocalSlack in a process of its own, so its work (parsing and validating every
 * view and message against Block Kit's limits) does not run on the event loop being measured.
 * Driven over IPC by bench/ack-latency.ts: issue triggers, harvest what Slack was asked (and forget it).
 * Its clock is the wall clock with sub-millisecond precision, so call times line up with the driver's.
 */
import { LocalSlack } from '../src/local-slack/local-slack';
import { SECURITY_CHANNEL_SETUP } from './config';

export type FakeRequest =
  | { id: number; type: 'triggers'; userId: string; count: number }
  | { id: number; type: 'harvest' }
  /** Every `everyMs`, the next chat.postMessage hangs `hangMs` and then fails (504); 0 stops it. */
  | { id: number; type: 'faults'; everyMs: number; hangMs: number }
  | { id: number; type: 'stop' };

export interface Harvest {
  /** views.open calls since the last harvest: trigger, when the fake received it (epoch ms), outcome. */
  viewsOpen: { trigger: string; at: number; ok: boolean; error?: string }[];
  /** Web API calls since the last harvest by method: [ok, failed]. */
  calls: Record<string, [number, number]>;
  /** Failed calls by error name. */
  errors: Record<string, number>;
  responseUrlPosts: number;
  /** Card edits (chat.update, done) since the last harvest: the message's ts and when the fake got it. */
  cardEdits: { ts: string; at: number }[];
}

export type FakeReply =
  | { type: 'ready'; url: string }
  | { id: number; type: 'triggers'; ids: string[] }
  | { id: number; type: 'harvest'; harvest: Harvest }
  | { id: number; type: 'faults' }
  | { id: number; type: 'stopped' };

const send = (reply: FakeReply) => process.send?.(reply);

const fake = await LocalSlack.start({
  channels: [SECURITY_CHANNEL_SETUP],
  now: () => performance.timeOrigin + performance.now(),
});

function harvest(): Harvest {
  const out: Harvest = {
    viewsOpen: [],
    calls: {},
    errors: {},
    responseUrlPosts: fake.responseUrlPosts.length,
    cardEdits: [],
  };
  for (const c of fake.calls) {
    const tally = out.calls[c.method] ?? [0, 0];
    tally[c.ok ? 0 : 1]++;
    out.calls[c.method] = tally;
    if (!c.ok) out.errors[c.error ?? 'unknown'] = (out.errors[c.error ?? 'unknown'] ?? 0) + 1;
    if (c.method === 'chat.update' && c.ok) out.cardEdits.push({ ts: String(c.args.ts), at: c.at });
    if (c.method === 'views.open')
      out.viewsOpen.push({
        trigger: String(c.args.trigger_id),
        at: c.at,
        ok: c.ok,
        ...(c.error ? { error: c.error } : {}),
      });
  }
  // Keep the fake's memory flat over tens of thousands of calls; messages (cards) are kept.
  fake.calls.length = 0;
  fake.responseUrlPosts.length = 0;
  fake.ephemerals.length = 0;
  fake.views.clear();
  return out;
}

let faults: NodeJS.Timeout | undefined;
function setFaults(everyMs: number, hangMs: number): void {
  clearInterval(faults);
  fake.recover('chat.postMessage');
  if (everyMs > 0)
    faults = setInterval(() => fake.fail('chat.postMessage', { kind: 'timeout', ms: hangMs }, 1), everyMs);
}

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  clearInterval(faults);
  await fake.stop();
}

process.on('message', (raw: unknown) => {
  const msg = raw as FakeRequest;
  switch (msg.type) {
    case 'triggers':
      send({
        id: msg.id,
        type: 'triggers',
        ids: Array.from({ length: msg.count }, () => fake.issueTrigger(msg.userId)),
      });
      return;
    case 'harvest':
      send({ id: msg.id, type: 'harvest', harvest: harvest() });
      return;
    case 'faults':
      setFaults(msg.everyMs, msg.hangMs);
      send({ id: msg.id, type: 'faults' });
      return;
    case 'stop':
      void stop().then(() => {
        send({ id: msg.id, type: 'stopped' });
        process.disconnect?.();
      });
      return;
  }
});
// The driver went away: never linger.
process.on('disconnect', () => void stop().then(() => process.exit(0)));
process.on('SIGTERM', () => void stop().then(() => process.exit(0)));

send({ type: 'ready', url: fake.url });
