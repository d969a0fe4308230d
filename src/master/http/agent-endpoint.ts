/**
 * POST /master/api/v1/agent: the agent channel (src/mesos/agent-protocol.ts).
 * REGISTER / REREGISTER open the agent's own stream; LINK opens a link for many
 * agents of one process; BATCH applies a link's calls in order; any other call
 * is one agent's call on its own stream.
 */
import { randomUUID } from 'node:crypto';
import type { Master } from '../master.js';
import { handleAgentCall, openAgentStream } from '../agent-channel.js';
import { AgentLink, LinkedChannel } from '../agent-link.js';
import { EventStream } from '../../transport/event-stream.js';
import { coalesceAnswers } from '../../transport/coalesced-answers.js';
import type { AgentCall, AgentTask, AgentTaskEntry, AgentTaskSet, BatchResult } from '../../mesos/agent-protocol.js';
import { answerText, parseApiCall, type ApiExchange } from './api-exchange.js';

/** Status and message of one call's answer (HTTP status, text/plain body). */
export type Answer = [status: number, message: string];

/**
 * Serves one agent call: its envelope and body checked as every API call's
 * (`parseApiCall`), then by type. Answers as Mesos's HTTP
 * APIs do: 400 text for malformed calls, 403 for calls on a stream that is not
 * the agent's current one, 202 for accepted calls, 200 streams for REGISTER,
 * REREGISTER and LINK, 200 JSON {@link BatchResult} for BATCH.
 */
export function agentEndpoint(master: Master, exchange: ApiExchange): void {
  const body = parseApiCall(exchange);
  if (!body) return;
  const call = body as unknown as AgentCall;
  const streamId = header(exchange, 'mesos-stream-id');
  switch (call.type) {
    case 'REGISTER':
    case 'REREGISTER': {
      const invalid = registrationError(call);
      if (invalid) return answerText(exchange, 400, invalid);
      openAgentStream(master, call, new EventStream(exchange.takeResponse(), randomUUID()));
      return;
    }
    case 'LINK': {
      const link = new AgentLink(new EventStream(exchange.takeResponse(), randomUUID()));
      master.agentLinks.set(link.id, link);
      master.logger.info(`Opened agent link ${link.id} from ${exchange.ip}`);
      link.stream.onClose(() => {
        master.agentLinks.delete(link.id);
        master.logger.info(`Agent link ${link.id} closed`);
      });
      return;
    }
    case 'BATCH': {
      coalesceAnswers(exchange.socket);
      const link = streamId === undefined ? undefined : master.agentLinks.get(streamId);
      if (!link) return answerText(exchange, 403, 'Link cannot be found');
      const calls = (call as { batch?: { calls?: unknown } }).batch?.calls;
      if (!Array.isArray(calls)) return answerText(exchange, 400, "Expecting 'batch.calls' to be present");
      applyBatch(master, link, calls).then(
        (result) => exchange.answer(200, 'application/json; charset=utf-8', JSON.stringify(result)),
        (error: Error) => {
          // What fastify answers for a handler that threw; the calls before the failure took effect.
          master.logger.error(`Failed to apply a BATCH of agent calls: ${error.message}`);
          answerText(exchange, 500, error.message);
        },
      );
      return;
    }
    case 'DISCONNECT':
      return answerText(exchange, 400, "Unexpected agent call 'DISCONNECT' outside a batch");
    default: {
      // A connection for calls (the streams are REGISTER's and LINK's): one write per turn.
      coalesceAnswers(exchange.socket);
      const [status, message] = agentCall(master, call, streamId, undefined);
      return answerText(exchange, status, message);
    }
  }
}

/**
 * Calls of a BATCH applied per event-loop turn. A batch of 500 reregistrations
 * with 10 tasks each is a quarter of a second of work; applied whole, a few
 * arriving together keep the master from its timers (pings, ZooKeeper) for
 * seconds.
 */
const BATCH_SLICE = 50;

