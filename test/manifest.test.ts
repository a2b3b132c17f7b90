import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { globalShortcut, messageShortcut, slashCommand } from '../src/local-slack/payloads';
import { createWorld, PEOPLE, type World } from './helpers/world';

interface Manifest {
  features: {
    slash_commands?: { command: string }[];
    shortcuts?: { name: string; description: string; callback_id: string; type: 'global' | 'message' }[];
  };
  oauth_config: { scopes: { bot: string[] } };
}

const manifest = parse(readFileSync(new URL('../manifest.yml', import.meta.url), 'utf8')) as Manifest;

let world: World;
afterEach(async () => {
  await world?.stop();
});

const validate = () => {
  const schema = JSON.parse(
    readFileSync(new URL('../../shared/data/slack-manifest.schema.json', import.meta.url), 'utf8'),
  );
  return new Ajv({ allErrors: true, strict: false, validateFormats: false }).compile(schema);
};

describe('manifest.yml', () => {
  it('is a valid Slack app manifest', () => {
    const valid = validate();
    expect(valid(manifest), JSON.stringify(valid.errors, null, 2)).toBe(true);
  });

  it('stays valid with the README’s changes for HTTP mode', () => {
    const url = 'https://vigil.example.org/slack/events';
    const http = structuredClone(manifest) as Manifest & {
      features: { slash_commands: Record<string, unknown>[] };
      settings: Record<string, Record<string, unknown> | boolean>;
    };
    http.settings.socket_mode_enabled = false;
    http.settings.interactivity = { ...(http.settings.interactivity as object), request_url: url };
    http.settings.event_subscriptions = {
      ...(http.settings.event_subscriptions as object),
      request_url: url,
    };
    for (const command of http.features.slash_commands) command.url = url;
    expect(http.features.slash_commands.map((c) => c.command)).toEqual(['/report-incident', '/incident']);
    const valid = validate();
    expect(valid(http), JSON.stringify(valid.errors, null, 2)).toBe(true);
  });

  it('offers "Report a security incident" as the global shortcut, in the 24 characters a name may have', () => {
    const global = manifest.features.shortcuts?.find((s) => s.type === 'global');
    // The issue's wording, "Report a security incident", is 26 characters: the schema refuses it.
    expect(global?.name).toBe('Report security incident');
    expect(global?.description).toMatch(/^Report a security incident/);
    expect(manifest.features.shortcuts?.find((s) => s.type === 'message')?.name).toBe('Report this message');
  });

  it('asks for the scopes the app uses and no more', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(
      [
        'channels:read',
        'chat:write',
        'commands',
        'files:write',
        // ISO 27001 A.5.28: evidence files are read (files.info, the download) to hash them.
        'files:read',
        'groups:read',
        'im:write',
        'users:read',
        // Seed 003 §5.5: an action allocated to a team (a user group) is asked of its members.
        'usergroups:read',
      ].sort(),
    );
  });

  it('has a listener for every command and shortcut it declares', async () => {
    world = await createWorld();
    for (const { command } of manifest.features.slash_commands ?? []) {
      const started = Date.now();
      const res = await world.slack.command(
        slashCommand({
          command,
          userId: PEOPLE.staff,
          triggerId: world.fake.issueTrigger(),
          responseUrl: world.fake.responseUrl(),
        }),
      );
      // An unhandled request is only answered (404) after Bolt's 3-second timeout.
      expect(res.status, command).toBe(200);
      expect(Date.now() - started, command).toBeLessThan(2000);
    }
    for (const shortcut of manifest.features.shortcuts ?? []) {
      const payload =
        shortcut.type === 'global'
          ? globalShortcut({
              userId: PEOPLE.staff,
              callbackId: shortcut.callback_id,
              triggerId: world.fake.issueTrigger(),
            })
          : messageShortcut({
              userId: PEOPLE.staff,
              callbackId: shortcut.callback_id,
              triggerId: world.fake.issueTrigger(),
              channelId: 'CGENERAL',
              messageTs: '1760000000.000100',
              messageText: 'hello',
              responseUrl: world.fake.responseUrl(),
            });
      const res = await world.slack.interaction(payload);
      expect(res.status, shortcut.callback_id).toBe(200);
    }
  });
});
