/**
 * Test harness for the allocator: resource shorthands, a fake clock, and a
 * recording offer sink that plays simple frameworks (accept what fits, give
 * the rest back), so scenarios read as step lists.
 */
import { parseResourcesFlag, quantitiesOf, stripAllocationInfo } from '../../../src/mesos/resources.js';
import type { Resource } from '../../../src/mesos/types.js';
import type { Allocation, AllocatorOptions } from '../../../src/master/allocator/allocator.js';
import { HierarchicalDRFAllocator } from '../../../src/master/allocator/hierarchical-drf-allocator.js';

/** `--resources` text to Resource[] (`cpus:2;mem:1024;cpus(dev):1`). */
export function res(text: string): Resource[] {
  return parseResourcesFlag(text);
}

/** Quantities of an allocation's resources, e.g. `{cpus: 2, mem: 1024}`. */
export function qty(resources: readonly Resource[]): Record<string, number> {
  return quantitiesOf(stripAllocationInfo(resources));
}

/** A clock the test advances by hand (ms). */
export class FakeClock {
  constructor(public now = 1_000_000) {}
  advance(ms: number): number {
    this.now += ms;
    return this.now;
  }
}

/** A compact view of allocations: `fw/role@agent` strings, in output order. */
export function summary(allocations: readonly Allocation[]): string[] {
  return allocations.map((a) => `${a.frameworkId}/${a.role}@${a.agentId}`);
}

/** Allocator plus clock, with helpers that fail with the allocator's describe(). */
export class Scenario {
  readonly allocator: HierarchicalDRFAllocator;
  readonly clock = new FakeClock();

  constructor(options: AllocatorOptions = {}) {
    this.allocator = new HierarchicalDRFAllocator(options);
  }

  agent(id: string, total: string): this {
    this.allocator.addAgent(id, { hostname: `${id}.example`, total: res(total) }, []);
    return this;
  }

  framework(id: string, roles: string[] = ['*'], extra: { gpuAware?: boolean; suppressedRoles?: string[] } = {}): this {
    this.allocator.addFramework(id, { roles, ...extra }, true);
    return this;
  }

  allocate(agentIds?: string[]): Allocation[] {
    return this.allocator.allocate(this.clock.now, agentIds);
  }

  /** Declines a whole allocation (offer) with a filter of `refuseSeconds`. */
  decline(a: Allocation, refuseSeconds = 5): void {
    this.allocator.recoverResources(a.frameworkId, a.agentId, a.role, a.resources, refuseSeconds, this.clock.now);
  }

  describe(): string {
    return this.allocator.describe();
  }
}
