/**
 * Errors of the ZooKeeper layer, one class per condition with a stable `code`
 * (branch on `code`, never on the message).
 */

/**
 * What went wrong talking to ZooKeeper. The ZooKeeper names (`NO_NODE`,
 * `NODE_EXISTS`, `BAD_VERSION`, `NOT_EMPTY`, `NO_AUTH`, `CONNECTION_LOSS`,
 * `SESSION_EXPIRED`, `AUTH_FAILED`) keep their meaning; ours are
 * `OPERATION_TIMEOUT` (no answer within the bound: the request may or may not
 * have been applied), `CONNECT_TIMEOUT` (no session established in time) and
 * `CLOSED` (the session was closed or expired locally before the call).
 */
export type ZooKeeperErrorCode =
  | 'NO_NODE'
  | 'NODE_EXISTS'
  | 'BAD_VERSION'
  | 'NOT_EMPTY'
  | 'NO_AUTH'
  | 'NO_CHILDREN_FOR_EPHEMERALS'
  | 'CONNECTION_LOSS'
  | 'SESSION_EXPIRED'
  | 'AUTH_FAILED'
  | 'OPERATION_TIMEOUT'
  | 'CONNECT_TIMEOUT'
  | 'CLOSED'
  | 'OTHER';

const RETRYABLE: ReadonlySet<ZooKeeperErrorCode> = new Set(['CONNECTION_LOSS', 'OPERATION_TIMEOUT', 'CONNECT_TIMEOUT']);

/** A failed ZooKeeper call. `retryable` is true when the same call may succeed later on the same or a new session. */
export class ZooKeeperError extends Error {
  readonly retryable: boolean;
  constructor(
    readonly code: ZooKeeperErrorCode,
    message: string,
    /** The znode the call was about, when there was one. */
    readonly path?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ZooKeeperError';
    this.retryable = RETRYABLE.has(code);
  }
}

/**
 * A Store value whose JSON is larger than one znode may hold. ZooKeeper refuses
 * requests over `jute.maxbuffer` (1 MiB by default), so a value is limited to
 * `limit` bytes of UTF-8 JSON. Not retryable: shard the value over several keys.
 */
export class StoreValueTooLargeError extends Error {
  readonly code = 'STORE_VALUE_TOO_LARGE';
  constructor(
    readonly key: string,
    /** Size of the value's UTF-8 JSON, bytes. */
    readonly bytes: number,
    /** Largest accepted size, bytes. */
    readonly limit: number,
  ) {
    super(`Value for '${key}' is ${bytes} bytes of JSON; a ZooKeeper store holds at most ${limit} bytes per key (shard it over several keys)`);
    this.name = 'StoreValueTooLargeError';
  }
}

/** A Store key that cannot name a znode (empty, leading/trailing `/`, empty, `.` or `..` segments, control characters). Not retryable. */
export class StoreKeyError extends Error {
  readonly code = 'STORE_KEY_INVALID';
  constructor(
    readonly key: string,
    why: string,
  ) {
    super(`Invalid store key '${key}': ${why}`);
    this.name = 'StoreKeyError';
  }
}
