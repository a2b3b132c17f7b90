/** The page's calls to the sandbox server. */
import type { Act, ActResult, Advance, SandboxState, TourStep } from '../protocol';

async function post<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await res.json()) as T & { error?: string };
  if (!res.ok) throw new Error(answer.error ?? `HTTP ${res.status}`);
  return answer;
}

export async function getState(as: string): Promise<SandboxState> {
  const res = await fetch(`/api/state?as=${encodeURIComponent(as)}`);
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return (await res.json()) as SandboxState;
}

export const act = (as: string, a: Act) => post<ActResult>('/api/act', { as, act: a });
export const advance = (jump: Advance) => post<{ ok: boolean }>('/api/advance', { jump });
export const reset = () => post<{ ok: boolean }>('/api/reset', {});
export const tourSteps = async (): Promise<TourStep[]> =>
  (await fetch('/api/tour')).json() as Promise<TourStep[]>;
export const runTourStep = (index: number) => post<ActResult>('/api/tour', { index });

/** Calls `onVersion` whenever the sandbox changed (server-sent events; the browser reconnects). */
export function watch(onVersion: (version: number) => void): void {
  const events = new EventSource('/api/events');
  events.onmessage = (e: MessageEvent) =>
    onVersion((JSON.parse(String(e.data)) as { version: number }).version);
}
