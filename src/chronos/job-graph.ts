/**
 * The dependency DAG between jobs (`JobGraph.scala`): edges parent → child,
 * one invocation counter per edge (in memory only, lost on restart as in
 * Chronos 3.x). No time, no I/O.
 *
 *   parent P succeeds ──► executableChildren(P):
 *     child with one parent            → run it
 *     else count(P→C)++; run C only if count(P→C) == min(count(*→C))
 *   child's task starts ──► resetInvocations(C): every count(*→C) = 0
 *
 * Net effect: a child runs once after all of its parents succeeded since its
 * previous run. A child some of whose parents do not exist has no edges.
 */
import type { ChronosJob } from './job.js';

/** Dependency edges and their invocation counters. */
export class JobGraph {
  /** child → its parents (only children whose parents all exist). */
  private parentsOf = new Map<string, string[]>();
  /** parent → children, sorted. */
  private childrenOf = new Map<string, string[]>();
  private counts = new Map<string, number>();

  /** Rebuilds the edges from the jobs (keeping the counters of edges that survive). */
  setJobs(jobs: Iterable<ChronosJob>): void {
    const all = [...jobs];
    const names = new Set(all.map((j) => j.name));
    this.parentsOf = new Map();
    this.childrenOf = new Map();
    for (const job of all) {
      if (!job.parents || job.parents.length === 0) continue;
      // Upstream drops such a job from the live graph until its parents exist.
      if (!job.parents.every((p) => names.has(p))) continue;
      const parents = [...job.parents].sort();
      this.parentsOf.set(job.name, parents);
      for (const p of parents) this.childrenOf.set(p, [...(this.childrenOf.get(p) ?? []), job.name].sort());
    }
    const live = new Set<string>();
    for (const [child, parents] of this.parentsOf) for (const p of parents) live.add(edgeKey(p, child));
    for (const key of [...this.counts.keys()]) if (!live.has(key)) this.counts.delete(key);
  }

  /** The children of `name` (sorted). */
  children(name: string): string[] {
    return [...(this.childrenOf.get(name) ?? [])];
  }

  /** The parents of `name` in the live graph (sorted); [] for scheduled jobs. */
  parents(name: string): string[] {
    return [...(this.parentsOf.get(name) ?? [])];
  }

  /** All edges as [parent, child], sorted. */
  edges(): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    for (const [child, parents] of this.parentsOf) for (const p of parents) out.push([p, child]);
    return out.sort((a, b) => (a[0] + '\0' + a[1] < b[0] + '\0' + b[1] ? -1 : 1));
  }

  /** Records that `parent` completed and returns the children to run now (see the file comment). */
  executableChildren(parent: string): string[] {
    const ready: string[] = [];
    for (const child of this.children(parent)) {
      const parents = this.parents(child);
      if (parents.length === 1) {
        ready.push(child);
        continue;
      }
      const key = edgeKey(parent, child);
      const count = (this.counts.get(key) ?? 0) + 1;
      this.counts.set(key, count);
      const min = Math.min(...parents.map((p) => this.counts.get(edgeKey(p, child)) ?? 0));
      if (count === min) ready.push(child);
    }
    return ready;
  }

  /** The child started: all its incoming counters go back to 0. */
  resetInvocations(child: string): void {
    for (const p of this.parents(child)) this.counts.set(edgeKey(p, child), 0);
  }

  /** The counter of one edge (for tests and `describe`). */
  invocationCount(parent: string, child: string): number {
    return this.counts.get(edgeKey(parent, child)) ?? 0;
  }
}

function edgeKey(parent: string, child: string): string {
  return `${parent}\u0000${child}`;
}

/**
 * The cycle that giving `child` the parents `parents` would close, as a path
 * `[child, …, child]`, or undefined. `jobs` is the current set (the child's
 * own current parents are replaced).
 */
export function findCycle(jobs: Iterable<ChronosJob>, child: string, parents: readonly string[]): string[] | undefined {
  const parentsOf = new Map<string, readonly string[]>();
  for (const job of jobs) if (job.parents) parentsOf.set(job.name, job.parents);
  parentsOf.set(child, parents);
  // Walk up from each parent; reaching `child` closes a cycle.
  const seen = new Set<string>();
  const walk = (name: string, path: string[]): string[] | undefined => {
    if (name === child) return [...path, name];
    if (seen.has(name)) return undefined;
    seen.add(name);
    for (const p of parentsOf.get(name) ?? []) {
      const found = walk(p, [...path, name]);
      if (found) return found;
    }
    return undefined;
  };
  for (const p of parents) {
    const found = walk(p, [child]);
    if (found) return found;
  }
  return undefined;
}
