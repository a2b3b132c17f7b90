import { refreshHome } from '../../../domain/deliveries';
import type { ListenerDeps } from '../../deps';
import type { Listeners } from '../router';

/**
 * Someone joined or left the security channel: the team is who its members are, so the cached
 * list is dropped, and their Home is redrawn for who they are now: whoever left stops seeing the
 * open incidents at once, not at the next change to the register.
 */
export function registerSecurityChannelMembership(app: Listeners, deps: ListenerDeps): void {
  const changed = async ({ event }: { event: { channel: string; user: string } }) => {
    if (event.channel !== deps.config.securityChannelId) return;
    deps.securityTeam.invalidate();
    if (refreshHome(deps.db, event.user, deps.clock.now())) deps.outbox.kick();
  };
  app.event('member_left_channel', changed);
  app.event('member_joined_channel', changed);
}
