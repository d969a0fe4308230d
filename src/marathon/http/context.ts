/**
 * What the REST routes see of Marathon: the state, the services that change
 * it, and helpers shared by the route files (JSON bodies, query flags,
 * AppInfo assembly).
 */
import type { FastifyRequest } from 'fastify';
import type { AppDefinition } from '../app-definition.js';
import type { AppService } from '../app-service.js';
import type { DeploymentManager } from '../deployment-manager.js';
import type { EventBus } from '../event-bus.js';
import type { HealthCheckManager } from '../health-checks.js';
import type { InstanceTracker } from '../instance-tracker.js';
import type { Launcher } from '../launcher.js';
import type { MarathonState } from '../marathon-state.js';
import { BadRequestError } from '../errors.js';
import { appInfoJson, type AppEmbeds } from '../views.js';
import type { AppJson } from '../app-json.js';
import type { GroupService } from '../group-service.js';

/** Static facts for `/v2/info` and headers. */
export interface ServerInfo {
  /** `host:port` this Marathon answers on (leader address). */
  leader: string;
  httpPort: number;
  marathonConfig: Record<string, unknown>;
  zookeeperConfig: Record<string, unknown>;
  version: string;
}

/** Everything a route needs. */
export interface MarathonContext {
  state: MarathonState;
  apps: AppService;
  groups: GroupService;
  deployments: DeploymentManager;
  tracker: InstanceTracker;
  launcher: Launcher;
  health: HealthCheckManager;
  events: EventBus;
  now: () => number;
  info: ServerInfo;
  /** Gives up leadership (`DELETE /v2/leader`); absent when nothing can take over. */
  abdicate?: () => void;
}

/** The request body as JSON; 400 `Invalid JSON` (details a string) when it does not parse. */
export function jsonBody(req: FastifyRequest): unknown {
  const raw = req.body;
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : typeof raw === 'string' ? raw : undefined;
  if (text === undefined) return raw;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidJsonBodyError((error as Error).message);
  }
}

/** A body that is not JSON at all. */
export class InvalidJsonBodyError extends BadRequestError {
  constructor(readonly details: string) {
    super('Invalid JSON');
  }
}

type Query = Record<string, string | string[] | undefined>;

/** A boolean query flag (`force=true`); `fallback` when absent. */
export function flag(req: FastifyRequest, name: string, fallback = false): boolean {
  const v = (req.query as Query)[name];
  const text = Array.isArray(v) ? v[v.length - 1] : v;
  if (text === undefined || text === '') return fallback;
  return text === 'true' || text === '1';
}

/** Every value of a repeatable query parameter (`embed=a&embed=b`). */
export function values(req: FastifyRequest, name: string): string[] {
  const q = req.query as Query;
  const v = q[name] ?? q[`${name}[]`];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** One query parameter's (last) value. */
export function param(req: FastifyRequest, name: string): string | undefined {
  const list = values(req, name);
  return list[list.length - 1];
}

/** AppInfo of `app` with `embeds`, from the live state. */
export function appInfo(ctx: MarathonContext, app: AppDefinition, embeds: AppEmbeds): AppJson {
  return appInfoJson(
    app,
    {
      instances: ctx.state.instancesOf(app.id),
      healthResults: (id) => ctx.health.results(id),
      healthOf: (i) => ctx.health.healthState(i),
      deploymentIds: ctx.deployments.deploymentsOf(app.id),
      ...(ctx.state.lastTaskFailures.has(app.id) ? { lastTaskFailure: ctx.state.lastTaskFailures.get(app.id)! } : {}),
    },
    embeds,
  );
}

/** The client address for events (`clientIp`). */
export function clientIp(req: FastifyRequest): string {
  return req.ip;
}
