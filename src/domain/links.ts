/** A link to a Slack message from the workspace URL (auth.test), without a Slack call per link. */
export function messageUrl(workspaceUrl: string, channelId: string, ts: string): string {
  return `${workspaceUrl.replace(/\/?$/, '/')}archives/${channelId}/p${ts.replace('.', '')}`;
}
