import type { Logger, WebClient } from '@slack/web-api';
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { prepared } from '../../db/prepared';
import { channelMembers } from '../../db/schema';
import type { Clock } from '../clock';

/** Asked several times a click (the clicker, then each surface the change is drawn for). */
const memberRow = prepared((db) =>
  db
    .select({ userId: channelMembers.userId })
    .from(channelMembers)
    .where(
      and(
        eq(channelMembers.channelId, sql.placeholder('channelId')),
        eq(channelMembers.userId, sql.placeholder('userId')),
      ),
    )
    .prepare(),
);

/**
 * Members of the private security channel: the security team. Kept in the database
 * (`channel_members`): read from Slack once at start (`refresh`), then kept up to date by the
 * member_joined_channel / member_left_channel events. A click's permission is decided from this
 * stored state: no Slack call stands between a click being acknowledged and its being stored.
 */
export class SecurityTeam {
  constructor(
    private readonly client: WebClient,
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly channelId: string,
    private readonly logger: Logger,
  ) {}

  /** Async for its callers' sake; answered from the database alone. */
  async has(userId: string): Promise<boolean> {
    return this.isMember(userId);
  }

  isMember(userId: string): boolean {
    return memberRow(this.db).get({ channelId: this.channelId, userId }) !== undefined;
  }

  /** member_joined_channel: stored at once, so their next click is the team's. */
  joined(userId: string): void {
    this.db
      .insert(channelMembers)
      .values({ channelId: this.channelId, userId, since: this.clock.now() })
      .onConflictDoNothing()
      .run();
  }

  /** member_left_channel: from now on they act as who they are outside the team. */
  left(userId: string): void {
    this.db
      .delete(channelMembers)
      .where(and(eq(channelMembers.channelId, this.channelId), eq(channelMembers.userId, userId)))
      .run();
  }

  /**
   * Replaces the stored members with Slack's list (at start, catching up on joins and leaves
   * missed while Vigil was down). If Slack cannot be read, the stored list stands.
   */
  async refresh(): Promise<boolean> {
    const members = new Set<string>();
    try {
      for await (const page of this.client.paginate('conversations.members', {
        channel: this.channelId,
        limit: 200,
      }))
        for (const id of (page as { members?: string[] }).members ?? []) members.add(id);
    } catch (err) {
      this.logger.warn('could not read the security channel members; keeping the stored list', err);
      return false;
    }
    const now = this.clock.now();
    this.db.transaction((tx) => {
      const stored = tx
        .select({ userId: channelMembers.userId })
        .from(channelMembers)
        .where(eq(channelMembers.channelId, this.channelId))
        .all();
      for (const { userId } of stored)
        if (!members.has(userId))
          tx.delete(channelMembers)
            .where(and(eq(channelMembers.channelId, this.channelId), eq(channelMembers.userId, userId)))
            .run();
      for (const userId of members)
        tx.insert(channelMembers)
          .values({ channelId: this.channelId, userId, since: now })
          .onConflictDoNothing()
          .run();
    });
    return true;
  }
}
