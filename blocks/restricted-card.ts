import type { Button, KnownBlock } from '@slack/types';
import { RESTRICTED_TITLE } from '../src/domain/restricted';
import { CARD_ACTIONS, cardBlockId, DUTY_ACTIONS } from './card-ids';
import { kindLabel, STATUS_LABELS } from './labels';
import type { SlackMessage } from './reporter-receipt';
import { md, plain } from './text';
import type { CardModel } from './triage-card';

const button = (action_id: string, label: string): Button => ({
  type: 'button',
  action_id,
  text: plain(label, 75),
});

/**
 * The card of a restricted report (seed 000 Rep.1: it is about someone who would otherwise see
 * it): reference, kind and status, and nothing else; its details go only to the SIRO and the
 * people they add, who work it from their messages, App Home and `/incident`. The controls here
 * open nothing for anyone else (the server checks).
 */
export function restrictedCard(m: CardModel): SlackMessage {
  const i = m.incident;
  const open = !['closed', 'not_incident', 'duplicate'].includes(i.status);
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain(`${i.reference} · ${RESTRICTED_TITLE}`, 150) },
    {
      type: 'section',
      fields: [md(`*Status*\n${STATUS_LABELS[i.status]}`), md(`*Kind*\n${kindLabel(i.kind)}`)],
    },
    {
      type: 'context',
      elements: [
        md(
          ':lock: Its reporter asked for it to be restricted: the details go only to the SIRO and the people they add. Changes are not posted in this thread.',
        ),
      ],
    },
    {
      type: 'actions',
      block_id: cardBlockId(i.id, i.version, 'controls'),
      elements: [
        button(DUTY_ACTIONS.manageAccess, 'Manage access…'),
        ...(open
          ? [button(CARD_ACTIONS.postUpdate, 'Post update'), button(CARD_ACTIONS.addAction, 'Add action')]
          : []),
      ],
    },
  ];
  return { text: `${i.reference}: ${RESTRICTED_TITLE} (${STATUS_LABELS[i.status]})`, blocks };
}
