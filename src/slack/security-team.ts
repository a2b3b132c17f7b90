import type { Logger, WebClient } from '@slack/web-api';

const TTL_MS = 60_000;

/**
 * Members of the private security channel: the security team. Read from Slack and cached for a
 * minute (wall time: a cache, not a business rule), so a click does not cost a Slack call.
 */
export class SecurityTeam {
  private members: Set<string> | undefined;
  private fetchedAt = 0;
  private loading: Promise<Set<string>> | undefined;

  constructor(
    private readonly client: WebClient,
    private readonly channelId: string,
    private readonly logger: Logger,
  ) {}

  async has(userId: string): Promise<boolean> {
    return (await this.current()).has(userId);
  }

  private async current(): Promise<Set<string>> {
    const fresh = this.members && Date.now() - this.fetchedAt < TTL_MS;
    if (fresh && this.members) return this.members;
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async load(): Promise<Set<string>> {
    try {
      const members = new Set<string>();
      for await (const page of this.client.paginate('conversations.members', {
        channel: this.channelId,
        limit: 200,
      })) {
        for (const id of (page as { members?: string[] }).members ?? []) members.add(id);
      }
      this.members = members;
      this.fetchedAt = Date.now();
      return members;
    } catch (err) {
      // Fail closed for new information, but keep the last known team through a Slack hiccup.
      this.logger.warn('could not read the security channel members', err);
      return this.members ?? new Set();
    }
  }

  /** For tests and for member_joined/left events: forget the cached list. */
  invalidate(): void {
    this.members = undefined;
  }
}
