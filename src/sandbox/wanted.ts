/**
 * Whether `npm start` opens the sandbox: only when nothing says a real Slack is meant (no Slack
 * setting, no `.env`), and never in production, where a missing setting must stop start-up.
 * Kept apart from the sandbox itself so deciding costs a normal start nothing.
 */
const SLACK_SETTINGS = ['SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'SLACK_SIGNING_SECRET'] as const;

export function sandboxWanted(env: Record<string, string | undefined>, dotEnvExists: boolean): boolean {
  if (dotEnvExists || env.NODE_ENV === 'production') return false;
  return SLACK_SETTINGS.every((key) => (env[key] ?? '').trim() === '');
}