/** Applies a BATCH's calls in order, yielding between slices; resolves with their answers. */
async function applyBatch(master: Master, link: AgentLink, calls: unknown[]): Promise<BatchResult> {
  const result: BatchResult = { statuses: new Array(calls.length), messages: new Array(calls.length) };
  for (let i = 0; i < calls.length; i++) {
    if (i > 0 && i % BATCH_SLICE === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    const [status, message] = linkedCall(master, link, calls[i]);
    result.statuses[i] = status;
    result.messages[i] = message;
  }
  return result;
}

/** One call of a BATCH. */
function linkedCall(master: Master, link: AgentLink, item: unknown): Answer {
  const { channel, call } = (typeof item === 'object' && item !== null ? item : {}) as { channel?: unknown; call?: unknown };
  if (typeof channel !== 'string' || channel === '' || typeof call !== 'object' || call === null) {
    return [400, "Expecting 'channel' and 'call' to be present"];
  }
  const agentCallBody = call as AgentCall;
  switch (agentCallBody.type) {
    case 'REGISTER':
    case 'REREGISTER': {
      const invalid = registrationError(agentCallBody);
      if (invalid) return [400, invalid];
      openAgentStream(master, agentCallBody, link.open(channel));
      return [202, ''];
    }
    case 'DISCONNECT': {
      // The agent's process dropped the channel: as a separate stream's connection ending.
      link.channel(channel)?.markClosed();
      return [202, ''];
    }
    case 'LINK':
    case 'BATCH':
      return [400, `Unexpected agent call '${agentCallBody.type}' in a batch`];
    default:
      return agentCall(master, agentCallBody, channel, link);
  }
}

/**
 * A call of a registered agent (anything but REGISTER, REREGISTER, LINK, BATCH,
 * DISCONNECT), on its own stream (`link` undefined; its `streamId` is the
 * call's `Mesos-Stream-Id`) or on a link's channel. Answers 400 for a call
 * without `type` or of an unknown agent, 403 when `streamId` is not the agent's
 * current stream (Mesos: a call on a stale stream), else the call's outcome
 * (202). Shared by the HTTP endpoint and the in-process channel of
 * `meseta local` (src/master/local-agent-channel.ts).
 */
export function agentCall(master: Master, call: AgentCall, streamId: string | undefined, link: AgentLink | undefined): Answer {
  if (typeof call.type !== 'string') return [400, "Expecting 'type' to be present"];
  const agentId = (call as { agent_id?: { value?: string } }).agent_id?.value;
  const agent = agentId ? master.agents.get(agentId) : undefined;
  if (!agent) return [400, 'Agent cannot be found'];
  const stream = agent.stream;
  const onLink = stream instanceof LinkedChannel;
  if (!stream || stream.streamId !== streamId || onLink !== (link !== undefined) || (onLink && stream.link !== link)) {
    return [403, 'Agent is not registered on this stream'];
  }
  const outcome = handleAgentCall(master, agent, call);
  return [outcome.status, outcome.body ?? ''];
}

/**
 * Mesos's 400 message for a REGISTER / REREGISTER missing its required part
 * (`register.agent_info.hostname`, `reregister.agent_info.id`), or undefined
 * when the call may open a stream. Shared with the in-process channel.
 */
export function registrationError(call: Extract<AgentCall, { type: 'REGISTER' | 'REREGISTER' }>): string | undefined {
  if (call.type === 'REGISTER') {
    return call.register?.agent_info?.hostname ? undefined : "Expecting 'register.agent_info' to be present";
  }
  const body = call.reregister;
  if (!body?.agent_info?.id?.value) return "Expecting 'reregister.agent_info.id' to be present";
  for (const part of ['frameworks', 'executors', 'tasks'] as const) {
    if (!Array.isArray(body[part])) return `Expecting 'reregister.${part}' to be a list`;
  }
  for (let i = 0; i < body.tasks.length; i++) {
    const problem = reportedTaskError(body.tasks[i]!, true);
    if (problem) return `Expecting 'reregister.tasks[${i}].${problem}' to be present`;
  }
  const sets = body.task_sets as AgentTaskSet[] | null | undefined;
  if (sets === undefined) return undefined;
  if (!Array.isArray(sets)) return "Expecting 'reregister.task_sets' to be a list";
  for (let i = 0; i < sets.length; i++) {
    const set = sets[i];
    const problem = sharedFieldError(set) ?? (Array.isArray(set?.tasks) ? undefined : 'tasks');
    if (problem) return `Expecting 'reregister.task_sets[${i}].${problem}' to be present`;
    for (let j = 0; j < set!.tasks.length; j++) {
      const taskProblem = reportedTaskError(set!.tasks[j]!, false);
      if (taskProblem) return `Expecting 'reregister.task_sets[${i}].tasks[${j}].${taskProblem}' to be present`;
    }
  }
  return undefined;
}

/**
 * The first required field of a reregistering agent's task that is missing
 * (Mesos `Task`'s required ones); a task of a set (`whole` false) has its
 * framework id and resources in the set.
 */
function reportedTaskError(task: AgentTaskEntry | AgentTask | null, whole: boolean): string | undefined {
  if (typeof task?.task_id?.value !== 'string') return 'task_id';
  if (whole && typeof (task as AgentTask).framework_id?.value !== 'string') return 'framework_id';
  if (typeof task.state !== 'string') return 'state';
  if (whole && !Array.isArray((task as AgentTask).resources)) return 'resources';
  return undefined;
}

/** The first of a task's framework id and resources that is missing, on a task or on a task set. */
function sharedFieldError(holder: Pick<AgentTask, 'framework_id' | 'resources'> | null | undefined): string | undefined {
  if (typeof holder?.framework_id?.value !== 'string') return 'framework_id';
  if (!Array.isArray(holder.resources)) return 'resources';
  return undefined;
}

function header(exchange: ApiExchange, name: string): string | undefined {
  const value = exchange.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
