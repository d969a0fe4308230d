/**
 * Marathon-level health checks (HTTP, HTTPS, TCP), run from Marathon against
 * the task's host and port (§3.8, §6.8 of the reference): first check when
 * the task runs, then every `intervalSeconds`, each bounded by
 * `timeoutSeconds`. Failures while the task is in its `gracePeriodSeconds`
 * and has never succeeded are ignored. A failure arriving when the count of
 * consecutive failures already reached `maxConsecutiveFailures` (> 0) kills the
 * task, which is then replaced. COMMAND and MESOS_* checks run on the agent;
 * their verdict arrives as `TaskStatus.healthy`.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Logger } from '../logging/logger.js';
import type { AppDefinition, HealthCheckSpec } from './app-definition.js';
import { isMarathonHealthCheck } from './app-definition.js';
import type { EventBus } from './event-bus.js';
import { isActive, type Instance } from './instance.js';
import type { MarathonState } from './marathon-state.js';

/** One check's result (task `healthCheckResults[]`). */
export interface HealthResult {
  alive: boolean;
  consecutiveFailures: number;
  firstSuccess: string | null;
  lastSuccess: string | null;
  lastFailure: string | null;
  lastFailureCause: string | null;
  instanceId: string;
}

interface Runner {
  timer?: NodeJS.Timeout;
  result: HealthResult;
  taskId: string;
}

/** Runs one check against `host:port`; resolves with undefined on success, the failure cause otherwise. */
export function probe(check: HealthCheckSpec, host: string, port: number): Promise<string | undefined> {
  const timeoutMs = check.timeoutSeconds * 1000;
  if (check.protocol === 'TCP') {
    return new Promise((resolve) => {
      const socket = net.connect({ host, port });
      const done = (cause: string | undefined): void => {
        socket.destroy();
        resolve(cause);
      };
      socket.setTimeout(timeoutMs, () => done(`TCP connection to ${host}:${port} timed out`));
      socket.once('connect', () => done(undefined));
      socket.once('error', (e) => done(e.message));
    });
  }
  const client = check.protocol === 'HTTPS' ? https : http;
  return new Promise((resolve) => {
    const req = client.request(
      { host, port, path: check.path ?? '/', method: 'GET', timeout: timeoutMs, rejectUnauthorized: false, headers: { 'User-Agent': 'Marathon' } },
      (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 400) resolve(undefined);
        else if (status < 200 && check.ignoreHttp1xx) resolve('ignored');
        else resolve(`${status} ${res.statusMessage ?? ''}`.trim());
      },
    );
    req.on('timeout', () => req.destroy(new Error(`HTTP request to ${host}:${port}${check.path ?? '/'} timed out`)));
    req.on('error', (e) => resolve(e.message));
    req.end();
  });
}

/** Health checks of every running instance. */
export class HealthCheckManager {
  private readonly runners = new Map<string, Runner[]>();
  private stopped = false;

  constructor(
    private readonly state: MarathonState,
    private readonly events: EventBus,
    private readonly kill: (instance: Instance) => void,
    private readonly now: () => number,
    private readonly logger: Logger,
  ) {}

  /** Results of an instance's Marathon-level checks (empty when none). */
  results(instanceId: string): HealthResult[] {
    return (this.runners.get(instanceId) ?? []).map((r) => ({ ...r.result }));
  }

  /**
   * Health of an instance for deployments and counts: true without checks;
   * otherwise every Marathon check alive and the Mesos check (if any) healthy.
   */
  healthy(instance: Instance, app: AppDefinition | undefined = this.state.apps.get(instance.appId)): boolean {
    if (!app || app.healthChecks.length === 0) return true;
    const marathonChecks = app.healthChecks.filter(isMarathonHealthCheck).length;
    const results = this.runners.get(instance.instanceId) ?? [];
    if (marathonChecks > 0 && (results.length < marathonChecks || !results.every((r) => r.result.alive))) return false;
    return this.mesosHealthy(instance, app);
  }

  /** undefined when the app has no checks at all (counts report no health then). */
  healthState(instance: Instance): boolean | undefined {
    const app = this.state.apps.get(instance.appId);
    if (!app || app.healthChecks.length === 0 || instance.condition !== 'Running') return undefined;
    return this.healthy(instance, app);
  }

  private mesosHealthy(instance: Instance, app: AppDefinition): boolean {
    const hasMesosCheck = app.healthChecks.some((h) => !isMarathonHealthCheck(h));
    return !hasMesosCheck || instance.task?.mesosHealthy === true;
  }

