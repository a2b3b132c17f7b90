import type { KnownBlock, SectionBlock } from '@slack/types';
import { md } from './text';

/**
 * Slack refuses a message whose blocks carry more than about 12,000 characters of text in all
 * (`msg_blocks_too_long`, undocumented; seen from 12k to 13.3k), and refuses it for good. The card
 * keeps a margin below the lowest figure seen.
 */
export const CARD_TEXT_BUDGET = 11_000;

/** One block of a card; a `tier` marks a section whose text may be shortened, lowest tier first. */
export interface CardPart {
  block: KnownBlock;
  tier?: number;
  /** Characters the section keeps however tight the budget (default 200). */
  floor?: number;
}

const DEFAULT_FLOOR = 200;

/** Every character of text in text objects, the way Slack counts towards its limit. */
export function textLength(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((sum: number, v) => sum + textLength(v), 0);
  if (!value || typeof value !== 'object') return 0;
  const o = value as Record<string, unknown>;
  let sum = 0;
  if ((o.type === 'plain_text' || o.type === 'mrkdwn') && typeof o.text === 'string') sum += o.text.length;
  for (const [k, v] of Object.entries(o)) if (k !== 'text' || typeof v === 'object') sum += textLength(v);
  return sum;
}

function mrkdwnOf(block: KnownBlock): string | null {
  return block.type === 'section' && block.text?.type === 'mrkdwn' ? block.text.text : null;
}

/**
 * Shortens the card's sections until all its text fits `budget`. The least important tier gives
 * way first, and within a tier the longest sections are cut to a common length before shorter
 * ones lose anything; each cut ends with the visible truncation mark.
 */
export function fitToBudget(parts: CardPart[], budget = CARD_TEXT_BUDGET): KnownBlock[] {
  const blocks = parts.map((p) => p.block);
  let excess = textLength(blocks) - budget;
  const tiers = [...new Set(parts.flatMap((p) => (p.tier === undefined ? [] : [p.tier])))].sort(
    (a, b) => a - b,
  );
  for (const tier of tiers) {
    if (excess <= 0) break;
    const items = parts.flatMap((p, index) => {
      const text = p.tier === tier ? mrkdwnOf(p.block) : null;
      return text === null ? [] : [{ index, text, floor: Math.min(text.length, p.floor ?? DEFAULT_FLOOR) }];
    });
    if (items.length === 0) continue;
    const saved = (cap: number) =>
      items.reduce((sum, it) => sum + Math.max(0, it.text.length - Math.max(cap, it.floor)), 0);
    // The largest common length that still saves enough (or every section at its floor).
    let lo = 0;
    let hi = Math.max(...items.map((it) => it.text.length));
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (saved(mid) >= excess) lo = mid;
      else hi = mid - 1;
    }
    for (const it of items) {
      const limit = Math.max(lo, it.floor);
      const block = blocks[it.index];
      if (it.text.length > limit && block?.type === 'section')
        blocks[it.index] = { ...block, text: md(it.text, limit) } satisfies SectionBlock;
    }
    excess = textLength(blocks) - budget;
  }
  return blocks;
}

/**
 * What may come before the card's primary action, so it shows above the fold on a phone: the
 * header and the one status section (state · severity · IRM · next deadline, and what needs
 * someone now). Checked for every state the lifecycle draws (test/slack/card-layout.test.ts).
 */
export const ABOVE_PRIMARY = { blocks: 2, characters: 650 } as const;

/** The blocks and the characters of text above the first block holding a button. */
export function abovePrimary(blocks: KnownBlock[]): { blocks: number; characters: number } | null {
  const at = blocks.findIndex((b) => b.type === 'actions' && b.elements.some((e) => e.type === 'button'));
  return at < 0 ? null : { blocks: at, characters: textLength(blocks.slice(0, at)) };
}
