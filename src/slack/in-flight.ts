import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';

/**
 * Counts the Slack requests whose listeners are still running. Most listeners acknowledge first
 * and then call Slack before they write, so an acknowledged click is only safe once its listener
 * has returned: shutdown waits for that rather than for the HTTP response.
 */
export class InFlight {
  private count = 0;
  private waiters: (() => void)[] = [];

  /** Registered first, so it spans every other middleware and listener of a request. */
  readonly middleware: Middleware<AnyMiddlewareArgs> = async ({ next }) => {
    this.count++;
    try {
      await next();
    } finally {
      this.count--;
      if (this.count === 0) for (const wake of this.waiters.splice(0)) wake();
    }
  };

  get size(): number {
    return this.count;
  }

  /** Resolves when nothing is in flight, or after `timeoutMs` with whether it got there. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== wake);
        resolve(false);
      }, timeoutMs);
      this.waiters.push(wake);
    });
  }
}
