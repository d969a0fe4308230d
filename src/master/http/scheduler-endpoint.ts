/**
 * POST /master/api/v1/scheduler (and `/api/v1/scheduler`): the v1 scheduler
 * API's envelope — Mesos's checks and messages for the call's type, required
 * body, framework and stream — then SUBSCRIBE opens the event stream and every
 * other call goes to scheduler-calls.ts.
 */
import type { Master } from '../master.js';
import { handleCall, subscribe, type SchedulerCall } from '../scheduler-calls.js';
import { coalesceAnswers } from '../../transport/coalesced-answers.js';
import { answerText, parseApiCall, type ApiExchange } from './api-exchange.js';

/** Calls whose nested body is required (Mesos: "Expecting 'accept' to be present"). */
const REQUIRED_BODY: Record<string, string> = {
  SUBSCRIBE: 'subscribe',
  ACCEPT: 'accept',
  DECLINE: 'decline',
  KILL: 'kill',
  SHUTDOWN: 'shutdown',
  ACKNOWLEDGE: 'acknowledge',
  MESSAGE: 'message',
  UPDATE_FRAMEWORK: 'update_framework',
};

const KNOWN_CALLS = new Set([
  'SUBSCRIBE', 'TEARDOWN', 'ACCEPT', 'DECLINE', 'REVIVE', 'KILL', 'SHUTDOWN', 'ACKNOWLEDGE', 'RECONCILE',
  'MESSAGE', 'REQUEST', 'SUPPRESS', 'ACCEPT_INVERSE_OFFERS', 'DECLINE_INVERSE_OFFERS',
  'ACKNOWLEDGE_OPERATION_STATUS', 'RECONCILE_OPERATIONS', 'UPDATE_FRAMEWORK',
]);

/**
 * Serves one scheduler call. Answers as Mesos does: 400 text for a malformed
 * call, an unknown framework or a stream id that is not the framework's; 403
 * for a framework that is not subscribed; 501 for `UNKNOWN`; a 200 event
 * stream for SUBSCRIBE; else the call's outcome (202 mostly).
 */
export function schedulerEndpoint(master: Master, exchange: ApiExchange): void {
  const body = parseApiCall(exchange);
  if (!body) return;
  const type = body.type;
  if (typeof type !== 'string') return invalid(exchange, "Expecting 'type' to be present");
  if (type === 'UNKNOWN') return answerText(exchange, 501, 'Received an unknown call');
  if (!KNOWN_CALLS.has(type)) return invalid(exchange, `Unknown call type '${type}'`);
  const nested = REQUIRED_BODY[type];
  if (nested && (typeof body[nested] !== 'object' || body[nested] === null)) {
    return invalid(exchange, `Expecting '${nested}' to be present`);
  }
  const call = body as unknown as SchedulerCall;
  const streamId = exchange.headers['mesos-stream-id'];
  if (type === 'SUBSCRIBE') {
    if (streamId) return answerText(exchange, 400, "Subscribe calls should not include the 'Mesos-Stream-Id' header");
    const info = call.subscribe?.framework_info;
    if (!info || typeof info !== 'object') return invalid(exchange, "Expecting 'framework_info' to be present");
    if (call.framework_id && call.framework_id.value !== info.id?.value) {
      return invalid(exchange, "'framework_id' differs from 'subscribe.framework_info.id'");
    }
    subscribe(master, call, exchange.takeResponse());
    return;
  }
  const frameworkId = call.framework_id?.value;
  if (typeof frameworkId !== 'string') return invalid(exchange, "Expecting 'framework_id' to be present");
  if (!streamId) return answerText(exchange, 400, "All non-subscribe calls should include the 'Mesos-Stream-Id' header");
  const framework = master.frameworks.get(frameworkId);
  if (!framework) return answerText(exchange, 400, 'Framework cannot be found');
  if (!framework.connected || !framework.stream) return answerText(exchange, 403, 'Framework is not subscribed');
  if (framework.stream.streamId !== streamId) {
    return answerText(
      exchange,
      400,
      `The stream ID '${String(streamId)}' included in this request didn't match the stream ID currently associated with framework ID ${frameworkId}`,
    );
  }
  // This connection carries calls, not the event stream: its answers go out one write per turn.
  coalesceAnswers(exchange.socket);
  const outcome = handleCall(master, framework, call);
  answerText(exchange, outcome.status, outcome.body ?? '');
}

/** Mesos's 400 for a call that fails validation. */
function invalid(exchange: ApiExchange, message: string): void {
  answerText(exchange, 400, `Failed to validate scheduler::Call: ${message}`);
}
