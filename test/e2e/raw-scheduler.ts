/**
 * A bare scheduler for tests: speaks the v1 scheduler API with the transport
 * primitives only (no client library), records every event, and lets a test
 * wait for the one it expects.
 */
import { openStream, postJson, type OpenStream } from '../../src/transport/stream-client.js';
import type { FrameworkInfo, Offer, TaskInfo, TaskStatus } from '../../src/mesos/types.js';
import { waitFor } from './harness.js';

export interface SchedulerEvent {
  type: string;
  [key: string]: unknown;
}

export class RawScheduler {
  readonly events: SchedulerEvent[] = [];
  stream?: OpenStream;
  streamId = '';
  frameworkId = '';
  closed = false;
  /** Acknowledge updates as they arrive (turn off to test redelivery). */
  autoAcknowledge = true;

  constructor(readonly masterUrl: string) {}

  /** SUBSCRIBE and wait for SUBSCRIBED. */
  async subscribe(info: Partial<FrameworkInfo>): Promise<void> {
    this.closed = false;
    const frameworkInfo = { user: 'root', name: 'raw-test', ...info };
    const body: Record<string, unknown> = { type: 'SUBSCRIBE', subscribe: { framework_info: frameworkInfo } };
    if (info.id) body.framework_id = info.id;
    this.stream = await openStream(`${this.masterUrl}/api/v1/scheduler`, body, {
      onEvent: (event) => {
        const e = event as SchedulerEvent;
        this.events.push(e);
        // Acknowledge every reliable update at once, as a driver does: the agent
        // holds a task's next update until the previous one is acknowledged.
        const status = e.type === 'UPDATE' ? (e.update as { status: TaskStatus }).status : undefined;
        if (status?.uuid && this.autoAcknowledge) void this.acknowledge(status).catch(() => undefined);
      },
      onClose: () => (this.closed = true),
    });
    this.streamId = String(this.stream.headers['mesos-stream-id']);
    const subscribed = await this.next('SUBSCRIBED');
    this.frameworkId = (subscribed.subscribed as { framework_id: { value: string } }).framework_id.value;
  }

  /** Waits for the first event of `type` (after index `from`) matching `predicate`. */
  async next(type: string, predicate: (e: SchedulerEvent) => boolean = () => true, timeoutMs = 20_000): Promise<SchedulerEvent> {
    return waitFor(`event ${type}`, () => this.events.find((e) => e.type === type && predicate(e)), timeoutMs);
  }

  /** Waits for an OFFERS event and returns its offers. */
  async offers(timeoutMs = 20_000): Promise<Offer[]> {
    const seen = new Set<SchedulerEvent>();
    const event = await waitFor('offers', () => this.events.find((e) => e.type === 'OFFERS' && !seen.has(e)), timeoutMs);
    const index = this.events.indexOf(event);
    this.events.splice(index, 1);
    return (event.offers as { offers: Offer[] }).offers;
  }

  /** Waits for an UPDATE for `taskId` in `state`. */
  async update(taskId: string, state: string, timeoutMs = 30_000): Promise<TaskStatus> {
    const event = await this.next(
      'UPDATE',
      (e) => {
        const s = (e.update as { status: TaskStatus }).status;
        return s.task_id.value === taskId && s.state === state;
      },
      timeoutMs,
    );
    return (event.update as { status: TaskStatus }).status;
  }

  async acknowledge(status: TaskStatus): Promise<void> {
    await this.call({ type: 'ACKNOWLEDGE', acknowledge: { agent_id: status.agent_id, task_id: status.task_id, uuid: status.uuid } });
  }

  async launch(offer: Offer, tasks: TaskInfo[], refuseSeconds = 0): Promise<void> {
    await this.call({
      type: 'ACCEPT',
      accept: { offer_ids: [offer.id], operations: [{ type: 'LAUNCH', launch: { task_infos: tasks } }], filters: { refuse_seconds: refuseSeconds } },
    });
  }

  /** Any non-SUBSCRIBE call with this framework's id and stream id. */
  async call(body: Record<string, unknown>): Promise<number> {
    const result = await postJson(`${this.masterUrl}/api/v1/scheduler`, { framework_id: { value: this.frameworkId }, ...body }, {
      'Mesos-Stream-Id': this.streamId,
    });
    return result.status;
  }

  close(): void {
    this.stream?.close();
  }
}

/** A command task for `offer`'s agent. */
export function commandTask(offer: Offer, id: string, command: string, cpus = 0.1, mem = 32): TaskInfo {
  return {
    name: id,
    task_id: { value: id },
    agent_id: offer.agent_id,
    command: { value: command },
    resources: [
      { name: 'cpus', type: 'SCALAR', scalar: { value: cpus } },
      { name: 'mem', type: 'SCALAR', scalar: { value: mem } },
    ],
  };
}
