import type { ViewStateValue } from '@slack/bolt';
import { z } from 'zod';
import { LOSS_DETAIL_PREFIX, type ReportDraft } from '../../blocks/report-modal';
import { type ReportInput, reportInputSchema } from '../domain/report-input';

export type ViewStateValues = Record<string, Record<string, ViewStateValue>>;

/** Slack delivers typed text with `&`, `<`, `>` entity-encoded; we store what the person typed. */
export function unescapeSlackText(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

type Raw = string | number | Date | null;

/** The one value a form block holds, whatever element asked for it. */
function answerOf(v: ViewStateValue): Raw {
  switch (v.type) {
    case 'plain_text_input':
      return v.value ? unescapeSlackText(v.value) : null;
    case 'number_input':
      return v.value === null || v.value === undefined || v.value === '' ? null : Number(v.value);
    case 'datetimepicker':
      return typeof v.selected_date_time === 'number' ? new Date(v.selected_date_time * 1000) : null;
    case 'users_select':
      return v.selected_user ?? null;
    default:
      return v.selected_option?.value ?? v.value ?? null;
  }
}

function rawValues(values: ViewStateValues): Map<string, Raw> {
  const out = new Map<string, Raw>();
  for (const [blockId, actions] of Object.entries(values)) {
    const first = Object.values(actions)[0];
    if (first) out.set(blockId, answerOf(first));
  }
  return out;
}

export type ParsedReport = { ok: true; input: ReportInput } | { ok: false; errors: Record<string, string> };

/** Parses the submitted form; problems come back keyed by the block that shows them. */
export function parseReportForm(
  values: ViewStateValues,
  opts: { now: Date; departments: readonly string[] },
): ParsedReport {
  const raw = rawValues(values);
  const candidate: Record<string, unknown> = { lossDetails: {} };
  const lossDetails: Record<string, unknown> = {};
  for (const [key, value] of raw) {
    if (key.startsWith(LOSS_DETAIL_PREFIX)) {
      if (value !== null) lossDetails[key.slice(LOSS_DETAIL_PREFIX.length)] = value;
    } else {
      candidate[key] = value;
    }
  }
  candidate.lossDetails = lossDetails;
  const parsed = reportInputSchema(opts).safeParse(candidate);
  if (parsed.success) return { ok: true, input: parsed.data };
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const [first, second] = issue.path;
    const blockId =
      first === 'lossDetails' && second !== undefined
        ? `${LOSS_DETAIL_PREFIX}${String(second)}`
        : String(first);
    // Slack rejects errors for blocks the view lacks; a block shows one message, the first found.
    errors[raw.has(blockId) ? blockId : 'title'] ??= issue.message;
  }
  return { ok: false, errors };
}

/** What the person has typed so far, to redraw the form without losing any of it. */
export function draftFromState(values: ViewStateValues): ReportDraft {
  const draft: ReportDraft = { text: {}, times: {}, users: {} };
  for (const [key, value] of rawValues(values)) {
    if (value === null) continue;
    if (value instanceof Date) {
      if (key === 'occurredAt' || key === 'discoveredAt')
        draft.times[key] = Math.floor(value.getTime() / 1000);
    } else if (key === 'assetOwnerId') {
      draft.users.assetOwnerId = String(value);
    } else {
      draft.text[key] = String(value);
    }
  }
  return draft;
}

const metadataSchema = z.object({
  source: z.enum(['command', 'shortcut', 'message']).catch('command'),
  permalink: z.string().url().max(2000).nullish().catch(null),
});
export type ReportMetadata = z.output<typeof metadataSchema>;

/** private_metadata comes back from the client: a hint, parsed defensively. */
export function parseReportMetadata(text: string | undefined): ReportMetadata {
  try {
    return metadataSchema.parse(JSON.parse(text || '{}'));
  } catch {
    return { source: 'command', permalink: null };
  }
}
