/**
 * Creating and replacing jobs through `POST /iso8601` and `POST /dependency`
 * (`Iso8601JobResource`, `DependentJobResource`): which checks apply to new
 * jobs and which to updates, and how a job changes kind. Pure: returns the
 * job to store or throws ChronosApiError.
 */
import type { ChronosJob, JobDefaults } from './job.js';
import { findCycle } from './job-graph.js';
import { parseDependentJob, parseScheduledJob } from './job-parse.js';
import { requirementFailed } from './errors.js';

/**
 * The scheduled job to store for a `POST /iso8601` body. Replacing a
 * dependent job turns it into a scheduled one (its parent edges go).
 * Throws ChronosApiError(400) with Chronos's messages.
 */
export function submitScheduled(body: unknown, existing: (name: string) => ChronosJob | undefined, defaults: JobDefaults, nowMs: number): ChronosJob {
  const name = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>)['name'] : undefined;
  const isNew = typeof name !== 'string' || existing(name) === undefined;
  return parseScheduledJob(body, defaults, nowMs, isNew);
}

/**
 * The dependent job to store for a `POST /dependency` body. New with empty
 * parents → 500 `Error, parent does not exist`; update with empty parents →
 * 400; parents that would close a cycle → 400. Parents need not exist yet
 * (the job waits until they do).
 */
export function submitDependent(body: unknown, jobs: readonly ChronosJob[], defaults: JobDefaults): ChronosJob {
  const name = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>)['name'] : undefined;
  const isNew = typeof name !== 'string' || !jobs.some((j) => j.name === name);
  const job = parseDependentJob(body, defaults, isNew);
  const cycle = findCycle(jobs, job.name, job.parents ?? []);
  if (cycle) throw requirementFailed(`Adding job '${job.name}' with parents [${(job.parents ?? []).join(', ')}] would create a cycle: ${cycle.join(' -> ')}`);
  return job;
}
