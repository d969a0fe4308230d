/**
 * Errors of the scheduler client library, one class per condition, each with a
 * stable `code` and whether retrying the same thing later can succeed.
 */

/** A call was made while no subscription is live (before SUBSCRIBED, or while reconnecting). Retryable. */
export class SchedulerNotSubscribedError extends Error {
  readonly code = 'SCHEDULER_NOT_SUBSCRIBED';
  readonly retryable = true;
  constructor(readonly callType: string) {
    super(`Cannot send ${callType}: not subscribed to a master`);
    this.name = 'SchedulerNotSubscribedError';
  }
}

/**
 * The master refused the subscription for good: an ERROR event (e.g. "Framework
 * has been removed", "Framework failed over") or a 4xx answer to SUBSCRIBE.
 * Not retryable: Mesos's own library aborts the driver here.
 */
export class SubscriptionRejectedError extends Error {
  readonly code = 'SCHEDULER_SUBSCRIPTION_REJECTED';
  readonly retryable = false;
  constructor(
    message: string,
    /** HTTP status when the rejection was an HTTP answer; undefined for an ERROR event. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SubscriptionRejectedError';
  }
}

/** The client was closed (stop/teardown) before the operation completed. Not retryable. */
export class SchedulerClosedError extends Error {
  readonly code = 'SCHEDULER_CLOSED';
  readonly retryable = false;
  constructor() {
    super('Scheduler client closed');
    this.name = 'SchedulerClosedError';
  }
}
