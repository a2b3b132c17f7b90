import type { Logger, WebClient } from '@slack/web-api';
import { WebAPIPlatformError } from '@slack/web-api';
import { isSlackUserId } from '../domain/people-ids';
import type { ViewStateValues } from './view-state';

/** A person found stays known this long (wall time: a cache, not a rule). */
const KNOWN_MS = 10 * 60_000;

/** Slack's answers meaning there is no such person to reach. */
const NO_SUCH_USER = new Set(['user_not_found', 'user_not_visible', 'account_inactive']);

export const NOT_A_PERSON = 'Please choose a person in this workspace (not a bot, not Vigil).';

/**
 * Whether a member id chosen in a form or select is someone Vigil can resolve before it is stored
 * or becomes a mention: shaped like a Slack member id, not Vigil's own bot, and a person Slack
 * knows (`users.info`: not a bot, not deactivated). If Slack cannot be asked (an outage), a
 * well-formed id is accepted rather than stop the procedure; Slack's own "no such user" refuses it.
 */
export class People {
  private readonly known = new Map<string, number>();

  constructor(
    private readonly client: WebClient,
    private readonly botUserId: string,
    private readonly logger: Logger,
  ) {}

  async resolvable(userId: string): Promise<boolean> {
    if (!isSlackUserId(userId) || userId === this.botUserId) return false;
    if ((this.known.get(userId) ?? 0) > Date.now()) return true;
    try {
      const { user } = await this.client.users.info({ user: userId });
      if (!user || user.deleted || user.is_bot || user.is_app_user) return false;
      this.known.set(userId, Date.now() + KNOWN_MS);
      return true;
    } catch (err) {
      if (err instanceof WebAPIPlatformError && NO_SUCH_USER.has(err.data.error)) return false;
      this.logger.warn(`could not ask Slack about ${userId}; accepting the id as given`);
      return true;
    }
  }

  /** A field error for every person picker in a submitted form whose choice is not such a person. */
  async pickerErrors(values: ViewStateValues): Promise<Record<string, string> | null> {
    const errors: Record<string, string> = {};
    for (const [blockId, actions] of Object.entries(values))
      for (const v of Object.values(actions)) {
        const chosen =
          v.type === 'users_select'
            ? [v.selected_user]
            : v.type === 'multi_users_select'
              ? (v.selected_users ?? [])
              : [];
        for (const id of chosen)
          if (typeof id === 'string' && !(await this.resolvable(id))) errors[blockId] = NOT_A_PERSON;
      }
    return Object.keys(errors).length > 0 ? errors : null;
  }
}
