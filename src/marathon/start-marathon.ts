/**
 * Wires a Marathon from parsed options: state from the Store, the framework
 * subscription, deployments, health checks and the REST server. Used by
 * `meseta marathon` and (through the lead's wiring) by `meseta local`.
 *
 * ```ts
 * const marathon = await startMarathon({ master: '127.0.0.1:5050', httpPort: 8080, store, logger });
 * …
 * await marathon.stop();   // the Store stays open: its owner closes it
 * ```
 *
 * One HTTP listener per process; what answers depends on leadership:
 *
 *   request ──► leading and ready? ── yes ──► this term's fastify routes
 *                    │ no
 *                    ├─ elected, still loading ──► 503
 *                    └─ standby ──► proxyToLeader (302 for /v2/events)
 *
 * A *term* starts on `elected`: state is (re)loaded from the Store, the
 * framework resubscribes with the stored framework id and reconciles, stored
 * deployments resume. It ends on `defeated` (session lost, `DELETE /v2/leader`):
 * subscription, deployments and health checks stop at once; tasks keep running.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { hostname as osHostname, userInfo } from 'node:os';
import type { Store } from '../coordination/store.js';
import type { Logger } from '../logging/logger.js';
import { systemClock, type Clock } from '../mesos/clock.js';
import { SERVICE_PORT_RANGE } from './app-definition.js';
import { AppService } from './app-service.js';
import { DeploymentManager } from './deployment-manager.js';
import { EventBus } from './event-bus.js';
import { GroupService } from './group-service.js';
import { HealthCheckManager } from './health-checks.js';
import { InstanceTracker } from './instance-tracker.js';
import { Launcher, type LauncherOptions } from './launcher.js';
import { MarathonState } from './marathon-state.js';
import { MarathonStore } from './marathon-store.js';
import { buildMarathonServer } from './http/server.js';
import type { ServerInfo } from './http/context.js';
import { DEFAULT_LEADER_PROXY, proxyToLeader, type LeaderProxyOptions } from './http/leader-proxy.js';
import { SoloLeadership, type Leadership } from './leadership.js';
import { runLeadershipTerms, settleWithin, type LeadershipTerms } from '../coordination/leadership-terms.js';

/** The Marathon version we present (`/v2/info`). */
export const MARATHON_COMPAT_VERSION = '1.10.0';

/** Options of `startMarathon`; durations in ms unless named `…Seconds`. Marathon's flag names in brackets. */
export interface MarathonOptions {
  /** Mesos master, `host:port` or `http://host:port` [`--master`]. */
  master: string;
  /** HTTP port; 0 picks a free one [`--http_port`, default 8080 in the CLI]. */
  httpPort: number;
  /** Listen address [`--http_address`]; default all interfaces. */
  httpAddress?: string;
  /** Advertised host [`--hostname`]; default the machine's hostname. */
  hostname?: string;
  /** [`--framework_name`] default `marathon`. */
  frameworkName?: string;
  /** [`--mesos_role`] default `*`. */
  mesosRole?: string;
  /** [`--mesos_user`] default the current user. */
  mesosUser?: string;
  /** [`--task_launch_timeout`] default 300000. */
  taskLaunchTimeoutMs?: number;
  /** [`--failover_timeout`] default 604800 (one week). */
  failoverTimeoutSeconds?: number;
  /** [`--enable_features`] e.g. `secrets`, `gpu_resources`, `external_volumes`. */
  features?: string[];
  /** [`--default_accepted_resource_roles`]. */
  defaultAcceptedRoles?: string[];
  /** [`--env_vars_prefix`]. */
  envVarsPrefix?: string;
  /** [`--local_port_min`, `--local_port_max`] service ports, default 10000–20000. */
  localPortMin?: number;
  localPortMax?: number;
  /** [`--max_instances_per_offer`] default 5. */
  maxInstancesPerOffer?: number;
  /** [`--decline_offer_duration`] default 120000. */
  declineOfferDurationMs?: number;
  /** [`--reconciliation_interval`] default 600000. */
  reconciliationIntervalMs?: number;
  /** [`--kill_retry_timeout`] default 30000. */
  killRetryTimeoutMs?: number;
  /** [`--default_network_name`]. */
  defaultNetworkName?: string;
  /** Where state lives (SqliteStore in the CLI); not closed by `stop()`. */
  store: Store;
  logger: Logger;
  clock?: Clock;
  /** Randomness for host port choice and reconnect jitter; default Math.random. */
  random?: () => number;
  /** Shown as `zookeeper_config.zk` in `/v2/info` (credentials redacted by the caller). */
  zk?: string;
  /** ZooKeeper session timeout shown in `/v2/info` (`--zk_session_timeout`, ms); default 10000. */
  zkSessionTimeoutMs?: number;
  /**
   * Leader election, made once the HTTP port is bound (`self` is the advertised
   * `host` and bound `port`). Default: SoloLeadership (this process leads at once).
   */
  createLeadership?: (self: { host: string; port: number }) => Leadership;
  /** Standby → leader relay timeouts (`--leader_proxy_connection_timeout`, `--leader_proxy_read_timeout`). */
  leaderProxy?: LeaderProxyOptions;
}

