/**
 * The allocator seam, as Mesos's `Allocator`: a pure module that decides which
 * framework (within which role) is offered which agent's free resources.
 * No I/O, no timers, no `Date.now`: every call that depends on time takes `now`
 * (milliseconds since the epoch, from the master's injected clock).
 *
 * Accounting: resources handed out in an allocation count as *allocated* to the
 * framework+role (offered or used, the allocator does not distinguish) until the
 * master gives them back with `recoverResources` (offer declined/rescinded/expired,
 * unused part of an accepted offer, task terminal).
 */
import type { Attribute, Resource } from '../../mesos/types.js';

/** One decision: offer `resources` of `agentId` to `frameworkId` under `role`. */
export interface Allocation {
  frameworkId: string;
  role: string;
  agentId: string;
  /**
   * What is offered: normalized, without `allocation_info`, and the
   * allocator's own list (read-only). Whoever builds the offer tags its copy
   * with `role` (`withAllocationRole`, Mesos's `Resources::allocate(role)`);
   * the master did that for every offer anyway, so a copy made here as well
   * was built twice per offer. Given back as is to `recoverResources`.
   */
  resources: readonly Resource[];
}

export interface AllocatorFramework {
  /** Roles the framework subscribed with (`roles`, or `[role ?? '*']`). */
  roles: string[];
  /** Roles for which it asked not to receive offers (SUPPRESS / suppressed_roles). */
  suppressedRoles?: string[];
  /** Frameworks without GPU_RESOURCES get no offers from agents that have gpus. */
  gpuAware?: boolean;
}

export interface AllocatorAgent {
  hostname: string;
  /** Total resources of the agent (unreserved `*` or statically reserved to a role). */
  total: Resource[];
  attributes?: Attribute[];
}

/** Already-allocated resources when an agent (re)joins with running tasks. */
export interface AllocatedOnAgent {
  frameworkId: string;
  role: string;
  resources: Resource[];
}

export interface AllocatorOptions {
  /** Role weights (`--weights`), default 1. */
  weights?: Record<string, number>;
  /**
   * Minimum allocatable resources (`--min_allocatable_resources`, default
   * `cpus:0.01|mem:32`): an offer must contain at least one of these sets.
   */
  minAllocatable?: Array<Record<string, number>>;
}

/** The allocator interface the master depends on. */
export interface Allocator {
  addFramework(frameworkId: string, framework: AllocatorFramework, active: boolean): void;
  /** Forgets the framework; its allocations must already have been recovered. */
  removeFramework(frameworkId: string): void;
  activateFramework(frameworkId: string): void;
  /** Inactive frameworks get no offers (disconnected schedulers). */
  deactivateFramework(frameworkId: string): void;
  /** New roles / suppressed roles (UPDATE_FRAMEWORK, SUBSCRIBE of a known framework). */
  updateFramework(frameworkId: string, framework: AllocatorFramework): void;

  addAgent(agentId: string, agent: AllocatorAgent, allocated: AllocatedOnAgent[]): void;
  removeAgent(agentId: string): void;
  activateAgent(agentId: string): void;
  /** Inactive agents are not offered (disconnected or unreachable). */
  deactivateAgent(agentId: string): void;

  /**
   * Gives `resources` on `agentId` back from `frameworkId`'s `role` allocation.
   * With `refuseSeconds` > 0, installs a filter: those resources of that agent are
   * not re-offered to that framework+role until `now + refuseSeconds*1000`.
   * Unknown framework or agent: ignored (may race with removal).
   */
  recoverResources(
    frameworkId: string,
    agentId: string,
    role: string,
    resources: readonly Resource[],
    refuseSeconds: number,
    now: number,
  ): void;

  /** SUPPRESS: stop offers for these roles (all subscribed roles when empty). Filters kept. */
  suppressOffers(frameworkId: string, roles: string[]): void;
  /** REVIVE: clear filters and un-suppress these roles (all subscribed roles when empty). */
  reviveOffers(frameworkId: string, roles: string[]): void;

  updateWeights(weights: Record<string, number>): void;

  /**
   * One allocation pass over all active agents (or only `agentIds`), hierarchical DRF:
   * roles by weighted dominant share, then frameworks within a role by dominant share.
   * Returns at most one Allocation per (framework, role, agent). Deterministic: ties
   * broken by id.
   */
  allocate(now: number, agentIds?: string[]): Allocation[];

  /** Earliest time (ms) an offer filter expires, so the master can schedule a pass. */
  nextFilterExpiry(): number | undefined;

  /** Per-role allocated quantities, for `/master/roles` and metrics. */
  roleAllocations(): Record<string, Resource[]>;
}
