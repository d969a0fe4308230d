/**
 * Stand-ins for the Chronos scheduler's collaborators: a virtual clock whose
 * timers fire on `advance`, a recording Mesos driver, offers, and a
 * scheduler wired to an in-memory store.
 */
import type { AgentID, Filters, Offer, OfferID, TaskID, TaskInfo, TaskState } from '../../../src/mesos/types.js';
import { SqliteStore } from '../../../src/coordination/sqlite-store.js';
import { createLogger } from '../../../src/logging/logger.js';
import { JobRepository } from '../../../src/chronos/job-repository.js';
import { JobScheduler, type ChronosDriver, type Timers } from '../../../src/chronos/job-scheduler.js';

/** Virtual time: `advance(ms)` fires due timers in order. */
export class VirtualTime implements Timers {
  nowMs: number;
  private timers: Array<{ at: number; seq: number; fn: () => void }> = [];
  private seq = 0;

  constructor(startMs: number) {
    this.nowMs = startMs;
  }

  now = (): number => this.nowMs;

  setTimeout(fn: () => void, ms: number): unknown {
    const timer = { at: this.nowMs + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return timer;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t !== handle);
  }

  /** Moves time forward, firing timers in (time, creation) order. */
  advance(ms: number): void {
    const end = this.nowMs + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.nowMs = Math.max(this.nowMs, next.at);
      next.fn();
    }
    this.nowMs = end;
  }
}

/** Records every driver call. */
export class RecordingDriver implements ChronosDriver {
  launches: Array<{ offerIds: OfferID[]; tasks: TaskInfo[] }> = [];
  declines: OfferID[][] = [];
  kills: Array<{ taskId: string; agentId?: string }> = [];
  revives = 0;

  async launch(offerIds: OfferID[], tasks: TaskInfo[], _filters?: Filters): Promise<void> {
    this.launches.push({ offerIds, tasks });
  }
  async decline(offerIds: OfferID[]): Promise<void> {
    this.declines.push(offerIds);
  }
  async kill(taskId: TaskID, agentId?: AgentID): Promise<void> {
    this.kills.push({ taskId: taskId.value, agentId: agentId?.value });
  }
  async revive(): Promise<void> {
    this.revives++;
  }

  /** Task ids launched so far, in order. */
  launchedIds(): string[] {
    return this.launches.flatMap((l) => l.tasks.map((t) => t.task_id.value));
  }
}

let offerSeq = 0;
/** An offer of one agent with cpus/mem/disk and optional attributes. */
export function offer(opts: { agent?: string; hostname?: string; cpus?: number; mem?: number; disk?: number; attributes?: Offer['attributes'] } = {}): Offer {
  return {
    id: { value: `o${++offerSeq}` },
    framework_id: { value: 'fw' },
    agent_id: { value: opts.agent ?? 'S0' },
    hostname: opts.hostname ?? 'host0',
    resources: [
      { name: 'cpus', type: 'SCALAR', scalar: { value: opts.cpus ?? 4 } },
      { name: 'mem', type: 'SCALAR', scalar: { value: opts.mem ?? 4096 } },
      { name: 'disk', type: 'SCALAR', scalar: { value: opts.disk ?? 10000 } },
    ],
    ...(opts.attributes ? { attributes: opts.attributes } : {}),
  };
}

/** A scheduler on virtual time with an in-memory store and a recording driver. */
export interface Rig {
  time: VirtualTime;
  driver: RecordingDriver;
  repo: JobRepository;
  scheduler: JobScheduler;
  store: SqliteStore;
  /** Sends a status update for a task. */
  update(taskId: string, state: TaskState): void;
}

/** Builds a Rig; `failureRetryMs` defaults to 1000, `disableAfterFailures` to 0. */
export async function rig(opts: { startMs?: number; failureRetryMs?: number; disableAfterFailures?: number; store?: SqliteStore } = {}): Promise<Rig> {
  const time = new VirtualTime(opts.startMs ?? Date.parse('2024-01-10T12:00:00Z'));
  const driver = new RecordingDriver();
  const store = opts.store ?? new SqliteStore(':memory:');
  const repo = new JobRepository(store);
  await repo.load();
  const scheduler = new JobScheduler({
    repository: repo,
    driver: () => driver,
    clock: { now: time.now },
    logger: createLogger('chronos-test', { quiet: true }),
    failureRetryMs: opts.failureRetryMs ?? 1000,
    disableAfterFailures: opts.disableAfterFailures ?? 0,
    minReviveIntervalMs: 0,
    timers: time,
  });
  return {
    time,
    driver,
    repo,
    scheduler,
    store,
    update: (taskId, state) => scheduler.onUpdate({ task_id: { value: taskId }, state, agent_id: { value: 'S0' } }),
  };
}
