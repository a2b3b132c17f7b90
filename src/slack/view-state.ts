import type { ViewStateValue } from '@slack/bolt';
import type { z } from 'zod';

export type ViewStateValues = Record<string, Record<string, ViewStateValue>>;
export type Answer = string | number | Date | string[] | null;

/** Slack delivers typed text with `&`, `<`, `>` entity-encoded; we store what the person typed. */
export function unescapeSlackText(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** The one answer a form block holds, whatever element asked for it. */
function answerOf(v: ViewStateValue): Answer {
  switch (v.type) {
    case 'plain_text_input':
      return v.value ? unescapeSlackText(v.value) : null;
    case 'number_input':
      return v.value === null || v.value === undefined || v.value === '' ? null : Number(v.value);
    case 'datetimepicker':
      return typeof v.selected_date_time === 'number' ? new Date(v.selected_date_time * 1000) : null;
    case 'datepicker':
      return v.selected_date ?? null;
    case 'users_select':
      return v.selected_user ?? null;
    case 'multi_users_select':
      return v.selected_users ?? [];
    case 'file_input':
      // Slack's File objects: their ids, which the app hands back to Slack (files.info) to read.
      return ((v as { files?: { id?: unknown }[] }).files ?? []).flatMap((f) =>
        typeof f.id === 'string' ? [f.id] : [],
      );
    case 'checkboxes':
    case 'multi_static_select':
      return (v.selected_options ?? []).map((o) => o.value);
    default:
      return v.selected_option?.value ?? v.value ?? null;
  }
}

/** Block id → answer, for forms whose block ids name their questions. */
export function readViewState(values: ViewStateValues): Map<string, Answer> {
  const out = new Map<string, Answer>();
  for (const [blockId, actions] of Object.entries(values)) {
    const first = Object.values(actions)[0];
    if (first) out.set(blockId, answerOf(first));
  }
  return out;
}

export type FormResult<T> = { ok: true; value: T } | { ok: false; errors: Record<string, string> };

/**
 * Parses answers with the form's schema; each problem is keyed by the block that shows it (Slack
 * rejects errors for blocks the view lacks, so those go to `fallbackBlock`).
 */
export function parseForm<S extends z.ZodType>(
  schema: S,
  candidate: Record<string, unknown>,
  present: ReadonlySet<string>,
  fallbackBlock: string,
  blockOf: (path: PropertyKey[]) => string = (path) => String(path[0]),
): FormResult<z.output<S>> {
  const parsed = schema.safeParse(candidate);
  if (parsed.success) return { ok: true, value: parsed.data };
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const blockId = blockOf(issue.path);
    errors[present.has(blockId) ? blockId : fallbackBlock] ??= issue.message;
  }
  return { ok: false, errors };
}
