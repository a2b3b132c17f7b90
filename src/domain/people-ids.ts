/**
 * A Slack member id as Slack gives it (U… or W… and at least two more characters): the only kind
 * of id Vigil stores for a person or turns into a mention.
 */
export const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

export const isSlackUserId = (id: unknown): id is string => typeof id === 'string' && SLACK_USER_ID.test(id);
