/**
 * The sandbox: an embedded Slack (LocalSlack) with the demo organisation, Vigil running against it
 * unchanged, a clock the visitor can move, and what each person's client would show. The page
 * server only talks to this.
 */
import type { Logger } from '@slack/web-api';
import type { Config } from '../config';
import { LocalSlack } from '../local-slack/local-slack';
import { act } from './actions';
import { readAppFeatures } from './app-manifest';
import { GENERAL, ORG_NAME, PEOPLE, SECURITY, slackUsers } from './org';
import { forget, load, save } from './persist';
import type { Act, ActResult, Advance, AppFeatures, SandboxState } from './protocol';
import { jumpTarget, SandboxClock } from './sandbox-clock';
import { Timeline } from './timeline';
import { startVigil, type VigilRun } from './vigil-run';
import { stateFor, type Workspace } from './workspace-view';

export interface SandboxOptions {
  /** Vigil's database; `:memory:` keeps nothing. */
  databasePath: string;
  /** Where the Slack side is kept between runs; none: nothing is kept. */
  statePath?: string;
  /** Sandbox time at start (and after a reset); default the real time. */
  start?: Date;
  env?: Record<string, string | undefined>;
  logger: (level: Config['logLevel']) => Logger;
}

const SAVE_AFTER_MS = 300;

export class Sandbox {
  private changes = 0;
  private readonly listeners = new Set<() => void>();
  private notifying: NodeJS.Immediate | undefined;
  private saving: NodeJS.Timeout | undefined;
  private resetting: Promise<void> = Promise.resolve();

  private constructor(
    readonly slack: LocalSlack,
    readonly clock: SandboxClock,
    readonly timeline: Timeline,
    private run: VigilRun,
    private readonly opts: SandboxOptions,
    /** Read once, before anything starts: the manifest is the app's, not the sandbox's to change. */
    readonly app: AppFeatures,
  ) {
    slack.onChange(() => this.changed());
  }

  static async start(opts: SandboxOptions): Promise<Sandbox> {
    const app = readAppFeatures();
    const clock = new SandboxClock(Date.now, opts.start);
    const slack = await LocalSlack.start({
      users: slackUsers(),
      channels: [structuredClone(GENERAL), structuredClone(SECURITY)],
      strictUsers: true,
      teamDomain: ORG_NAME.toLowerCase(),
      now: () => clock.now().getTime(),
    });
    const timeline = new Timeline(slack, clock, () => [GENERAL.id, SECURITY.id, ...PEOPLE.map((p) => p.id)]);
    const saved = opts.statePath ? load(opts.statePath) : undefined;
    if (saved) {
      clock.restoreOffset(saved.clockOffsetMs);
      slack.restore(saved.slack);
      timeline.restore(saved.timeline);
    }
    const run = await startVigil(slack, {
      clock,
      databasePath: opts.databasePath,
      env: opts.env ?? {},
      logger: opts.logger,
    });
    return new Sandbox(slack, clock, timeline, run, opts, app);
  }

  get workspace(): Workspace {
    return {
      slack: this.slack,
      timeline: this.timeline,
      orgName: ORG_NAME,
      app: this.app,
      people: PEOPLE,
      channels: [GENERAL, SECURITY],
    };
  }

  /** Grows with every change a page could show. */
  get version(): number {
    return this.changes;
  }

  get vigil(): VigilRun {
    return this.run;
  }

  state(me: string): SandboxState {
    return stateFor(this.workspace, me, this.changes, this.clock.now().getTime());
  }

  isPerson(id: string): boolean {
    return PEOPLE.some((p) => p.id === id);
  }

  act(as: string, a: Act): Promise<ActResult> {
    return act({ people: this.run.people, timeline: this.timeline, app: this.app }, as, a).finally(() =>
      this.changed(),
    );
  }

  /** Calls `listener` (at most once per turn of the event loop) after anything a page could show changed. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Moves Vigil's clock and runs the scheduler's sweep at once, as its timer would at that time. */
  async advance(jump: Advance): Promise<void> {
    const { workday } = this.run.config.reminders;
    this.clock.moveTo(jumpTarget(this.clock.now(), jump, this.run.config.orgTimeZone, workday[0]));
    this.changed();
    await this.run.vigil.scheduler.tick();
    this.run.vigil.outbox.kick();
  }

  /** Resolves when no reset is under way (Vigil and its database are there to use). */
  idle(): Promise<void> {
    return this.resetting;
  }

  /** Starts again from an empty database and an empty Slack, at the starting time. */
  reset(): Promise<void> {
    this.resetting = this.resetting.then(() => this.startAgain());
    return this.resetting;
  }

  private async startAgain(): Promise<void> {
    await this.run.stop();
    const { databasePath, statePath } = this.opts;
    if (databasePath !== ':memory:') forget([databasePath, `${databasePath}-wal`, `${databasePath}-shm`]);
    if (statePath) forget([statePath]);
    this.slack.reset();
    this.timeline.clear();
    this.clock.restart(this.opts.start);
    this.run = await startVigil(this.slack, {
      clock: this.clock,
      databasePath,
      env: this.opts.env ?? {},
      logger: this.opts.logger,
    });
    this.changed();
  }

  async stop(): Promise<void> {
    await this.resetting;
    await this.run.stop();
    clearTimeout(this.saving);
    this.persist();
    await this.slack.stop();
  }

  private changed(): void {
    this.timeline.update();
    this.changes += 1;
    this.notifying ??= setImmediate(() => {
      this.notifying = undefined;
      for (const l of this.listeners) l();
    });
    if (this.opts.statePath && !this.saving)
      this.saving = setTimeout(() => {
        this.saving = undefined;
        this.persist();
      }, SAVE_AFTER_MS);
  }

  private persist(): void {
    if (!this.opts.statePath) return;
    save(this.opts.statePath, {
      version: 1,
      clockOffsetMs: this.clock.offset,
      slack: this.slack.snapshot(),
      timeline: this.timeline.snapshot(),
    });
  }
}
