import type { Logger, WebClient } from '@slack/web-api';
import { isSlackUserId } from '../domain/people-ids';

export interface Team {
  id: string;
  handle: string;
  members: string[];
}

const TTL_MS = 60_000;
/** A static select offers at most 100 options (slack-facts.md §4). */
const MAX_OFFERED = 100;

/**
 * The workspace's user groups (teams people mention as @handle), so work can be given to a team
 * (seed 003 §5.5). Read from Slack (`usergroups:read`): the list for the action form, cached for
 * a minute; a group's members when work is given to it, kept until the form that asked is saved.
 */
export class UserGroups {
  private listed: { at: number; groups: { id: string; handle: string }[] } | undefined;
  private readonly resolved = new Map<string, Team>();

  constructor(
    private readonly client: WebClient,
    private readonly logger: Logger,
  ) {}

  /** The groups to offer in a form; none when Slack will not say (no scope, no groups on this plan). */
  async list(): Promise<{ id: string; handle: string }[]> {
    if (this.listed && Date.now() - this.listed.at < TTL_MS) return this.listed.groups;
    try {
      const res = await this.client.usergroups.list({});
      const groups = (res.usergroups ?? [])
        .flatMap((g) => (g.id && g.handle && !g.date_delete ? [{ id: g.id, handle: g.handle }] : []))
        .slice(0, MAX_OFFERED);
      this.listed = { at: Date.now(), groups };
      return groups;
    } catch (err) {
      this.logger.warn('could not list the user groups; the action form offers people only', err);
      return [];
    }
  }

  /** Reads a group's members now (Slack's word, not the form's), or null when Slack has no such group. */
  async resolve(id: string): Promise<Team | null> {
    try {
      const [members, groups] = await Promise.all([
        this.client.usergroups.users.list({ usergroup: id }),
        this.list(),
      ]);
      const team = {
        id,
        handle: groups.find((g) => g.id === id)?.handle ?? id,
        members: [...new Set((members.users ?? []).filter(isSlackUserId))],
      };
      this.resolved.set(id, team);
      return team;
    } catch (err) {
      this.logger.info(`could not read the members of user group ${id}`, err);
      return null;
    }
  }

  /** The members read by `resolve` for the form being saved now. */
  resolvedTeam(id: string): Team | undefined {
    return this.resolved.get(id);
  }
}
