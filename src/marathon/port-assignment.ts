/**
 * Ports (§6.2 of the reference). Pure; randomness is a parameter.
 *
 * - Host ports, per task, from the offer's `ports` ranges: under host
 *   networking one port per port definition (random offered ports, or exactly
 *   the definitions' ports with `requirePorts`); with port mappings, `hostPort`
 *   0 = any offered port, n = that port (must be offered), absent = none.
 * - Service ports, per app, at deploy time: every 0 becomes the lowest port of
 *   `--local_port_min..max` (10000–20000) used by no other app, reusing the
 *   app's own earlier ports first.
 */
import type { Range } from '../mesos/types.js';
import { coalesceRanges } from '../mesos/values.js';
import type { AppDefinition } from './app-definition.js';
import { isHostNetworking, SERVICE_PORT_RANGE } from './app-definition.js';
import type { AppSpec } from './app-reader.js';

/** What a port index needs from the offer: undefined = nothing, 0 = any port, n = port n. */
export type HostPortRequest = number | undefined;

/** Per port index, the host port the app's tasks need. */
export function hostPortRequests(app: Pick<AppDefinition, 'networks' | 'portDefinitions' | 'container' | 'requirePorts'>): HostPortRequest[] {
  if (isHostNetworking(app)) return app.portDefinitions.map((d) => (app.requirePorts ? d.port : 0));
  return (app.container?.portMappings ?? []).map((m) => m.hostPort);
}

function inRanges(port: number, ranges: readonly Range[]): boolean {
  return ranges.some((r) => r.begin <= port && port <= r.end);
}

/**
 * Chooses host ports for one task from `offered` ranges. Returns the port per
 * index (undefined where none is wanted), or undefined when the offer cannot
 * satisfy the requests (a fixed port not offered, or too few ports). Chosen
 * ports are distinct; `random` returns numbers in [0, 1).
 */
export function assignHostPorts(
  requests: readonly HostPortRequest[],
  offered: readonly Range[],
  random: () => number,
): Array<number | undefined> | undefined {
  const taken = new Set<number>();
  const out: Array<number | undefined> = requests.map(() => undefined);
  // Fixed ports first, so "any" ports never steal them.
  for (let i = 0; i < requests.length; i++) {
    const want = requests[i];
    if (want === undefined || want === 0) continue;
    if (!inRanges(want, offered) || taken.has(want)) return undefined;
    taken.add(want);
    out[i] = want;
  }
  let free = coalesceRanges(offered);
  const remove = (port: number): void => {
    free = free.flatMap((r) =>
      port < r.begin || port > r.end
        ? [r]
        : [
            ...(port > r.begin ? [{ begin: r.begin, end: port - 1 }] : []),
            ...(port < r.end ? [{ begin: port + 1, end: r.end }] : []),
          ],
    );
  };
  for (const port of taken) remove(port);
  for (let i = 0; i < requests.length; i++) {
    if (requests[i] !== 0) continue;
    const total = free.reduce((n, r) => n + (r.end - r.begin + 1), 0);
    if (total === 0) return undefined;
    let index = Math.min(total - 1, Math.floor(random() * total));
    let chosen = -1;
    for (const r of free) {
      const size = r.end - r.begin + 1;
      if (index < size) {
        chosen = r.begin + index;
        break;
      }
      index -= size;
    }
    out[i] = chosen;
    remove(chosen);
  }
  return out;
}

/** Chosen host ports as minimal ranges (for the task's `ports` resource). */
export function portsAsRanges(ports: ReadonlyArray<number | undefined>): Range[] {
  return coalesceRanges(ports.filter((p): p is number => p !== undefined).map((p) => ({ begin: p, end: p })));
}

/** No free service port is left. Not retryable until apps are removed. */
export class ServicePortsExhaustedError extends Error {
  readonly code = 'SERVICE_PORTS_EXHAUSTED';
  constructor(readonly min: number, readonly max: number) {
    super(`All ports in the range [${min}-${max}) are already in use`);
    this.name = 'ServicePortsExhaustedError';
  }
}

/**
 * `spec` with every 0 service port replaced: first by the previous version's
 * port at the same index (if not used by another app), then by the lowest
 * free port in `range`. `usedByOthers` holds every service port of all other
 * apps. Throws ServicePortsExhaustedError.
 */
export function allocateServicePorts<T extends AppSpec>(
  spec: T,
  usedByOthers: ReadonlySet<number>,
  previous?: Pick<AppDefinition, 'networks' | 'portDefinitions' | 'container'>,
  range: { min: number; max: number } = SERVICE_PORT_RANGE,
): T {
  const host = isHostNetworking(spec);
  const current = host ? spec.portDefinitions.map((d) => d.port) : (spec.container?.portMappings ?? []).map((m) => m.servicePort);
  const before = previous ? (isHostNetworking(previous) ? previous.portDefinitions.map((d) => d.port) : (previous.container?.portMappings ?? []).map((m) => m.servicePort)) : [];
  const used = new Set<number>([...usedByOthers, ...current.filter((p) => p !== 0)]);
  let next = range.min;
  const assigned = current.map((port, i) => {
    if (port !== 0) return port;
    const reuse = before[i];
    if (reuse !== undefined && reuse !== 0 && !used.has(reuse)) {
      used.add(reuse);
      return reuse;
    }
    while (next <= range.max && used.has(next)) next++;
    if (next > range.max) throw new ServicePortsExhaustedError(range.min, range.max);
    used.add(next);
    return next;
  });
  if (host) return { ...spec, portDefinitions: spec.portDefinitions.map((d, i) => ({ ...d, port: assigned[i]! })) };
  if (!spec.container?.portMappings) return spec;
  return {
    ...spec,
    container: { ...spec.container, portMappings: spec.container.portMappings.map((m, i) => ({ ...m, servicePort: assigned[i]! })) },
  };
}
