/** Errors the Slack layer turns into a clear message for the person who acted. */
export class DomainError extends Error {}

export class NotFound extends DomainError {
  override name = 'NotFound';
}

export class Forbidden extends DomainError {
  override name = 'Forbidden';
}

export class InvalidTransition extends DomainError {
  override name = 'InvalidTransition';
}

/** The incident changed since the person looked at it; they must look again before acting. */
export class Stale extends DomainError {
  override name = 'Stale';
}
