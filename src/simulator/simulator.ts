/**
 * A fleet of simulated agents in one process (`meseta simulate-agents`, and the
 * benches through `startSimulatedAgents`):
 *
 *   one tick timer ──► registration pacer ──► agent.connect() ──► REGISTER on the fleet's link
 *        │                                                         (fleet-link.ts; or one stream per agent)
 *        ├──► shared TimerWheel ──► task steps, update retries, reconnects
 *        └──► ping sweep (once a second) ──► agents silent too long reconnect
 *   STATUS_UPDATE / PONG ──► BATCH calls on the link, or single calls, through the fleet's call pool (call-pool.ts)
 *
 * Registration is paced (`registrationRate` per second, at most
 * `maxConnecting` streams being opened at once) so that thousands of agents
 * neither stampede the master nor exhaust its accept queue.
 *
 * With `master: 'zk://…'` the fleet follows the leading master through
 * ZooKeeper (one detector for the whole fleet): nobody connects before a
 * leader is known, and each newly elected leader makes every agent drop its
 * stream or attempt and reregister after a random delay in [0, backoff factor],
 * as a Mesos agent does when its detector reports a new master.
 *
 * By default the whole fleet shares one link (LINK and BATCH of the agent
 * protocol), as Mesos's emulated agents share their process's libprocess
 * socket; `link: false` gives each agent its own stream and calls, as real
 * agents have, at the cost of a socket per agent on both sides.
 */
import { type Attribute, type Resource } from '../mesos/types.js';
import { parseResourcesFlag } from '../mesos/resources.js';
import { parseAttributes } from '../mesos/attributes.js';
import { systemClock, type Clock } from '../mesos/clock.js';
import { AGENT_API_PATH, type AgentCall } from '../mesos/agent-protocol.js';
import { openStream } from '../transport/stream-client.js';
import { CallPool } from './call-pool.js';
import { FleetLink } from './fleet-link.js';
import { LinkRetry } from './link-retry.js';
import { createMasterDetector, type MasterAddress, type MasterDetector } from '../scheduler/master-detector.js';
import { TimerWheel } from './timer-wheel.js';
import { DEFAULT_TIMING, type LifecycleTiming } from './task-lifecycle.js';
import { MESOS_RETRY_POLICY, type RetryPolicy } from './update-backlog.js';
import { SimulatedAgent, zeroCounters, type FleetContext, type SimulatorCounters, type SimulatorLogger, type Timed } from './simulated-agent.js';
import { agentAttributes } from './attribute-template.js';

/** Resources of each simulated agent when none are given. */
export const DEFAULT_SIM_RESOURCES = 'cpus:4;mem:8192;disk:40960;ports:[31000-32000]';

/** Options of {@link startSimulatedAgents}; durations in ms. */
export interface SimulatorOptions {
  /** Master as `host:port`, `http://host:port`, or `zk://host:port,…/path` to follow the leader. */
  master: string;
  /** Number of agents. */
  count: number;
  /** Resources of every agent: Mesos `--resources` text or a list. Default {@link DEFAULT_SIM_RESOURCES}. */
  resources?: string | Resource[];
  /**
   * Attributes (`rack:r{i%10};zone:z{i%3}`): `{i}` is the agent's number
   * (after `idOffset`), `{i%N}` that number modulo N. Default none.
   */
  attributes?: string;
  /** Run time of tasks without a `duration`/`sim_duration` label. Default 10 s. */
  taskDurationMs?: number;
  /** Hostnames are `<prefix>-<n>`. Default `sim`. */
  hostnamePrefix?: string;
  /** First agent number (so several processes get distinct hostnames). Default 0. */
  idOffset?: number;
  /** Registrations started per second. Default 1000. */
  registrationRate?: number;
  /** Streams being opened at once, at most (not used on a link). Default 256. */
  maxConnecting?: number;
  /** STATUS_UPDATE / PONG calls on the wire at once (keep-alive sockets of the fleet's own pool). Default 256. */
  maxCallsInFlight?: number;
  /** Status update retry bounds. Default Mesos's 10 s → 10 min. */
  statusUpdateRetry?: RetryPolicy;
  /** Delays of TASK_STARTING and TASK_RUNNING. Default both 0. */
  timing?: LifecycleTiming;
  /** Initial reconnection backoff bound (Mesos `--registration_backoff_factor`). Default 1 s. */
  registrationBackoffFactorMs?: number;
  /** Resolution of the shared wheel. Default 10 ms. */
  tickMs?: number;
  logger?: SimulatorLogger;
  clock?: Clock;
  /** Uniform [0, 1) for backoff jitter. Default Math.random. */
  random?: () => number;
  /** Share one link for all agents (default true) rather than one stream each. */
  link?: boolean;
}

