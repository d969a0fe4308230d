/**
 * The hierarchical DRF allocator (Mesos `--allocator=HierarchicalDRF` with
 * `--role_sorter=drf --framework_sorter=drf`): for each agent, roles in order
 * of weighted dominant share, then frameworks within the role in order of
 * dominant share; the first eligible framework gets everything on the agent
 * that its role may use.
 *
 * Mirrors `HierarchicalAllocatorProcess::allocate` in Mesos's
 * `src/master/allocator/mesos/hierarchical.cpp`, without quota, revocable or
 * shared resources, offer constraints and inverse offers. Differences on
 * purpose: agents are visited sorted by id (Mesos shuffles) so a pass is
 * deterministic; roles are flat in the sorter (no role tree), though
 * reservations to a parent role still serve its sub-roles.
 *
 * Pure: no I/O, no timers; time comes in as `now` (ms since the epoch).
 */
import type { Resource } from '../../mesos/types.js';
import type {
  AllocatedOnAgent,
  Allocation,
  Allocator,
  AllocatorAgent,
  AllocatorFramework,
  AllocatorOptions,
} from './allocator.js';
import { AgentLedger } from './agent-ledger.js';
import { AgentTotals } from './ledger-memo.js';
import { DRFSorter } from './drf-sorter.js';
import { MinAllocatable } from './min-allocatable.js';
import { OfferFilters, type OfferFilter } from './offer-filters.js';
import {
  addQuantities,
  FAIR_KINDS,
  subtractQuantities,
  zeroQuantities,
  type Quantities,
} from './quantities.js';

/** A framework as the allocator tracks it. */
interface FrameworkState {
  readonly id: string;
  /** False while only known from an agent's running tasks (not subscribed yet). */
  known: boolean;
  active: boolean;
  roles: Set<string>;
  suppressed: Set<string>;
  gpuAware: boolean;
  /** Roles whose framework sorter holds this framework (subscribed or holding resources). */
  readonly memberOf: Set<string>;
}

/** A role: its frameworks, ordered by their dominant share within the role. */
interface RoleState {
  readonly name: string;
  readonly frameworks: DRFSorter<FrameworkState>;
}

/** Hierarchical DRF implementation of the master's {@link Allocator} seam. */
export class HierarchicalDRFAllocator implements Allocator {
  private readonly roleSorter = new DRFSorter<RoleState>();
  private readonly frameworks = new Map<string, FrameworkState>();
  private readonly agents = new Map<string, AgentLedger>();
  private readonly filters = new OfferFilters();
  private readonly minAllocatable: MinAllocatable;
  private readonly weights = new Map<string, number>();
  /** Fair-kind total of every added agent (active or not, as Mesos's sorter total). */
  private readonly total: Quantities = zeroQuantities();
  private totalDirty = false;
  /** Agents sorted by id, built on the first pass that needs it; `added` are not in it yet. */
  private agentOrder: AgentLedger[] | undefined;
  /** Agents added since `agentOrder` was last brought up to date; empty while there is no order. */
  private readonly added = new Set<AgentLedger>();
  /** Agents' totals in the ledgers' form, shared between agents of one shape. */
  private readonly totals = new AgentTotals();

  /** @param options `--weights` and `--min_allocatable_resources` (default `cpus:0.01|mem:32`). */
  constructor(options: AllocatorOptions = {}) {
    this.minAllocatable = new MinAllocatable(options.minAllocatable);
    for (const [role, w] of Object.entries(options.weights ?? {})) this.weights.set(role, w);
  }

  // -------------------------------------------------------------------------
  // Frameworks

  /** Adds (or completes, if only known from agents' running tasks) a framework. */
  addFramework(frameworkId: string, framework: AllocatorFramework, active: boolean): void {
    const fw = this.frameworks.get(frameworkId) ?? this.newFramework(frameworkId);
    fw.known = true;
    fw.active = active;
    this.applyFrameworkInfo(fw, framework);
  }

