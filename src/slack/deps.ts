import type { Logger } from '@slack/web-api';
import type { Db } from '../../db/client';
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { OutboxWorker } from '../services/outbox';
import type { People } from './people';
import type { SecurityTeam } from './security-team';
import type { UserGroups } from './user-groups';

/** What every listener may use; built once in createVigil. */
export interface ListenerDeps {
  db: Db;
  clock: Clock;
  config: Config;
  outbox: OutboxWorker;
  logger: Logger;
  securityTeam: SecurityTeam;
  /** Who a chosen member id is: a person Vigil can resolve, or not (people.ts). */
  people: People;
  /** The workspace's user groups, for work given to a team. */
  userGroups: UserGroups;
  workspaceUrl: string;
  /** The bot's own member id: tells a message Vigil posted from anyone else's. */
  botUserId: string;
}
