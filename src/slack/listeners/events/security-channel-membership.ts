import { refreshHome } from '../../../domain/deliveries';
import { isSlackUserId } from '../../../domain/people-ids';
import type { ListenerDeps } from '../../deps';
import type { Listeners } from '../router';

/**
 * Someone joined or left the security channel: the team is who its members are, so the stored
 * list changes at once (security-team.ts), and their Home is redrawn for who they are now:
 * whoever left stops seeing the open incidents at once, not at the next change to the register.
 */
export function registerSecurityChannelMembership(app: Listeners, deps: ListenerDeps): void {
  const changed =
    (joined: boolean) =>
    async ({ event }: { event: { channel: string; user: string } }) => {
      if (event.channel !== deps.config.securityChannelId || !isSlackUserId(event.user)) return;
      if (joined) deps.securityTeam.joined(event.user);
      else deps.securityTeam.left(event.user);
      if (refreshHome(deps.db, event.user, deps.clock.now())) deps.outbox.kick();
    };
  app.event('member_left_channel', changed(false));
  app.event('member_joined_channel', changed(true));
}