/** Snapshot of a fleet. */
export interface SimulatorStats extends SimulatorCounters {
  count: number;
  /** Agents waiting in the registration queue. */
  queued: number;
  /** Streams being opened (on a link: registrations awaiting their answer). */
  connecting: number;
  /** Entries in the shared wheel (stale ones included). */
  timers: number;
}

/** A running fleet. */
export interface SimulatedAgents {
  readonly agents: readonly SimulatedAgent[];
  stats(): SimulatorStats;
  /** `http://host:port` of the master the fleet talks to; undefined while a zk:// fleet knows no leader. */
  masterUrl(): string | undefined;
  /** Resolves once `n` (default all) agents are registered; rejects after `timeoutMs` (default 5 min). */
  waitRegistered(n?: number, timeoutMs?: number): Promise<void>;
  /** Closes every stream and the timer; the master sees the agents disconnect. Idempotent. */
  stop(): void;
}

const silent: SimulatorLogger = { info: () => undefined, warn: () => undefined };

/**
 * Starts `options.count` simulated agents against `options.master` and returns
 * at once; registrations proceed in the background at the configured rate.
 * Throws ResourcesParseError / AttributesParseError for bad `resources` /
 * `attributes`, MasterSpecError for a malformed `zk://` URL, Error for a count below 1.
 */
