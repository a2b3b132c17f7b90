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

const CONVERSATION = /^[CDG][A-Z0-9]{2,}$/;

/**
 * A link to a message in this workspace, as the message shortcut builds it: https, the workspace's
 * own URL (auth.test), /archives/<conversation>/p<ts>, and for a thread reply ?thread_ts=…&cid=…
 * naming the same conversation. Anything else that comes back in private_metadata is dropped
 * before it can be shown on the card as a link.
 */
function workspaceMessageLink(value: string | null | undefined, workspaceUrl: string): string | null {
  if (!value) return null;
  let url: URL;
  let base: URL;
  try {
    url = new URL(value);
    base = new URL(workspaceUrl);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' || base.protocol !== 'https:' || url.origin !== base.origin) return null;
  if (url.username || url.password || url.hash) return null;
  const prefix = base.pathname.replace(/\/?$/, '/');
  const path = url.pathname.startsWith(prefix)
    ? /^archives\/([A-Z0-9]+)\/p\d{10,20}$/.exec(url.pathname.slice(prefix.length))
    : null;
  const conversation = path?.[1];
  if (!conversation || !CONVERSATION.test(conversation)) return null;
  if (url.search !== '') {
    const thread = url.searchParams.get('thread_ts') ?? '';
    if (!/^\d{10}\.\d{6}$/.test(thread) || url.search !== `?thread_ts=${thread}&cid=${conversation}`)
      return null;
  }
  return url.href === value ? value : null;
}

/** private_metadata comes back from the client: a hint, parsed defensively. */
export function parseReportMetadata(text: string | undefined, workspaceUrl: string): ReportMetadata {
  try {
    const meta = metadataSchema.parse(JSON.parse(text || '{}'));
    return { ...meta, permalink: workspaceMessageLink(meta.permalink, workspaceUrl) };
  } catch {
    return { source: 'command', permalink: null };
  }
}