  /** Starts checks for running instances and drops those of instances gone or relaunched. */
  sync(): void {
    if (this.stopped) return;
    const live = new Set<string>();
    for (const instance of this.state.instances.values()) {
      const app = this.state.apps.get(instance.appId);
      const checks = app?.healthChecks.filter(isMarathonHealthCheck) ?? [];
      if (!app || checks.length === 0 || !instance.task || !isActive(instance) || instance.condition !== 'Running') continue;
      live.add(instance.instanceId);
      const existing = this.runners.get(instance.instanceId);
      if (existing && existing[0]?.taskId === instance.task.taskId) continue;
      if (existing) this.drop(instance.instanceId);
      const runners = checks.map((check, index): Runner => {
        const runner: Runner = {
          taskId: instance.task!.taskId,
          result: { alive: false, consecutiveFailures: 0, firstSuccess: null, lastSuccess: null, lastFailure: null, lastFailureCause: null, instanceId: instance.instanceId },
        };
        runner.timer = setTimeout(() => void this.run(instance.instanceId, index, check, runner), 0);
        return runner;
      });
      this.runners.set(instance.instanceId, runners);
      this.events.publish('add_health_check_event', { appId: app.id, version: app.version, healthCheck: checks[0] });
    }
    for (const id of [...this.runners.keys()]) if (!live.has(id)) this.drop(id);
  }

  stop(): void {
    this.stopped = true;
    for (const id of [...this.runners.keys()]) this.drop(id);
  }

  private drop(instanceId: string): void {
    for (const r of this.runners.get(instanceId) ?? []) if (r.timer) clearTimeout(r.timer);
    this.runners.delete(instanceId);
  }

  private async run(instanceId: string, index: number, check: HealthCheckSpec, runner: Runner): Promise<void> {
    const instance = this.state.instances.get(instanceId);
    if (this.stopped || this.runners.get(instanceId)?.[index] !== runner || !instance?.task) return;
    const task = instance.task;
    const port = check.port ?? task.hostPorts[check.portIndex ?? 0];
    const cause = port === undefined ? 'no port to check' : await probe(check, task.host, port);
    if (this.stopped || this.runners.get(instanceId)?.[index] !== runner) return;
    if (cause !== 'ignored') this.record(instance, check, runner, cause);
    runner.timer = setTimeout(() => void this.run(instanceId, index, check, runner), check.intervalSeconds * 1000);
    runner.timer.unref();
  }

  private record(instance: Instance, check: HealthCheckSpec, runner: Runner, cause: string | undefined): void {
    const now = this.now();
    const stamp = new Date(now).toISOString();
    const r = runner.result;
    const wasAlive = r.alive;
    if (cause === undefined) {
      r.alive = true;
      r.consecutiveFailures = 0;
      r.firstSuccess ??= stamp;
      r.lastSuccess = stamp;
    } else {
      const startedAt = instance.task?.startedAt ?? instance.task?.stagedAt ?? now;
      const inGrace = r.firstSuccess === null && now - startedAt < check.gracePeriodSeconds * 1000;
      if (inGrace) return;
      this.events.publish('failed_health_check_event', { appId: instance.appId, taskId: instance.instanceId, instanceId: instance.instanceId, healthCheck: check });
      const reachedLimit = check.maxConsecutiveFailures > 0 && r.consecutiveFailures >= check.maxConsecutiveFailures;
      r.alive = false;
      r.consecutiveFailures++;
      r.lastFailure = stamp;
      r.lastFailureCause = cause;
      if (reachedLimit) {
        this.logger.info(`Killing unhealthy task ${instance.task?.taskId}: ${cause}`);
        this.events.publish('unhealthy_instance_kill_event', {
          appId: instance.appId,
          taskId: instance.task?.taskId,
          instanceId: instance.instanceId,
          version: instance.runSpecVersion,
          reason: cause,
          host: instance.task?.host,
          slaveId: instance.task?.agentId,
        });
        this.kill(instance);
      }
    }
    if (wasAlive !== r.alive) {
      this.events.publish('health_status_changed_event', { appId: instance.appId, instanceId: instance.instanceId, version: instance.runSpecVersion, alive: r.alive });
      this.events.publish('instance_health_changed_event', { instanceId: instance.instanceId, runSpecId: instance.appId, healthy: r.alive, runSpecVersion: instance.runSpecVersion });
    }
  }
}
