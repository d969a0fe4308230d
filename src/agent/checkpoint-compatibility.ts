/**
 * `--reconfiguration_policy`: may a restarted agent recover under the agent
 * info it checkpointed (`meta/slaves/<id>/slave.info`) when its flags now give
 * a different one? Mirrors `compatibility::equal` / `compatibility::additive`
 * in Mesos's `src/slave/compatibility.cpp`, checked in `Slave::recover`.
 *
 * - `equal` (default): hostname, port, resources and attributes must be the
 *   same (order of entries does not matter). Mesos prints both infos over
 *   several lines; we name the first difference on one line, which is what an
 *   operator reading a failed start needs.
 * - `additive`: hostname and port unchanged; every previous resource still
 *   present with at least its value (scalars not smaller, ranges and sets
 *   supersets); every previous attribute present with the same type and value
 *   (ranges may grow). New resources and attributes are allowed.
 *
 * Pure: no I/O, no time.
 */
import { containsResources, formatResources, normalizeResources, rangesOf, scalarOf } from '../mesos/resources.js';
import { summarizeAttributes } from '../mesos/attributes.js';
import { formatRanges, formatScalar, formatSet, rangesContain } from '../mesos/values.js';
import type { AgentInfo, Attribute, Resource } from '../mesos/types.js';

/**
 * The checkpointed agent info does not allow this restart: the agent must not
 * recover (Mesos: `Slave::recover` fails and the agent exits). `--strict=false`
 * does not lift it. `reason` is `checkAgentInfoCompatible`'s line.
 */
export class IncompatibleAgentInfoError extends Error {
  readonly code = 'AGENT_INFO_INCOMPATIBLE';
  constructor(
    readonly reason: string,
    readonly policy: ReconfigurationPolicy,
  ) {
    super(reason);
    this.name = 'IncompatibleAgentInfoError';
  }
}

/** The two policies of Mesos's `--reconfiguration_policy`. */
export type ReconfigurationPolicy = 'equal' | 'additive';

/**
 * Returns undefined when `current` may recover under `previous` with `policy`,
 * else a one-line reason naming the first difference, e.g.
 * `Configuration change not permitted under 'equal' policy: Resources changed from cpus:2;mem:1024 to cpus:1;mem:1024`.
 * Only hostname, port, resources and attributes are compared (ids and
 * capabilities may differ: the agent fills them itself).
 */
export function checkAgentInfoCompatible(previous: AgentInfo, current: AgentInfo, policy: ReconfigurationPolicy): string | undefined {
  const why = (what: string): string => `Configuration change not permitted under '${policy}' policy: ${what}`;
  if (previous.hostname !== current.hostname) return why(`Hostname changed from ${previous.hostname} to ${current.hostname}`);
  if ((previous.port ?? 5051) !== (current.port ?? 5051)) return why(`Port changed from ${previous.port ?? 5051} to ${current.port ?? 5051}`);
  const before = normalizeResources(previous.resources ?? []);
  const after = normalizeResources(current.resources ?? []);
  const attrsBefore = previous.attributes ?? [];
  const attrsAfter = current.attributes ?? [];
  if (policy === 'equal') {
    if (!(containsResources(before, after) && containsResources(after, before))) {
      return why(`Resources changed from ${formatResources(before)} to ${formatResources(after)}`);
    }
    if (attributesKey(attrsBefore) !== attributesKey(attrsAfter)) {
      return why(`Attributes changed from ${formatAttributes(attrsBefore)} to ${formatAttributes(attrsAfter)}`);
    }
    return undefined;
  }
  for (const resource of before) {
    const problem = resourceShrunk(resource, after);
    if (problem) return why(problem);
  }
  for (const attribute of attrsBefore) {
    const problem = attributeChanged(attribute, attrsAfter);
    if (problem) return why(problem);
  }
  return undefined;
}

function resourceShrunk(resource: Resource, current: Resource[]): string | undefined {
  if (containsResources(current, [resource])) return undefined;
  const candidates = current.filter((r) => r.name === resource.name && r.type === resource.type);
  if (candidates.length === 0) return `Resource not found: ${formatResources([resource])}`;
  switch (resource.type) {
    case 'SCALAR':
      return `Value of scalar resource '${resource.name}' decreased from ${formatScalar(resource.scalar?.value ?? 0)} to ${formatScalar(scalarOf(candidates, resource.name))}`;
    case 'RANGES':
      return `Previous value of range resource '${resource.name}' (${formatRanges(resource.ranges?.range ?? [])}) not included in current ${formatRanges(rangesOf(candidates, resource.name))}`;
    case 'SET':
      return `Previous value of set resource '${resource.name}' (${formatSet(resource.set?.item ?? [])}) not included in current ${formatSet(candidates.flatMap((c) => c.set?.item ?? []))}`;
    default:
      // Same name and type but another reservation, disk or revocability: report both sides whole.
      return `Resource not found: ${formatResources([resource])}`;
  }
}

function attributeChanged(attribute: Attribute, current: Attribute[]): string | undefined {
  const match = current.find((a) => a.name === attribute.name);
  const shown = (a: Attribute): string => String(summarizeAttributes([a])[a.name]);
  if (!match) return `Couldn't find attribute ${attribute.name}:${shown(attribute)}`;
  if (match.type !== attribute.type) return `Type of attribute '${attribute.name}' changed from ${attribute.type} to ${match.type}`;
  if (attribute.type === 'RANGES') {
    if (rangesContain(match.ranges?.range ?? [], attribute.ranges?.range ?? [])) return undefined;
    return `Previous value of ranges attribute '${attribute.name}' (${shown(attribute)}) not included in current ${shown(match)}`;
  }
  if (shown(attribute) !== shown(match)) {
    return `Value of ${attribute.type.toLowerCase()} attribute '${attribute.name}' changed from ${shown(attribute)} to ${shown(match)}`;
  }
  return undefined;
}

/** Order-insensitive identity of an attribute list. */
function attributesKey(attributes: Attribute[]): string {
  return attributes
    .map((a) => `${a.name}\u0000${a.type}\u0000${summarizeAttributes([a])[a.name]}`)
    .sort()
    .join('\u0001');
}

function formatAttributes(attributes: Attribute[]): string {
  if (attributes.length === 0) return '(none)';
  return Object.entries(summarizeAttributes(attributes))
    .map(([name, value]) => `${name}:${value}`)
    .join(';');
}
