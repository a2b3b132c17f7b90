import { setImmediate } from 'node:timers/promises';
import type { Steps } from '../domain/steps';

/** Runs `steps` to the end, letting Slack's requests in between steps (a click waits for one step). */
export async function betweenSteps<T>(steps: Steps<T>): Promise<T> {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await setImmediate();
  }
}
