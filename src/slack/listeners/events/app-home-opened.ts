import type { App } from '@slack/bolt';
import { homeView } from '../../../../blocks/home-view';
import { homeViews } from '../../../../db/schema';
import { buildHomeModel } from '../../../services/home';
import { resolveActor } from '../../card-interaction';
import type { ListenerDeps } from '../../deps';

/** Everyone's Home: the report button and their reports; the team's Home adds the register's open work. */
export function registerAppHomeOpened(app: App, deps: ListenerDeps): void {
  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    const actor = await resolveActor(deps, event.user);
    const team = [...actor.roles].some((r) => r !== 'hod');
    const now = deps.clock.now();
    deps.db
      .insert(homeViews)
      .values({ userId: event.user, team, openedAt: now })
      .onConflictDoUpdate({ target: homeViews.userId, set: { team, openedAt: now } })
      .run();
    const model = buildHomeModel(deps.db, deps.config, now, event.user, team, deps.workspaceUrl);
    await client.views.publish({ user_id: event.user, view: homeView(model) });
  });
}
