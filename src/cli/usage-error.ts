/** A command line the operator got wrong: answered with usage and exit code 2. */
export class UsageError extends Error {}
