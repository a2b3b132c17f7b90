import type { WebClient } from '@slack/web-api';

/** A link made safe to read and impossible to click: `hxxps://example[.]com/login`. */
export function defang(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*):(\/\/)?([^/?#]*)(.*)$/i.exec(url.trim());
  if (!m) return url.replace(/\./g, '[.]');
  const [, scheme = '', slashes = '', host = '', rest = ''] = m;
  const safeScheme = scheme.replace(/^http/i, (h) => (h === 'HTTP' ? 'HXXP' : 'hxxp'));
  return `${safeScheme}:${slashes}${host.replace(/\./g, '[.]')}${rest}`;
}

/** The people a Slack message mentions (`<@U…>`), so their names can be looked up. */
export function mentionedIds(text: string): string[] {
  return [
    ...new Set([...text.matchAll(/<@([UW][A-Z0-9]{2,20})(?:\|[^>]*)?>/g)].map((m) => m[1] ?? '')),
  ].filter(Boolean);
}

/**
 * A Slack message's markup as a person reads it: mentions as names, channels as #names, links
 * as defanged URLs (a reported message is often phishing: its links must not be clicked by
 * whoever reads the report, on the form, the card or the export).
 */
export function readableMessage(text: string, names: ReadonlyMap<string, string>): string {
  return text.replace(/<([^<>]+)>/g, (_, inner: string) => {
    const [target = '', label] = inner.split('|', 2);
    if (target.startsWith('@')) return `@${names.get(target.slice(1)) ?? label ?? 'someone'}`;
    if (target.startsWith('#')) return `#${label ?? 'a channel'}`;
    if (target.startsWith('!')) return `@${(label ?? target.slice(1)).replace(/^subteam\^\w+$/, 'a group')}`;
    if (target.startsWith('mailto:')) return defang(target.slice('mailto:'.length));
    const url = defang(target);
    const shown = label && label !== target && !target.endsWith(label) ? `${label} (${url})` : url;
    return shown;
  });
}

/** Names of these people as Slack shows them; someone Slack cannot tell us about is left out. */
export async function displayNames(client: WebClient, ids: string[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  await Promise.all(
    ids.slice(0, 6).map(async (id) => {
      try {
        const res = await client.users.info({ user: id });
        const p = res.user?.profile;
        const name = p?.display_name || p?.real_name || res.user?.real_name || res.user?.name;
        if (name) names.set(id, name);
      } catch {
        // Unknown or unreachable: the text says "someone", the report goes ahead.
      }
    }),
  );
  return names;
}
