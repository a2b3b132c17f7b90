import { z } from 'zod';
import { LOSS_DETAIL_PREFIX, type ReportDraft } from '../../blocks/report-modal';
import { reportInputSchema } from '../domain/report-input';
import { parseForm, readViewState, type ViewStateValues } from './view-state';

/** Parses the submitted form; problems come back keyed by the block that shows them. */
export function parseReportForm(
  values: ViewStateValues,
  opts: { now: Date; departments: readonly string[] },
) {
  const raw = readViewState(values);
  const candidate: Record<string, unknown> = {};
  const lossDetails: Record<string, unknown> = {};
  for (const [key, value] of raw) {
    if (!key.startsWith(LOSS_DETAIL_PREFIX)) candidate[key] = value;
    else if (value !== null) lossDetails[key.slice(LOSS_DETAIL_PREFIX.length)] = value;
  }
  candidate.lossDetails = lossDetails;
  return parseForm(reportInputSchema(opts), candidate, new Set(raw.keys()), 'title', ([first, second]) =>
    first === 'lossDetails' && second !== undefined
      ? `${LOSS_DETAIL_PREFIX}${String(second)}`
      : String(first),
  );
}

/** What the person has typed so far, to redraw the form without losing any of it. */
export function draftFromState(values: ViewStateValues): ReportDraft {
  const draft: ReportDraft = { text: {}, times: {}, users: {} };
  for (const [key, value] of readViewState(values)) {
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
