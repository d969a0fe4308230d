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
 */
import { hostname as osHostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import type { Store } from '../coordination/store.js';
import type { Clock } from '../mesos/clock.js';
import { systemClock } from '../mesos/clock.js';
import type { FrameworkInfo } from '../mesos/types.js';
import type { Logger } from '../logging/logger.js';
import { createMasterDetector } from '../scheduler/master-detector.js';
import { SchedulerClient } from '../scheduler/scheduler-client.js';
import { SubscriptionRejectedError } from '../scheduler/errors.js';
import { CHRONOS_JOB_DEFAULTS, type JobDefaults } from './job.js';
import { JobRepository } from './job-repository.js';
import { JobScheduler, type ChronosDriver } from './job-scheduler.js';
import { createChronosApp } from './http/routes.js';
import type { ApiCounters } from './http/metrics.js';

/** Chronos's default HTTP port in Meseta (`meseta local --chronos_port`). */
export const DEFAULT_CHRONOS_PORT = 4400;

/** Options of `startChronos`; all already parsed. Durations in ms unless named otherwise. */
export interface StartChronosOptions {
  /** Mesos master: `host:port`, `http://host:port`; `zk://` is refused (not supported yet). */
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
}

/** A running Chronos. */
export interface RunningChronos {
  /** The bound HTTP port. */
  port: number;
  /** Closes the API and the subscription (the framework stays registered for its failover timeout). */
  stop(): Promise<void>;
}

function bindError(error: unknown, address: string, port: number): Error {
  const code = (error as NodeJS.ErrnoException).code;
  const reason = code === 'EADDRINUSE' ? 'Address already in use' : code === 'EACCES' ? 'Permission denied' : (error as Error).message;
  return new Error(`Failed to bind to ${address}:${port}: ${reason}`);
}

/**
 * Starts Chronos: loads the jobs from `store`, binds the REST API, and
 * subscribes to the master in the background. Throws MasterSpecError for an
 * unusable `master` (including `zk://`, not supported yet) and `Failed to
 * bind to <addr>:<port>: …` when the port is taken.
 */
export async function startChronos(options: StartChronosOptions): Promise<RunningChronos> {
  const logger = options.logger;
  const clock = options.clock ?? systemClock;
  const detector = createMasterDetector(options.master);
  const httpAddress = options.httpAddress ?? '0.0.0.0';
  const advertised = options.hostname ?? osHostname();
  const user = options.user ?? CHRONOS_JOB_DEFAULTS.user;
  const defaults: JobDefaults = { ...CHRONOS_JOB_DEFAULTS, ...options.taskDefaults, user };

  const repository = new JobRepository(options.store, (key, error) => logger.error(`Failed to persist '${key}': ${error.message}`));
  await repository.load();

  let client: SchedulerClient | undefined;
  const driver = (): ChronosDriver | undefined => (client?.state === 'subscribed' ? client : undefined);
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
  });

  const counters: ApiCounters = { iso8601Submissions: 0, dependencySubmissions: 0 };
  let port = options.httpPort;
  const app: FastifyInstance = createChronosApp({ scheduler, repository, defaults, clock, leader: () => `${advertised}:${port}`, counters });
  try {
    await app.listen({ host: httpAddress, port: options.httpPort });
  } catch (error) {
    await app.close().catch(() => undefined);
    detector.close();
    throw bindError(error, httpAddress, options.httpPort);
  }
  const address = app.server.address();
  port = typeof address === 'object' && address !== null ? address.port : options.httpPort;
  logger.info(`Chronos REST API listening on ${httpAddress}:${port} (${repository.all().length} job(s) loaded)`);
  scheduler.start();

  let stopped = false;
  const frameworkInfo = (id: string | undefined): FrameworkInfo => ({
    user,
    name: options.frameworkName ?? 'chronos',
    failover_timeout: options.failoverTimeoutSeconds ?? 604_800,
    checkpoint: options.checkpoint ?? true,
    role: options.role ?? '*',
    hostname: advertised,
    webui_url: `http://${advertised}:${port}`,
    ...(id ? { id: { value: id } } : {}),
  });

  const subscribe = async (): Promise<void> => {
    let storedId = await repository.frameworkId();
    while (!stopped) {
      const c = new SchedulerClient({
        detector,
        autoAcknowledge: true,
        log: (level, message) => (level === 'info' ? logger.info(message) : level === 'warning' ? logger.warn(message) : logger.error(message)),
      });
      client = c;
      c.on('offers', (offers) => void scheduler.onOffers(offers).catch((e: unknown) => logger.error(`Offer handling failed: ${(e as Error).message}`)));
      c.on('update', (status) => scheduler.onUpdate(status));
      c.on('subscribed', (info) => {
        logger.info(`Registered with the Mesos master as framework ${info.frameworkId.value}${info.resubscribed ? ' (re-subscribed)' : ''}`);
        void repository.setFrameworkId(info.frameworkId.value).catch((e: unknown) => logger.error(`Failed to store the framework id: ${(e as Error).message}`));
        // Learn which of our tasks still run (after a restart the map is empty).
        c.reconcile([]).catch((e: unknown) => logger.warn(`RECONCILE failed: ${(e as Error).message}`));
        scheduler.notify();
      });
      try {
        await c.subscribe(frameworkInfo(storedId));
        return;
      } catch (error) {
        if (stopped) return;
        if (error instanceof SubscriptionRejectedError && storedId !== undefined) {
          // The master no longer knows our framework (failover timeout passed, torn down): start afresh.
          logger.warn(`Master refused framework ${storedId} (${error.message}); registering as a new framework`);
          storedId = undefined;
          await repository.setFrameworkId(undefined);
          continue;
        }
        logger.error(`Subscription to the master failed: ${(error as Error).message}`);
        return;
      }
    }
  };
  void subscribe();

  return {
    port,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      scheduler.stop();
      client?.close();
      detector.close();
      await app.close();
      await repository.flush();
    },
  };
}
