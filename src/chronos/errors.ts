/**
 * Errors the Chronos REST API answers with. Chronos maps
 * `IllegalArgumentException` (failed `require`, unknown job) to 400 and any
 * other exception to 500, with an ApiResult body
 * `{"message": <text>, "status": "Bad Request" | "Internal Server Error"}`.
 * Upstream the text is the Java stack trace; we send its first line.
 */

/** A request Chronos would refuse; `status` 400 or 500, `message` as ApiResult.message. */
export class ChronosApiError extends Error {
  readonly code = 'CHRONOS_API_ERROR';
  constructor(
    readonly status: 400 | 500,
    message: string,
  ) {
    super(message);
    this.name = 'ChronosApiError';
  }

  /** The ApiResult body. */
  body(): { message: string; status: string } {
    return { message: this.message, status: this.status === 400 ? 'Bad Request' : 'Internal Server Error' };
  }
}

/** A failed Scala `require(cond, text)`: 400 with the stack trace's first line. */
export function requirementFailed(text: string): ChronosApiError {
  return new ChronosApiError(400, `java.lang.IllegalArgumentException: requirement failed: ${text}`);
}

/** A plain 400 whose message Chronos builds itself (no exception). */
export function badRequest(text: string): ChronosApiError {
  return new ChronosApiError(400, text);
}

/** A generic exception: 500. */
export function serverError(text: string): ChronosApiError {
  return new ChronosApiError(500, `java.lang.Exception: ${text}`);
}

/** `Job '<name>' not found` (GET/PUT job, stats). */
export function jobNotFound(name: string): ChronosApiError {
  return requirementFailed(`Job '${name}' not found`);
}
