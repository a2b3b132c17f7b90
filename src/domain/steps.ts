/**
 * Work over the whole register written as a generator yields between its steps, so that a caller
 * with time to spare (a sweep, a Home refresh) can hand the event loop back between them
 * (src/services/yielding.ts) while a caller that needs the answer at once runs it to the end here.
 */
export type Steps<T> = Generator<void, T, void>;

export function runToEnd<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}