/** A running Marathon. */
export interface RunningMarathon {
  /** The HTTP port actually bound. */
  port: number;
  /** Whether this process leads (and serves the API itself) right now. */
  readonly isLeader: boolean;
  /** Stops HTTP, health checks and deployments, closes the subscription (tasks keep running), flushes state, leaves the election. */
  stop(): Promise<void>;
}

/** A Marathon built but not started: the REST server (not listening) and its parts. */
export interface AssembledMarathon {
  server: import('fastify').FastifyInstance;
  state: MarathonState;
  launcher: Launcher;
  deployments: DeploymentManager;
  health: HealthCheckManager;
  apps: AppService;
  tracker: InstanceTracker;
  events: EventBus;
  info: ServerInfo;
  launcherOptions: LauncherOptions;
  closeStreams(): void;
}

/**
 * Builds every part of a Marathon over loaded state without touching the
 * network (tests drive the server with `inject()`). Call `startMarathon` to run one.
 */
export function assembleMarathon(options: MarathonOptions, state: MarathonState, abdicate?: () => void): AssembledMarathon {
  const clock = options.clock ?? systemClock;
  const now = (): number => clock.now();
  const logger = options.logger;
  const random = options.random ?? Math.random;
  const events = new EventBus(now);
  const tracker = new InstanceTracker(state, events, now, randomUUID);
  const hostname = options.hostname ?? osHostname();
  const frameworkName = options.frameworkName ?? 'marathon';
  const role = options.mesosRole ?? '*';
  const failoverTimeoutSeconds = options.failoverTimeoutSeconds ?? 604800;
  const taskLaunchTimeoutMs = options.taskLaunchTimeoutMs ?? 300_000;
  let user = options.mesosUser;
  if (user === undefined) {
    try {
      user = userInfo().username;
    } catch {
      user = 'root';
    }
  }
  const launcherOptions: LauncherOptions = {
    master: options.master,
    frameworkName,
    role,
    user,
    hostname,
    failoverTimeoutSeconds,
    taskLaunchTimeoutMs,
    maxInstancesPerOffer: options.maxInstancesPerOffer ?? 5,
    declineOfferDurationMs: options.declineOfferDurationMs ?? 120_000,
    reconciliationIntervalMs: options.reconciliationIntervalMs ?? 600_000,
    killRetryTimeoutMs: options.killRetryTimeoutMs ?? 30_000,
    ...(options.envVarsPrefix !== undefined ? { envVarsPrefix: options.envVarsPrefix } : {}),
    ...(options.defaultAcceptedRoles ? { defaultAcceptedRoles: options.defaultAcceptedRoles } : {}),
    logger: logger.child('marathon-launcher'),
    random,
  };
  const launcher = new Launcher(state, tracker, events, launcherOptions, now);
  const health = new HealthCheckManager(state, events, (i) => launcher.killInstance(i), now, logger.child('marathon-health'));
  const deployments = new DeploymentManager(state, tracker, launcher, events, (i) => health.healthy(i), logger.child('marathon-deployments'));
  const apps = new AppService(state, deployments, tracker, launcher, now, randomUUID, {
    mesosRole: role,
    features: new Set(options.features ?? []),
    ...(options.defaultNetworkName ? { defaultNetworkName: options.defaultNetworkName } : {}),
    servicePortRange: { min: options.localPortMin ?? SERVICE_PORT_RANGE.min, max: options.localPortMax ?? SERVICE_PORT_RANGE.max },
  });
  const groups = new GroupService(state, apps, now);
  launcher.on('instance', () => {
    health.sync();
    deployments.scheduleTick();
  });
  const info: ServerInfo = {
    leader: `${hostname}:${options.httpPort}`,
    httpPort: options.httpPort,
    version: MARATHON_COMPAT_VERSION,
    marathonConfig: {
      master: options.master,
      framework_name: frameworkName,
      mesos_role: role,
      mesos_user: user,
      hostname,
      failover_timeout: failoverTimeoutSeconds,
      task_launch_timeout: taskLaunchTimeoutMs,
      checkpoint: true,
      executor: '//cmd',
      ha: options.createLeadership !== undefined,
      local_port_min: options.localPortMin ?? SERVICE_PORT_RANGE.min,
      local_port_max: options.localPortMax ?? SERVICE_PORT_RANGE.max,
      max_instances_per_offer: launcherOptions.maxInstancesPerOffer,
      decline_offer_duration: launcherOptions.declineOfferDurationMs,
      reconciliation_interval: launcherOptions.reconciliationIntervalMs,
      env_vars_prefix: options.envVarsPrefix ?? null,
      features: options.features ?? [],
      webui_url: null,
    },
    zookeeperConfig: {
      zk: options.zk ?? null,
      zk_max_versions: 50,
      zk_session_timeout: options.zkSessionTimeoutMs ?? 10000,
      zk_timeout: 10000,
      zk_compression: true,
      zk_compression_threshold: 65536,
      zk_connection_timeout: 10000,
      zk_max_node_size: 1024000,
    },
  };
  const { server, closeStreams } = buildMarathonServer({ state, apps, groups, deployments, tracker, launcher, health, events, now, info, ...(abdicate ? { abdicate } : {}) });
  return { server, state, launcher, deployments, health, apps, tracker, events, info, launcherOptions, closeStreams };
}

