/**
 * Where a phase's CPU went, from a V8 CPU profile (`node --cpu-prof`) of the Vigil process: each
 * sample is given to a component by the code it was in (its own frame, or the nearest caller that
 * says, for native and Node-internal frames), and only samples inside the phase's time window
 * count. Windows are in microseconds of the monotonic clock, which `process.hrtime` in the driver
 * and V8's profile timestamps share on Linux.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export const COMPONENTS = [
  'Bolt',
  'Slack client',
  'Node HTTP and sockets',
  'drizzle-orm',
  'SQLite',
  'Vigil',
  'GC',
  'other',
] as const;
export type Component = (typeof COMPONENTS)[number];

export interface Window {
  name: string;
  startUs: number;
  endUs: number;
  requests: number;
}

/** The microsecond timestamp the profile's samples use. */
export const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);

/** better-sqlite3's native methods: their frames carry no URL. */
const SQLITE_NATIVE = new Set(['run', 'get', 'all', 'iterate', 'exec', 'prepare', 'pragma', 'raw', 'pluck']);

function own(frame: ProfileNode['callFrame']): Component | null {
  const { url, functionName } = frame;
  if (functionName === '(garbage collector)') return 'GC';
  if (functionName === '(idle)' || functionName === '(program)' || functionName === '(root)') return 'other';
  if (url.includes('/node_modules/@slack/bolt/')) return 'Bolt';
  // The Web API client, fetch, and the lean path's own requests (src/slack/lean-client.ts).
  if (
    url.includes('/node_modules/@slack/web-api/') ||
    url.includes('undici') ||
    url.includes('node:internal/fetch') ||
    /node:_http_(client|agent)/.test(url) ||
    url.endsWith('/src/slack/lean-client.ts')
  )
    return 'Slack client';
  if (url.includes('/node_modules/drizzle-orm/')) return 'drizzle-orm';
  if (url.includes('/node_modules/better-sqlite3/')) return 'SQLite';
  if (url === '' && SQLITE_NATIVE.has(functionName)) return 'SQLite';
  if (/node:_http_|node:net|node:internal\/(http|stream|net)|node:internal\/streams/.test(url))
    return 'Node HTTP and sockets';
  if (url.includes('/node_modules/')) return null;
  if (/\/(src|db|blocks)\//.test(url)) return 'Vigil';
  return null;
}

/**
 * Vigil's main-thread profile in `dir`: Node writes one per thread (tsx's module loader runs in a
 * thread of its own), and the main thread's is by far the largest.
 */
export function readProfile(dir: string): Profile | null {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(dir, f))
    .sort((a, b) => statSync(b).size - statSync(a).size);
  const main = files[0];
  return main ? (JSON.parse(readFileSync(main, 'utf8')) as Profile) : null;
}

/** CPU ms per request by component, per window. */
export function cpuByComponent(profile: Profile, windows: Window[]): Map<string, Record<Component, number>> {
  const parent = new Map<number, ProfileNode>();
  const byId = new Map<number, ProfileNode>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node);
  }
  const category = new Map<number, Component>();
  const categorize = (node: ProfileNode): Component => {
    const known = category.get(node.id);
    if (known) return known;
    let found: Component | null = own(node.callFrame);
    if (found === null) {
      const up = parent.get(node.id);
      found = up ? categorize(up) : 'other';
    }
    category.set(node.id, found);
    return found;
  };
  const out = new Map<string, Record<Component, number>>();
  for (const w of windows)
    out.set(w.name, Object.fromEntries(COMPONENTS.map((c) => [c, 0])) as Record<Component, number>);
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    t += delta;
    const node = byId.get(profile.samples[i] ?? -1);
    if (!node || node.callFrame.functionName === '(idle)') continue;
    // A sample stands for the time since the one before it.
    for (const w of windows) {
      if (t < w.startUs || t > w.endUs) continue;
      const row = out.get(w.name);
      if (row) row[categorize(node)] += delta / 1000 / w.requests;
    }
  }
  return out;
}