export function startSimulatedAgents(options: SimulatorOptions): SimulatedAgents {
  if (!Number.isInteger(options.count) || options.count < 1) throw new Error(`count must be a positive integer, got ${options.count}`);
  const clock = options.clock ?? systemClock;
  const tickMs = options.tickMs ?? 10;
  const resources = typeof options.resources === 'string' || options.resources === undefined
    ? parseResourcesFlag(options.resources ?? DEFAULT_SIM_RESOURCES)
    : options.resources;
  const attributesFor = attributeFactory(options.attributes);
  const detector: MasterDetector | undefined = /^zk:\/\//i.test(options.master.trim()) ? createMasterDetector(options.master) : undefined;
  let masterUrl: string | undefined = detector ? undefined : normalizeUrl(options.master);
  let callUrl = `${masterUrl}${AGENT_API_PATH}`;
  const counters: SimulatorCounters = zeroCounters();
  const queue: SimulatedAgent[] = [];
  let queueHead = 0;
  let connecting = 0;
  const wheel = new TimerWheel<Timed>(tickMs, 4096, clock.now());
  const pool = new CallPool(options.maxCallsInFlight ?? 256);
  const useLink = options.link ?? true;
  const linkRetry = new LinkRetry(() => clock.now());
  const link = new FleetLink(pool, (reason, wasUp) => {
    linkRetry.ended(wasUp);
    if (!stopped) context.logger.warn(`Link to the master ended (${reason}); opening a new one`);
  });
  const context: FleetContext = {
    get masterUrl(): string {
      return masterUrl ?? '';
    },
    wheel,
    policy: options.statusUpdateRetry ?? MESOS_RETRY_POLICY,
    timing: options.timing ?? DEFAULT_TIMING,
    defaultDurationMs: options.taskDurationMs ?? 10_000,
    backoffFactorMs: options.registrationBackoffFactorMs ?? 1000,
    counters,
    logger: options.logger ?? silent,
    now: () => clock.now(),
    random: options.random ?? Math.random,
    post: (call: AgentCall, streamId: string) =>
      useLink ? link.post(call, streamId) : pool.post(callUrl, call, { 'Mesos-Stream-Id': streamId }),
    open: (call, handlers) => {
      if (useLink) return link.openChannel(call, handlers);
      connecting++;
      const settled = (): void => {
        connecting--;
      };
      const opening = openStream(callUrl, call, handlers);
      opening.then(settled, settled);
      return opening;
    },
    requestConnect: (agent) => {
      if (agent.state === 'stopped' || agent.state === 'queued') return;
      agent.state = 'queued';
      queue.push(agent);
    },
  };

  const prefix = options.hostnamePrefix ?? 'sim';
  const offset = options.idOffset ?? 0;
  const agents: SimulatedAgent[] = [];
  for (let i = 0; i < options.count; i++) {
    const n = offset + i;
    const agent = new SimulatedAgent(context, n, `${prefix}-${n}`, resources, attributesFor(n));
    agents.push(agent);
    context.requestConnect(agent);
  }

  const rate = options.registrationRate ?? 1000;
  const maxConnecting = options.maxConnecting ?? 256;
  let allowance = Math.min(rate, maxConnecting);
  let lastTick = clock.now();
  let lastSweep = lastTick;
  let stopped = false;

  const tick = (): void => {
    const now = clock.now();
    allowance = Math.min(allowance + ((now - lastTick) * rate) / 1000, Math.max(1, rate));
    lastTick = now;
    if (useLink && link.state === 'down' && masterUrl !== undefined && linkRetry.due() && !stopped) link.open(masterUrl);
    const ready = masterUrl !== undefined && (!useLink || link.state === 'up');
    // On a link nothing is being connected: only the rate paces registrations (as Mesos's
    // benchmark agents all send theirs at once). Bounding them to 256 in flight halved
    // the failover bench's reregistration rate; the master slices big batches itself.
    while (ready && queueHead < queue.length && allowance >= 1 && (useLink || connecting < maxConnecting)) {
      const agent = queue[queueHead++]!;
      if (agent.state !== 'queued') continue;
      allowance--;
      agent.connect();
    }
    if (queueHead > 1024 && queueHead * 2 > queue.length) {
      queue.splice(0, queueHead);
      queueHead = 0;
    }
    for (const item of wheel.advance(now)) {
      if (item.kind === 'agent') item.onTimer(now);
      else item.agent.onTaskTimer(item, now);
    }
    if (now - lastSweep >= 1000) {
      lastSweep = now;
      for (const agent of agents) agent.checkPings(now);
    }
  };
  const followLeader = (leader: MasterAddress): void => {
    const url = normalizeUrl(`${leader.host.includes(':') ? `[${leader.host}]` : leader.host}:${leader.port}`);
    if (url === masterUrl || stopped) return;
    const first = masterUrl === undefined;
    masterUrl = url;
    callUrl = `${url}${AGENT_API_PATH}`;
    context.logger.info(`New master detected at ${url}`);
    if (first) return;
    const now = clock.now();
    for (const agent of agents) agent.masterChanged(now);
    link.close('a new leading master was detected');
    linkRetry.leaderChanged();
  };
  const unfollow = detector?.onChange(followLeader);
  // The detector may know the leader already (onChange reports only later changes).
  detector?.detect().then(followLeader, () => undefined);
  // Not unref'd: a running fleet keeps its process alive while the master is away.
  const timer = setInterval(tick, tickMs);
  // The first batch goes out now rather than one tick later.
  setImmediate(tick);

  const stats = (): SimulatorStats => ({
    ...counters,
    count: agents.length,
    queued: queue.length - queueHead,
    connecting: useLink ? link.registering : connecting,
    timers: wheel.size,
  });

  return {
    agents,
    stats,
    masterUrl: () => masterUrl,
    waitRegistered(n = agents.length, timeoutMs = 300_000): Promise<void> {
      const deadline = clock.now() + timeoutMs;
      return new Promise((resolve, reject) => {
        const poll = (): void => {
          if (counters.registered >= n) return resolve();
          if (stopped) return reject(new Error('simulator stopped'));
          if (clock.now() > deadline) return reject(new Error(`only ${counters.registered}/${n} simulated agents registered within ${timeoutMs} ms`));
          setTimeout(poll, 20);
        };
        poll();
      });
    },
    stop(): void {
      if (stopped) return;
      stopped = true;
      unfollow?.();
      detector?.close();
      clearInterval(timer);
      for (const agent of agents) agent.stop();
      link.close('the fleet stopped');
      pool.close();
    },
  };
}

/** Per-agent attributes: parsed once when the template has no `{i…}` placeholder. */
function attributeFactory(template: string | undefined): (n: number) => Attribute[] {
  if (template === undefined || template.trim() === '') return () => [];
  if (!/\{i(%\d+)?\}/.test(template)) {
    const shared = parseAttributes(template);
    return () => shared;
  }
  // Validate once up front so a bad template fails at start, not per agent.
  parseAttributes(agentAttributes(template, 0));
  return (n) => parseAttributes(agentAttributes(template, n));
}

function normalizeUrl(text: string): string {
  const withScheme = /^[a-z]+:\/\//i.test(text) ? text : `http://${text}`;
  const url = new URL(withScheme);
  return `${url.protocol}//${url.host}`;
}
