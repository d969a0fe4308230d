/**
 * Does one more instance of an app fit in (what is left of) an offer?
 * The checks run in Marathon's order, each failure named with Marathon's
 * reject reason (shown in `/v2/queue` `processedOffersSummary`):
 *
 *   roles (UnfulfilledRole) → cpus/mem/disk/gpus (Insufficient*) →
 *   constraints (UnfulfilledConstraint) → ports (InsufficientPorts)
 *
 * Pure: the offer view, the already placed instances and `random` are inputs.
 */
import type { Attribute, Resource } from '../mesos/types.js';
import { reservationRole, scalarOf, rangesOf, subtractResources } from '../mesos/resources.js';
import { takeResources } from '../scheduler/offer-matcher.js';
import type { AppDefinition } from './app-definition.js';
import { firstUnmetConstraint, formatConstraint, parseConstraint, type PlacementSite } from './constraints.js';
import { assignHostPorts, hostPortRequests, portsAsRanges } from './port-assignment.js';

/** Marathon's names for why an offer was not used. */
export type RejectReason =
  | 'UnfulfilledRole'
  | 'UnfulfilledConstraint'
  | 'InsufficientCpus'
  | 'InsufficientMemory'
  | 'InsufficientDisk'
  | 'InsufficientGpus'
  | 'InsufficientPorts'
  | 'AgentMaintenance';

/** What the matcher sees of an offer: its agent and the resources not yet handed out. */
export interface OfferView {
  agentId: string;
  hostname: string;
  attributes: readonly Attribute[];
  resources: readonly Resource[];
}

/** A fit: resource pieces for TaskInfo.resources, the offer's rest, and host ports by port index. */
export interface MatchSuccess {
  ok: true;
  resources: Resource[];
  remaining: Resource[];
  hostPorts: Array<number | undefined>;
}

/** No fit, with every applicable reason and a human-readable detail. */
export interface MatchFailure {
  ok: false;
  reasons: RejectReason[];
  detail: string;
}

export type MatchResult = MatchSuccess | MatchFailure;

/**
 * Roles whose resources an app may use: `acceptedResourceRoles` if set, else
 * `defaultRoles` (`--default_accepted_resource_roles`), else `*` plus the
 * app's role (the 1.9+ default behaviour "any").
 */
export function acceptedRoles(app: Pick<AppDefinition, 'acceptedResourceRoles' | 'role'>, defaultRoles?: readonly string[]): string[] {
  if (app.acceptedResourceRoles && app.acceptedResourceRoles.length > 0) return [...app.acceptedResourceRoles];
  if (defaultRoles && defaultRoles.length > 0) return [...defaultRoles];
  return [...new Set(['*', app.role])];
}

const SCALARS: ReadonlyArray<[name: string, field: 'cpus' | 'mem' | 'disk' | 'gpus', reason: RejectReason]> = [
  ['cpus', 'cpus', 'InsufficientCpus'],
  ['mem', 'mem', 'InsufficientMemory'],
  ['disk', 'disk', 'InsufficientDisk'],
  ['gpus', 'gpus', 'InsufficientGpus'],
];

/**
 * Tries to fit one instance of `app` into `offer`. `placed` are the sites of
 * the app's live instances plus those placed earlier in this round (for
 * constraints). `roles` are the accepted roles (see `acceptedRoles`).
 */
export function matchInstance(
  app: AppDefinition,
  offer: OfferView,
  placed: readonly PlacementSite[],
  roles: readonly string[],
  random: () => number,
): MatchResult {
  const usable = offer.resources.filter((r) => roles.includes(reservationRole(r)));
  const scalarReasons: RejectReason[] = [];
  let roleOnly = true;
  for (const [name, field, reason] of SCALARS) {
    const want = app[field];
    if (want <= 0) continue;
    if (scalarOf(usable, name) + 1e-9 < want) {
      scalarReasons.push(reason);
      if (scalarOf(offer.resources, name) + 1e-9 < want) roleOnly = false;
    }
  }
  if (scalarReasons.length > 0) {
    const reasons: RejectReason[] = roleOnly ? ['UnfulfilledRole'] : scalarReasons;
    return { ok: false, reasons, detail: roleOnly ? `no resources of roles ${roles.join(',')}` : scalarReasons.join(', ') };
  }

  const site: PlacementSite = { hostname: offer.hostname, attributes: offer.attributes };
  const broken = firstUnmetConstraint(app.constraints.map(parseConstraint), site, placed);
  if (broken) return { ok: false, reasons: ['UnfulfilledConstraint'], detail: `constraint ${formatConstraint(broken)}` };

  const requests = hostPortRequests(app);
  const hostPorts = assignHostPorts(requests, rangesOf(usable, 'ports'), random);
  if (!hostPorts) {
    const unrestricted = assignHostPorts(requests, rangesOf(offer.resources, 'ports'), random);
    return unrestricted
      ? { ok: false, reasons: ['UnfulfilledRole'], detail: `no ports of roles ${roles.join(',')}` }
      : { ok: false, reasons: ['InsufficientPorts'], detail: 'ports not offered' };
  }

  const wanted: Resource[] = [];
  for (const [name, field] of SCALARS) {
    if (app[field] > 0) wanted.push({ name, type: 'SCALAR', scalar: { value: app[field] } });
  }
  const ranges = portsAsRanges(hostPorts);
  if (ranges.length > 0) wanted.push({ name: 'ports', type: 'RANGES', ranges: { range: ranges } });
  const taken = takeResources(usable, wanted);
  if (!taken) return { ok: false, reasons: ['InsufficientPorts'], detail: 'resources could not be carved from the offer' };
  return { ok: true, resources: taken.taken, remaining: subtractResources(offer.resources, taken.taken), hostPorts };
}
