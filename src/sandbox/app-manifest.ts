/**
 * The commands and shortcuts the sandbox's Slack offers: read from Vigil's own manifest.yml, as
 * Slack reads it when the app is installed, so a new command or shortcut appears here by itself.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import type { AppFeatures } from './protocol';

const manifest = z.object({
  features: z.object({
    slash_commands: z.array(z.object({ command: z.string(), usage_hint: z.string().optional() })).default([]),
    shortcuts: z
      .array(z.object({ name: z.string(), type: z.enum(['global', 'message']), callback_id: z.string() }))
      .default([]),
  }),
});

/** manifest.yml at the package's root, from src/sandbox/ (run from source) or dist/ (built). */
function manifestPath(): string {
  for (const up of ['../../manifest.yml', '../manifest.yml']) {
    const url = new URL(up, import.meta.url);
    if (existsSync(url)) return url.pathname;
  }
  throw new Error('manifest.yml not found beside the sandbox');
}

export function readAppFeatures(path = manifestPath()): AppFeatures {
  const { features } = manifest.parse(parse(readFileSync(path, 'utf8')));
  const shortcuts = (type: 'global' | 'message') =>
    features.shortcuts
      .filter((s) => s.type === type)
      .map((s) => ({ callbackId: s.callback_id, name: s.name }));
  return {
    commands: features.slash_commands.map((c) => ({ command: c.command, hint: c.usage_hint ?? '' })),
    globalShortcuts: shortcuts('global'),
    messageShortcuts: shortcuts('message'),
  };
}
