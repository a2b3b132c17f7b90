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

export const act = (as: string, a: Act) => post<ActResult>('/api/act', { as, act: a });
export const advance = (jump: Advance) => post<{ ok: boolean }>('/api/advance', { jump });
export const reset = () => post<{ ok: boolean }>('/api/reset', {});
export const tourSteps = async (): Promise<TourStep[]> =>
  (await fetch('/api/tour')).json() as Promise<TourStep[]>;
export const runTourStep = (index: number) => post<ActResult>('/api/tour', { index });

/**
 * Calls `onState` with what `as` sees, at once and after every change (server-sent events; the
 * browser reconnects by itself). Returns a function that stops listening.
 */
export function watch(as: string, onState: (state: SandboxState) => void): () => void {
  const events = new EventSource(`/api/events?as=${encodeURIComponent(as)}`);
  events.onmessage = (e: MessageEvent) => onState(JSON.parse(String(e.data)) as SandboxState);
  return () => events.close();
}
