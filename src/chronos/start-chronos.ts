/**
 * Wiring one Chronos instance: the stored jobs, the scheduler core, the REST
 * API and a Mesos framework subscription through our scheduler client, as a
 * third-party framework would. Used by `meseta chronos` and `meseta local`.
 *
 *   Store ──► JobRepository ──► JobScheduler ◄── offers / updates ── SchedulerClient ──► master
 *                                   ▲
 *                     REST (fastify, :4400) ── /v1/scheduler/…, /scheduler/…
 *
 * The HTTP API serves as soon as the port is bound; the framework subscribes
 * in the background (retrying while the master is unreachable), reusing the
 * stored framework id so tasks survive a Chronos restart.
 *
 * With a ZooKeeper leadership, only the leader schedules: one *term* per
 * election loads the jobs from the Store, builds the scheduler and the REST
 * routes and subscribes; a standby relays every request to the leader
 * (`http/leader-proxy.ts`). A term ends when leadership is lost: the
 * subscription closes (tasks keep running), the in-memory queue and graph
 * counters go, as in Chronos.
 */
import http from 'node:http';
import { hostname as osHostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import type { Store } from '../coordination/store.js';
import type { Clock } from '../mesos/clock.js';
import { systemClock } from '../mesos/clock.js';
import type { FrameworkInfo } from '../mesos/types.js';
import type { Logger } from '../logging/logger.js';
import { createMasterDetector, type MasterDetector } from '../scheduler/master-detector.js';
import { SchedulerClient } from '../scheduler/scheduler-client.js';
import { SubscriptionRejectedError } from '../scheduler/errors.js';
import { CHRONOS_JOB_DEFAULTS, type JobDefaults } from './job.js';
import { JobRepository } from './job-repository.js';
import { JobScheduler, type ChronosDriver } from './job-scheduler.js';
import { createChronosApp } from './http/routes.js';
import type { ApiCounters } from './http/metrics.js';
import { DEFAULT_LEADER_PROXY, proxyToLeader, type LeaderProxyOptions } from './http/leader-proxy.js';
import { SoloLeadership, type Leadership } from './leadership.js';
import { createWebuiApp, isWebuiRequest } from './http/webui.js';
import { runLeadershipTerms, settleWithin, type LeadershipTerms } from '../coordination/leadership-terms.js';

/** Chronos's default HTTP port in Meseta (`meseta local --chronos_port`). */
export const DEFAULT_CHRONOS_PORT = 4400;

/** Options of `startChronos`; all already parsed. Durations in ms unless named otherwise. */
export interface StartChronosOptions {
  /** Mesos master: `host:port`, `http://host:port`, or `zk://h1:2181,…/mesos` (the leading master's znode). */
  master: string;
  /** HTTP port; 0 picks a free one (see the returned `port`). */
  httpPort: number;
  /** Address to bind; default `0.0.0.0` (Chronos listens on every interface). */
  httpAddress?: string;
  /** Advertised host (`GET /leader`, FrameworkInfo.hostname, webui_url); default the machine's hostname. */
  hostname?: string;
  /** Where jobs and the framework id live (Chronos: ZooKeeper `J_<name>` nodes). Not closed by `stop()`. */
  store: Store;
  logger: Logger;
  /** Time source; default the wall clock. */
  clock?: Clock;
  /** FrameworkInfo.name; Chronos's `--mesos_framework_name` default `chronos`. */
  frameworkName?: string;
  /** FrameworkInfo.role (`--mesos_role`); default `*`. */
  role?: string;
  /** FrameworkInfo.user and the default `runAsUser` (`--user`); default `root`. */
  user?: string;
  /** `--failure_retry` (ms); default 60000. */
  failureRetryMs?: number;
  /** `--disable_after_failures`; default 0 (never). */
  disableAfterFailures?: number;
  /** `--mesos_task_cpu` / `_mem` (MB) / `_disk` (MB) defaults for jobs; default 0.1 / 128 / 256. */
  taskDefaults?: Partial<Pick<JobDefaults, 'cpus' | 'mem' | 'disk'>>;
  /** `--failover_timeout` in seconds; default 604800 (one week). */
  failoverTimeoutSeconds?: number;
  /** `--mesos_checkpoint`; default true. */
  checkpoint?: boolean;
  /** `--decline_offer_duration` (ms); default: Mesos's 5 s filter. */
  declineOfferDurationMs?: number;
  /** `--min_revive_offers_interval` (ms) between REVIVEs when tasks are queued; default 1000. */
  minReviveIntervalMs?: number;
  /**
   * Leader election, made once the port is bound (`self`: advertised host and
   * bound port). Default SoloLeadership: this process leads at once.
   */
  createLeadership?: (self: { host: string; port: number }) => Leadership;
  /** Standby → leader relay timeouts. */
  leaderProxy?: LeaderProxyOptions;
  /** Directory of the built web UI (holding `chronos.html`); default this checkout's `dist/webui`. */
  webuiDir?: string;
}

/** A running Chronos. */
export interface RunningChronos {
  /** The bound HTTP port. */
  port: number;
  /** Whether this process leads (schedules and serves the API itself) now. */
  readonly isLeader: boolean;
  /** Closes the API and the subscription (the framework stays registered for its failover timeout). */
  stop(): Promise<void>;
}

function bindError(error: unknown, address: string, port: number): Error {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = code === 'EADDRINUSE' ? 'Address already in use' : code === 'EACCES' ? 'Permission denied' : (error as Error).message;
  return new Error(`Failed to bind to ${address}:${port}: ${reason}`);
}

/** The leader's parts during one term. */
interface Term {
  app: FastifyInstance;
  scheduler: JobScheduler;
  repository: JobRepository;
  detector: MasterDetector;
  /** The term's current subscription (replaced when the master refuses our stored framework id). */
  link: { client?: SchedulerClient };
  ended: boolean;
}

/** Bound (ms) on flushing a term's writes when it ends: the Store may be what failed. */
const FLUSH_BOUND_MS = 5000;

function listen(server: http.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

/**
 * Starts Chronos: binds the REST API, joins the leader election and, while
 * leading, loads the jobs from `store` and subscribes to the master in the
 * background. Throws `Failed to bind to <addr>:<port>: …` when the port is
 * taken; without `createLeadership` (leading at once) also MasterSpecError
 * for an unusable `master` and Store errors from loading the jobs.
 */
export async function startChronos(options: StartChronosOptions): Promise<RunningChronos> {
  const logger = options.logger;
  const clock = options.clock ?? systemClock;
  const httpAddress = options.httpAddress ?? '0.0.0.0';
  const advertised = options.hostname ?? osHostname();
  const user = options.user ?? CHRONOS_JOB_DEFAULTS.user;
  const defaults: JobDefaults = { ...CHRONOS_JOB_DEFAULTS, ...options.taskDefaults, user };
  const counters: ApiCounters = { iso8601Submissions: 0, dependencySubmissions: 0 };
  const proxyOptions = options.leaderProxy ?? DEFAULT_LEADER_PROXY;
  let port = options.httpPort;
  let term: Term | undefined;
  let leadership: Leadership | undefined;
  let stopped = false;
  const self = (): string => `${advertised}:${port}`;
  // The UI outlives terms: every instance, leader or not, serves the page itself.
  const webui = await createWebuiApp(options.webuiDir);

  const front = http.createServer((req, res) => {
    if (isWebuiRequest(req.method, req.url)) {
      webui.routing(req, res);
      return;
    }
    if (term) {
      term.app.routing(req, res);
      return;
    }
    if (leadership?.isLeader) {
      req.resume();
      res.writeHead(503, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message: 'Taking over as the leader; retry shortly', status: 'Service Unavailable' }));
      return;
    }
    proxyToLeader(req, res, leadership?.leader(), self(), proxyOptions);
  });
  try {
    port = await listen(front, httpAddress, options.httpPort);
  } catch (error) {
    await webui.close();
    throw bindError(error, httpAddress, options.httpPort);
  }
  logger.info(`Chronos REST API listening on ${httpAddress}:${port}`);

  const frameworkInfo = (id: string | undefined): FrameworkInfo => ({
    user,
    name: options.frameworkName ?? 'chronos',
    failover_timeout: options.failoverTimeoutSeconds ?? 604_800,
    checkpoint: options.checkpoint ?? true,
    role: options.role ?? '*',
    hostname: advertised,
    webui_url: `http://${self()}`,
    ...(id ? { id: { value: id } } : {}),
  });

  /** Subscribes for one term, reusing the stored framework id; retried inside the client until the term ends. */
  const subscribe = async (t: Term): Promise<void> => {
    let storedId = await t.repository.frameworkId();
    while (!t.ended) {
      const c = new SchedulerClient({
        detector: t.detector,
        autoAcknowledge: true,
        log: (level, message) => (level === 'info' ? logger.info(message) : level === 'warning' ? logger.warn(message) : logger.error(message)),
      });
      t.link.client = c;
      c.on('offers', (offers) => void t.scheduler.onOffers(offers).catch((e: unknown) => logger.error(`Offer handling failed: ${(e as Error).message}`)));
      c.on('update', (status) => t.scheduler.onUpdate(status));
      c.on('subscribed', (info) => {
        logger.info(`Registered with the Mesos master as framework ${info.frameworkId.value}${info.resubscribed ? ' (re-subscribed)' : ''}`);
        void t.repository.setFrameworkId(info.frameworkId.value).catch((e: unknown) => logger.error(`Failed to store the framework id: ${(e as Error).message}`));
        // Learn which of our tasks still run (after a restart or failover the map is empty).
        c.reconcile([]).catch((e: unknown) => logger.warn(`RECONCILE failed: ${(e as Error).message}`));
        t.scheduler.notify();
      });
      try {
        await c.subscribe(frameworkInfo(storedId));
        return;
      } catch (error) {
        if (t.ended) return;
        if (error instanceof SubscriptionRejectedError && storedId !== undefined) {
          // The master no longer knows our framework (failover timeout passed, torn down): start afresh.
          logger.warn(`Master refused framework ${storedId} (${error.message}); registering as a new framework`);
          storedId = undefined;
          await t.repository.setFrameworkId(undefined);
          continue;
        }
        logger.error(`Subscription to the master failed: ${(error as Error).message}`);
        return;
      }
    }
  };

  const takeOver = async (): Promise<void> => {
    if (stopped || term || !leadership?.isLeader) return;
    const repository = new JobRepository(options.store, (key, error) => logger.error(`Failed to persist '${key}': ${error.message}`));
    await repository.load();
    if (stopped || !leadership.isLeader) return;
    const detector = createMasterDetector(options.master);
    const link: Term['link'] = {};
    const driver = (): ChronosDriver | undefined => (link.client?.state === 'subscribed' ? link.client : undefined);
    const declineMs = options.declineOfferDurationMs;
    const scheduler = new JobScheduler({
      repository,
      driver,
      clock,
      logger: logger.child('chronos-scheduler'),
      failureRetryMs: options.failureRetryMs ?? 60_000,
      disableAfterFailures: options.disableAfterFailures ?? 0,
      declineFilters: declineMs !== undefined ? { refuse_seconds: declineMs / 1000 } : undefined,
      minReviveIntervalMs: options.minReviveIntervalMs ?? 1000,
      frameworkId: () => link.client?.frameworkId?.value,
    });
    const framework = (): { master?: string; frameworkId?: string } => {
      const client = link.client;
      const master = client?.state === 'subscribed' ? client.master : undefined;
      return { master: master ? `${master.host}:${master.port}` : undefined, frameworkId: client?.frameworkId?.value };
    };
    const app = createChronosApp({ scheduler, repository, defaults, clock, leader: self, counters, framework });
    await app.ready();
    const t: Term = { app, scheduler, repository, detector, link, ended: false };
    term = t;
    logger.info(`Leading as ${self()}: ${repository.all().length} job(s) loaded`);
    scheduler.start();
    void subscribe(t).catch((e: unknown) => logger.error(`Subscription failed: ${(e as Error).message}`));
  };

  const stepDown = async (reason: string): Promise<void> => {
    const t = term;
    term = undefined;
    if (!t) return;
    if (reason !== 'stopping') logger.warn(`No longer the Chronos leader (${reason}); stopping the scheduler`);
    t.ended = true;
    t.scheduler.stop();
    t.link.client?.close();
    t.detector.close();
    await t.app.close();
    await settleWithin(t.repository.flush(), FLUSH_BOUND_MS);
  };

  let terms: LeadershipTerms | undefined;
  try {
    leadership = options.createLeadership?.({ host: advertised, port }) ?? new SoloLeadership(self());
    // Solo: the first term is part of starting (a bad --master or an unreadable Store fails the start).
    terms = await runLeadershipTerms({ leadership, solo: !options.createLeadership, takeOver, stepDown, name: 'Chronos', logger });
  } catch (error) {
    stopped = true;
    await leadership?.close().catch(() => undefined);
    front.closeAllConnections();
    await new Promise<void>((resolve) => front.close(() => resolve()));
    await webui.close();
    throw error;
  }

  return {
    port,
    get isLeader(): boolean {
      return term !== undefined;
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await (terms ? terms.enqueue(() => stepDown('stopping')) : stepDown('stopping'));
      await leadership?.close();
      front.closeAllConnections();
      await new Promise<void>((resolve) => front.close(() => resolve()));
      await webui.close();
    },
  };
}
