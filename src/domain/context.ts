import type { Db } from '../../db/client';
import type { Clock } from '../clock';
import type { Config } from '../config';

/** What every domain function works with: the register, the time, and the organisation's rules. */
export interface DomainContext {
  db: Db;
  clock: Clock;
  config: Config;
}