/** The leader's running parts during one term. */
interface Term {
  m: AssembledMarathon;
  state: MarathonState;
  healthSync: NodeJS.Timeout;
}

/** Bound (ms) on flushing a term's state when it ends: the Store may be what failed. */
const FLUSH_BOUND_MS = 5000;

function listen(server: http.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/**
 * Starts Marathon: binds HTTP (throws if the port is taken), joins the leader
 * election and, when leading, loads state and subscribes to the master in
 * the background (retried until `stop()`). Without `createLeadership` the
 * process leads at once and a Store that cannot be read makes this throw.
 */
export async function startMarathon(options: MarathonOptions): Promise<RunningMarathon> {
  const logger = options.logger;
  const hostname = options.hostname ?? osHostname();
  const httpAddress = options.httpAddress ?? '0.0.0.0';
  const proxyOptions = options.leaderProxy ?? DEFAULT_LEADER_PROXY;
  let port = options.httpPort;
  let term: Term | undefined;
  let leadership: Leadership | undefined;
  let stopped = false;
  const self = (): string => `${hostname}:${port}`;

  const front = http.createServer((req, res) => {
    if (term) {
      term.m.server.routing(req, res);
      return;
    }
    if (leadership?.isLeader) {
      req.resume();
      res.writeHead(503, { 'Content-Type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ message: 'Leadership is being taken over; retry shortly' }));
      return;
    }
    proxyToLeader(req, res, leadership?.leader(), self(), proxyOptions);
  });
  port = await listen(front, httpAddress, options.httpPort);
  logger.info(`Marathon listening on ${httpAddress}:${port}`);

  const takeOver = async (): Promise<void> => {
    if (stopped || term || !leadership?.isLeader) return;
    logger.info(`Elected as the Marathon leader (${self()}); loading state`);
    const state = new MarathonState(new MarathonStore(options.store), (error) => logger.warn(`Failed to persist Marathon state: ${error.message}`));
    const storedDeployments = await state.load();
    logger.info(`Loaded ${state.apps.size} app(s) and ${state.instances.size} instance(s) from the state store`);
    if (stopped || !leadership.isLeader) return;
    const m = assembleMarathon(options, state, () => void leadership?.abdicate().catch((e: unknown) => logger.error(`Abdication failed: ${(e as Error).message}`)));
    m.info.httpPort = port;
    m.info.leader = self();
    // Known only once listening: Mesos links to it from its UI.
    m.launcherOptions.webuiUrl = `http://${self()}`;
    m.deployments.resume(storedDeployments);
    await m.server.ready();
    m.launcher.start();
    m.deployments.start();
    const healthSync = setInterval(() => m.health.sync(), 1000);
    healthSync.unref();
    term = { m, state, healthSync };
  };

  const stepDown = async (reason: string): Promise<void> => {
    const t = term;
    term = undefined;
    if (!t) return;
    logger.warn(`No longer the Marathon leader (${reason}); stopping the scheduler`);
    clearInterval(t.healthSync);
    t.m.health.stop();
    t.m.deployments.stop();
    t.m.launcher.stop();
    t.m.closeStreams();
    await t.m.server.close();
    await settleWithin(t.state.flush(), FLUSH_BOUND_MS);
  };

  let terms: LeadershipTerms | undefined;
  try {
    leadership = options.createLeadership?.({ host: hostname, port }) ?? new SoloLeadership(self());
    // Solo: the first term is part of starting (an unreadable Store fails the start).
    terms = await runLeadershipTerms({ leadership, solo: !options.createLeadership, takeOver, stepDown, name: 'Marathon', logger });
  } catch (error) {
    stopped = true;
    await leadership?.close().catch(() => undefined);
    front.closeAllConnections();
    await new Promise<void>((resolve) => front.close(() => resolve()));
    throw error;
  }

  return {
    port,
    get isLeader(): boolean {
      return term !== undefined;
    },
    async stop(): Promise<void> {
      if (stopped) return;
      stopped = true;
      await (terms ? terms.enqueue(() => stepDown('stopping')) : stepDown('stopping'));
      await leadership?.close();
      front.closeAllConnections();
      await new Promise<void>((resolve) => front.close(() => resolve()));
    },
  };
}