  /**
   * Forgets the framework. Anything it still holds goes back to the agents
   * (the master should have recovered it already); its filters are dropped.
   */
  removeFramework(frameworkId: string): void {
    const fw = this.frameworks.get(frameworkId);
    if (!fw) return;
    for (const agent of this.agents.values()) {
      for (const a of agent.recoverFramework(frameworkId)) this.unallocate(frameworkId, a.role, a.q);
    }
    for (const role of [...fw.memberOf]) this.dropClient(fw, role);
    this.filters.clearFramework(frameworkId);
    this.frameworks.delete(frameworkId);
  }

  activateFramework(frameworkId: string): void {
    const fw = this.frameworks.get(frameworkId);
    if (!fw || !fw.known) return;
    fw.active = true;
    this.syncAll(fw);
  }

  deactivateFramework(frameworkId: string): void {
    const fw = this.frameworks.get(frameworkId);
    if (!fw) return;
    fw.active = false;
    this.syncAll(fw);
  }

  /** New roles, suppressed roles or capabilities. Unknown framework: ignored. */
  updateFramework(frameworkId: string, framework: AllocatorFramework): void {
    const fw = this.frameworks.get(frameworkId);
    if (!fw || !fw.known) return;
    this.applyFrameworkInfo(fw, framework);
  }

  /** SUPPRESS for `roles` (all subscribed roles when empty); filters are kept. */
  suppressOffers(frameworkId: string, roles: string[]): void {
    const fw = this.frameworks.get(frameworkId);
    if (!fw) return;
    for (const role of roles.length > 0 ? roles : [...fw.roles]) fw.suppressed.add(role);
    this.syncAll(fw);
  }

  /** REVIVE for `roles` (all subscribed roles when empty): clears filters, un-suppresses. */
  reviveOffers(frameworkId: string, roles: string[]): void {
    const fw = this.frameworks.get(frameworkId);
    if (!fw) return;
    if (roles.length > 0) {
      this.filters.clearFramework(frameworkId, roles);
      for (const role of roles) fw.suppressed.delete(role);
    } else {
      this.filters.clearFramework(frameworkId);
      fw.suppressed.clear();
    }
    this.syncAll(fw);
  }

  // -------------------------------------------------------------------------
  // Agents

  /**
   * Adds an agent with its total and the resources its running tasks already
   * use (frameworks not subscribed yet are tracked until they are).
   * Re-adding a known id replaces the old record.
   */
  addAgent(agentId: string, agent: AllocatorAgent, allocated: AllocatedOnAgent[]): void {
    if (this.agents.has(agentId)) this.removeAgent(agentId);
    const ledger = new AgentLedger(agentId, agent.hostname, this.totals.canonical(agent.total));
    this.agents.set(agentId, ledger);
    addQuantities(this.total, ledger.totalQ);
    this.totalDirty = true;
    // Merged into the order at the next pass rather than re-sorting everything
    // (thousands of agents registering, with passes in between, sorted them all
    // each time) or inserting one by one (10,000 agents reregistering moved
    // ~50 million array slots, ~5 % of a failover's work).
    if (this.agentOrder) this.added.add(ledger);
    // One preallocation per framework and role, not per task: an agent coming
    // back with 10 tasks of one framework paid 10 rounds of resource arithmetic,
    // a fifth of a failover's reregistration time at 100,000 tasks.
    const grouped = new Map<string, { frameworkId: string; role: string; lists: Resource[][] }>();
    // An agent's tasks mostly come in runs of one framework and role: a run's
    // later tasks join the group of the one before without building its key.
    let last: { frameworkId: string; role: string; lists: Resource[][] } | undefined;
    for (const a of allocated) {
      if (last === undefined || last.frameworkId !== a.frameworkId || last.role !== a.role) {
        const key = `${a.frameworkId}\u0000${a.role}`;
        last = grouped.get(key);
        if (!last) grouped.set(key, (last = { frameworkId: a.frameworkId, role: a.role, lists: [] }));
      }
      last.lists.push(a.resources);
    }
    for (const a of grouped.values()) {
      const fw = this.frameworks.get(a.frameworkId) ?? this.newFramework(a.frameworkId);
      const q = ledger.preallocate(a.frameworkId, a.role, a.lists);
      this.ensureClient(fw, a.role);
      this.allocateQ(a.frameworkId, a.role, q);
      this.syncClient(fw, a.role);
    }
  }

