import type { SlackMessage } from './reporter-receipt';
import { md } from './text';

export interface CheckpointView {
  at: Date;
  events: number;
  lastId: number;
  head: string;
  reason: string;
  /** The exact line of the checkpoint file, to paste into `vigil verify --checkpoints FILE`. */
  line: string;
}

const REASONS: Record<string, string> = {
  closure: 'after a record was closed',
  daily: 'daily',
};

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

function summary(c: CheckpointView): string {
  return (
    `*Audit checkpoint* (${REASONS[c.reason] ?? c.reason}, <!date^${seconds(c.at)}^{date_short_pretty} {time}|${c.at.toISOString()}>): ` +
    `${c.events} event${c.events === 1 ? '' : 's'}, the last is event ${c.lastId} with hash \`${c.head.slice(0, 16)}…\``
  );
}

/** One checkpoint in the security channel's checkpoint thread. */
export function checkpointMessage(c: CheckpointView): SlackMessage {
  return {
    text: `Audit checkpoint: ${c.events} events through event ${c.lastId}`,
    blocks: [
      { type: 'section', text: md(summary(c)) },
      { type: 'context', elements: [md(`\`${c.line}\``)] },
    ],
  };
}

/** The thread's first message: what the thread is for, then the first checkpoint. */
export function checkpointThreadParent(c: CheckpointView): SlackMessage {
  return {
    text: 'Audit checkpoints: the head of Vigil’s audit trail, published here so it cannot be quietly rewritten',
    blocks: [
      {
        type: 'section',
        text: md(
          ':lock: *Audit checkpoints.* After every closure and at least daily, Vigil posts the head of its ' +
            'audit trail in this thread (also appended to the checkpoint file beside its database). ' +
            '`npm run vigil -- verify` checks the trail against them: fewer events than a checkpoint ' +
            'says, or a different hash, means the register was changed behind Vigil’s back. ' +
            'Keep this thread; do not edit or delete it.',
        ),
      },
      ...checkpointMessage(c).blocks,
    ],
  };
}
