import { publishHome } from '../../../services/home';
import type { ListenerDeps } from '../../deps';
import type { Listeners } from '../router';

/** Everyone's Home: the report button and their reports; the team's Home adds the register's open work. */
export function registerAppHomeOpened(app: Listeners, deps: ListenerDeps): void {
  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    await publishHome(
      {
        db: deps.db,
        config: deps.config,
        client,
        workspaceUrl: deps.workspaceUrl,
        isSecurityTeam: (userId) => deps.securityTeam.has(userId),
      },
      event.user,
      deps.clock.now(),
      { opened: true },
    );
  });
}