  /** Removes the agent: its allocations leave the sorters, its filters are dropped. */
  removeAgent(agentId: string): void {
    const agent = this.agents.get(agentId);
    if (!agent) return;
    for (const a of agent.allocationList()) {
      this.unallocate(a.frameworkId, a.role, a.q);
      const fw = this.frameworks.get(a.frameworkId);
      if (fw) this.syncClient(fw, a.role);
    }
    subtractQuantities(this.total, agent.totalQ);
    this.totalDirty = true;
    this.agents.delete(agentId);
    // Not merged first: an agent reregistering with this master is removed and added
    // again, and merging on each removal rebuilt the whole order every time.
    if (this.agentOrder && !this.added.delete(agent)) {
      const at = lowerBound(this.agentOrder, agentId);
      if (this.agentOrder[at] === agent) this.agentOrder.splice(at, 1);
      else {
        // Rebuilt from `agents` at the next pass, the additions with it.
        this.agentOrder = undefined;
        this.added.clear();
      }
    }
    this.filters.clearAgent(agentId);
  }

  activateAgent(agentId: string): void {
    const agent = this.agents.get(agentId);
    if (agent) agent.active = true;
  }

  deactivateAgent(agentId: string): void {
    const agent = this.agents.get(agentId);
    if (agent) agent.active = false;
  }

  // -------------------------------------------------------------------------
  // Resources

  /**
   * Gives resources back (declined/rescinded offer, unused part of an accepted
   * one, finished task) and, with `refuseSeconds` > 0, installs a filter.
   * Unknown framework or agent, or nothing allocated there: ignored.
   * @throws AllocatorInvariantError if more is given back than was allocated.
   */
  recoverResources(
    frameworkId: string,
    agentId: string,
    role: string,
    resources: readonly Resource[],
    refuseSeconds: number,
    now: number,
  ): void {
    const agent = this.agents.get(agentId);
    const fw = this.frameworks.get(frameworkId);
    if (!agent || !fw) return;
    const q = agent.recover(frameworkId, role, resources);
    if (q) {
      this.unallocate(frameworkId, role, q);
      this.syncClient(fw, role);
    }
    if (fw.known) this.filters.install(frameworkId, role, agentId, resources, refuseSeconds, now);
  }

  /** Replaces the weights of the given roles (others keep theirs). */
  updateWeights(weights: Record<string, number>): void {
    for (const [role, w] of Object.entries(weights)) {
      this.weights.set(role, w);
      this.roleSorter.setWeight(role, w);
    }
  }

  /**
   * One allocation pass; see the class comment. Returns at most one Allocation
   * per (framework, role, agent), in agent-id order; resources untagged (see
   * `Allocation.resources`).
   */
  allocate(now: number, agentIds?: string[]): Allocation[] {
    this.syncTotals();
    this.filters.sweep(now);
    const out: Allocation[] = [];
    const agents = agentIds === undefined ? this.sortedAgents() : this.pickAgents(agentIds);
    const roleOrder = this.roleSorter.order();
    for (const agent of agents) {
      if (!agent.active || agent.exhausted) continue;
      // Allocating re-sorts roleOrder in place. With only unreserved resources
      // the agent is exhausted by its first allocation and we stop; with
      // reserved ones more roles may follow, so iterate over a copy.
      const roles = agent.hasReservedAvailable ? roleOrder.slice() : roleOrder;
      for (let i = 0; i < roles.length; i++) {
        const role = roles[i]!;
        const offer = agent.offerable(role.name);
        if (!offer || !this.minAllocatable.passes(offer.q, offer.resources)) continue;
        // Inactive frameworks and suppressed roles are not in the order at all.
        for (const entry of role.payload.frameworks.order()) {
          const fw = entry.payload;
          if (agent.hasGpus && !fw.gpuAware) continue;
          if (this.filters.hasAny(fw.id) && this.filters.blocks(fw.id, role.name, agent.id, offer.resources, now)) continue;
          out.push({
            frameworkId: fw.id,
            role: role.name,
            agentId: agent.id,
            resources: offer.resources,
          });
          agent.take(fw.id, role.name, offer);
          // Updated now, so the next agent already sees the new shares: that is
          // what makes DRF interleave frameworks within a single pass.
          this.allocateQ(fw.id, role.name, offer.q);
          break;
        }
        if (agent.exhausted) break;
      }
    }
    return out;
  }

