/**
 * The one error class of the operator commands. Each instance is a condition
 * the user can act on, printed as one line (its message) with exit code 1;
 * anything else escaping a command is a bug and prints a stack.
 */

/** Why an operator command could not answer. */
export type OperatorErrorCode =
  /** Connection refused, host not found, reset, timeout. Retryable. */
  | 'UNREACHABLE'
  /** The daemon answered with a non-2xx status. */
  | 'HTTP_STATUS'
  /** The body was not the JSON we expect. */
  | 'BAD_RESPONSE'
  /** `--master` is not an address or a valid `zk://` URL. */
  | 'UNSUPPORTED_MASTER'
  /** ZooKeeper named no leading master in time. Retryable. */
  | 'NO_LEADER'
  /** No task matches the given id or name. */
  | 'TASK_NOT_FOUND'
  /** More than one task matches the given name (or id across frameworks). */
  | 'TASK_AMBIGUOUS'
  /** The task's agent or sandbox cannot be found. */
  | 'SANDBOX_NOT_FOUND';

/** A failure to report in one line; `code` is stable, never branch on `message`. */
export class OperatorError extends Error {
  /** The HTTP status, for HTTP_STATUS. */
  readonly status?: number;
  constructor(
    readonly code: OperatorErrorCode,
    message: string,
    options?: { cause?: unknown; status?: number },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.status = options?.status;
    this.name = 'OperatorError';
  }
}

/** True for OperatorError (also across module copies, by its name and code). */
export function isOperatorError(error: unknown): error is OperatorError {
  return error instanceof OperatorError || (error instanceof Error && error.name === 'OperatorError' && typeof (error as { code?: unknown }).code === 'string');
}
