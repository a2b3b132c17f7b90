/**
 * The commands and shortcuts Vigil's manifest.yml declares, as the sandbox's Slack offers them
 * (a test keeps this list and the manifest the same).
 */
export const COMMANDS = [
  { command: '/report-incident', hint: '[short title]' },
  {
    command: '/incident',
    hint: 'INC-2026-0007 | stats [period] | export [csv|json] | evidence INC-… | help',
  },
] as const;

export const GLOBAL_SHORTCUTS = [
  { callbackId: 'report_incident_shortcut', name: 'Report security incident' },
];
export const MESSAGE_SHORTCUTS = [{ callbackId: 'report_message', name: 'Report this message' }];