  /** Earliest expiry (ms) of an installed filter, or undefined. May be in the past until the next pass. */
  nextFilterExpiry(): number | undefined {
    return this.filters.nextExpiry();
  }

  /** Allocated scalar quantities per role (cpus, mem, disk, gpus; zero kinds left out). */
  roleAllocations(): Record<string, Resource[]> {
    const out: Record<string, Resource[]> = {};
    for (const role of this.roleSorter.names()) out[role] = toScalarResources(this.roleSorter.allocation(role));
    return out;
  }

  // -------------------------------------------------------------------------
  // Introspection (tests, /master/roles, describe)

  /** Weighted dominant share of `role` in [0, 1/weight]. */
  roleShare(role: string): number {
    this.syncTotals();
    return this.roleSorter.share(role);
  }

  /** Dominant share of `frameworkId` within `role`. */
  frameworkShare(role: string, frameworkId: string): number {
    this.syncTotals();
    return this.roleSorter.get(role)?.frameworks.share(frameworkId) ?? 0;
  }

  /** Installed filters, sorted. */
  filterList(): OfferFilter[] {
    return this.filters.list();
  }

  /** Available resources of an agent (without allocation_info), or undefined if unknown. */
  agentAvailable(agentId: string): Resource[] | undefined {
    return this.agents.get(agentId)?.available();
  }

  /** What each framework+role holds on an agent (without allocation_info), sorted. */
  agentAllocations(agentId: string): AllocatedOnAgent[] {
    return (this.agents.get(agentId)?.allocationList() ?? []).map((a) => ({
      frameworkId: a.frameworkId,
      role: a.role,
      // A copy: the ledger's list may be frozen and shared.
      resources: a.resources.slice(),
    }));
  }

  /** Multi-line state dump: roles and frameworks with shares, agents, filters. */
  describe(): string {
    this.syncTotals();
    const lines = [`total ${JSON.stringify(toRecord(this.total))}`, 'roles:'];
    const roles = this.roleSorter.describe('  ').split('\n');
    for (const name of this.roleSorter.names()) {
      lines.push(roles.find((l) => l.trimStart().startsWith(`${name} `)) ?? `  ${name}`);
      const fws = this.roleSorter.get(name)!.frameworks.describe('    ');
      if (fws) lines.push(fws);
    }
    lines.push('agents:');
    for (const agent of this.sortedAgents()) lines.push(`  ${agent.describe()}`);
    const filters = this.filters.list();
    if (filters.length > 0) {
      lines.push('filters:');
      for (const f of filters) lines.push(`  ${f.frameworkId}/${f.role}@${f.agentId} until ${f.expiresAt}`);
    }
    return lines.join('\n');
  }

  // -------------------------------------------------------------------------
  // Internals

  private newFramework(id: string): FrameworkState {
    const fw: FrameworkState = {
      id,
      known: false,
      active: false,
      roles: new Set(),
      suppressed: new Set(),
      gpuAware: false,
      memberOf: new Set(),
    };
    this.frameworks.set(id, fw);
    return fw;
  }

  private applyFrameworkInfo(fw: FrameworkState, info: AllocatorFramework): void {
    const before = [...fw.roles];
    fw.roles = new Set(info.roles);
    fw.suppressed = new Set(info.suppressedRoles ?? []);
    fw.gpuAware = info.gpuAware ?? false;
    for (const role of fw.roles) this.ensureClient(fw, role);
    for (const role of new Set([...before, ...fw.roles, ...fw.memberOf])) this.syncClient(fw, role);
  }

  private syncAll(fw: FrameworkState): void {
    for (const role of [...fw.memberOf]) this.syncClient(fw, role);
  }

