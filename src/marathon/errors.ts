/**
 * Domain errors of Marathon's REST operations, one class per condition, each
 * with the HTTP status Marathon answers and a `{"message": …}` body
 * (validation failures are `MarathonValidationError`, locks `AppLockedError`).
 */

/** Base: an operation refused with `status` and Marathon's message. Not retryable as is. */
export class MarathonHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'MarathonHttpError';
  }
}

/** 404: `App '/x' does not exist`, `Task 'id' does not exist`, `Group '/x' does not exist`, … */
export class NotFoundError extends MarathonHttpError {
  constructor(message: string) {
    super(404, message, 'NOT_FOUND');
  }
}

/** 409: the object exists already (`An app with id [/x] already exists.`). */
export class ConflictError extends MarathonHttpError {
  constructor(message: string) {
    super(409, message, 'CONFLICT');
  }
}

/** 400: bad request parameters (`scale` with `wipe`, malformed task ids). */
export class BadRequestError extends MarathonHttpError {
  constructor(message: string) {
    super(400, message, 'BAD_REQUEST');
  }
}

/** 422 with a plain message (bad label selector, unknown rollback version, dependency cycles). */
export class UnprocessableError extends MarathonHttpError {
  constructor(message: string) {
    super(422, message, 'UNPROCESSABLE');
  }
}
