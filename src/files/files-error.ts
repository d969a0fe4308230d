/**
 * The one error the files service returns, as Mesos's `FilesError`: a type
 * that maps to an HTTP status, and a plain-text message (Mesos bodies end in
 * a newline; 404 and 403 bodies are usually empty).
 */

/** Mesos `FilesError::Type`. */
export type FilesErrorType = 'INVALID' | 'NOT_FOUND' | 'UNAUTHORIZED' | 'UNKNOWN';

const STATUS: Record<FilesErrorType, number> = { INVALID: 400, NOT_FOUND: 404, UNAUTHORIZED: 403, UNKNOWN: 500 };

/** A refused or failed files request; `status` is the HTTP code to answer with. */
export class FilesError extends Error {
  readonly code = 'FILES_ERROR';
  constructor(
    readonly type: FilesErrorType,
    message = '',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** HTTP status: INVALID 400, NOT_FOUND 404, UNAUTHORIZED 403, UNKNOWN 500. */
  get status(): number {
    return STATUS[this.type];
  }
}