  private role(name: string): RoleState {
    let role = this.roleSorter.get(name);
    if (!role) {
      role = { name, frameworks: new DRFSorter<FrameworkState>() };
      role.frameworks.setTotal(this.total);
      this.roleSorter.add(name, role, this.weights.get(name) ?? 1);
    }
    return role;
  }

  private ensureClient(fw: FrameworkState, roleName: string): void {
    const role = this.role(roleName);
    if (!role.frameworks.has(fw.id)) role.frameworks.add(fw.id, fw);
    fw.memberOf.add(roleName);
  }

  /**
   * Brings the framework's client in `roleName` in line with its state: in the
   * order iff subscribed, active and not suppressed; kept (inactive) while it
   * holds resources; dropped otherwise.
   */
  private syncClient(fw: FrameworkState, roleName: string): void {
    const role = this.roleSorter.get(roleName);
    if (!role || !role.frameworks.has(fw.id)) return;
    const subscribed = fw.known && fw.roles.has(roleName);
    if (!subscribed && !role.frameworks.hasAllocation(fw.id)) {
      this.dropClient(fw, roleName);
      return;
    }
    if (subscribed && fw.active && !fw.suppressed.has(roleName)) role.frameworks.activate(fw.id);
    else role.frameworks.deactivate(fw.id);
  }

  private dropClient(fw: FrameworkState, roleName: string): void {
    const role = this.roleSorter.get(roleName);
    fw.memberOf.delete(roleName);
    if (role) {
      role.frameworks.remove(fw.id);
      if (role.frameworks.size === 0) this.roleSorter.remove(roleName);
    }
    if (!fw.known && fw.memberOf.size === 0) this.frameworks.delete(fw.id);
  }

  private allocateQ(frameworkId: string, roleName: string, q: Quantities): void {
    this.roleSorter.get(roleName)?.frameworks.allocated(frameworkId, q);
    this.roleSorter.allocated(roleName, q);
  }

  private unallocate(frameworkId: string, roleName: string, q: Quantities): void {
    this.roleSorter.get(roleName)?.frameworks.unallocated(frameworkId, q);
    this.roleSorter.unallocated(roleName, q);
  }

  private syncTotals(): void {
    if (!this.totalDirty) return;
    this.roleSorter.setTotal(this.total);
    for (const name of this.roleSorter.names()) this.roleSorter.get(name)!.frameworks.setTotal(this.total);
    this.totalDirty = false;
  }

  private sortedAgents(): AgentLedger[] {
    if (!this.agentOrder) {
      this.agentOrder = [...this.agents.values()].sort(byId);
    } else if (this.added.size > 0) {
      this.agentOrder = mergeById(this.agentOrder, [...this.added].sort(byId));
      this.added.clear();
    }
    return this.agentOrder;
  }

  private pickAgents(ids: readonly string[]): AgentLedger[] {
    const picked: AgentLedger[] = [];
    for (const id of [...new Set(ids)].sort()) {
      const agent = this.agents.get(id);
      if (agent) picked.push(agent);
    }
    return picked;
  }
}

function toRecord(q: Quantities): Record<string, number> {
  const out: Record<string, number> = {};
  FAIR_KINDS.forEach((k, i) => (out[k] = q[i]!));
  return out;
}

function toScalarResources(q: Quantities): Resource[] {
  const out: Resource[] = [];
  FAIR_KINDS.forEach((name, i) => {
    if (q[i]! > 0) out.push({ name, type: 'SCALAR', scalar: { value: q[i]! } });
  });
  return out;
}

function byId(a: AgentLedger, b: AgentLedger): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The union of two lists sorted by id, sorted by id (ids are unique). */
function mergeById(a: readonly AgentLedger[], b: readonly AgentLedger[]): AgentLedger[] {
  const out = new Array<AgentLedger>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i]!.id < b[j]!.id ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}

/** First index of `order` (sorted by id) whose id is not below `id`. */
function lowerBound(order: readonly AgentLedger[], id: string): number {
  let lo = 0;
  let hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (order[mid]!.id < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
