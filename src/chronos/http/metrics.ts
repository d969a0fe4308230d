/**
 * `GET /metrics` in the Dropwizard registry's JSON layout Chronos serves
 * (`version`, `gauges`, `counters`, `histograms`, `meters`, `timers`), with
 * the job-level figures we keep.
 */
import type { ChronosJob } from '../job.js';
import type { JobScheduler } from '../job-scheduler.js';

/** Counters kept by the REST layer. */
export interface ApiCounters {
  iso8601Submissions: number;
  dependencySubmissions: number;
}

/** The metrics document. */
export function metricsJson(jobs: readonly ChronosJob[], scheduler: JobScheduler, counters: ApiCounters): Record<string, unknown> {
  const histograms: Record<string, unknown> = {};
  for (const job of jobs) {
    const h = scheduler.stats.histogram(job.name);
    if (h.count === 0) continue;
    histograms[`jobs.run.time.${job.name}`] = {
      count: h.count,
      p50: h.median,
      p75: h['75thPercentile'],
      p95: h['95thPercentile'],
      p98: h['98thPercentile'],
      p99: h['99thPercentile'],
    };
  }
  const running = jobs.reduce((n, j) => n + scheduler.runningCount(j.name), 0);
  return {
    version: '3.0.0',
    gauges: {
      'jobs.count': { value: jobs.length },
      'jobs.disabled': { value: jobs.filter((j) => j.disabled).length },
      'tasks.queued': { value: scheduler.queue.size },
      'tasks.running': { value: running },
    },
    counters: {
      'org.apache.mesos.chronos.scheduler.api.Iso8601JobResource.iso8601-job-submissions': { count: counters.iso8601Submissions },
      'org.apache.mesos.chronos.scheduler.api.DependentJobResource.dependent-job-submissions': { count: counters.dependencySubmissions },
      'jobs.success': { count: jobs.reduce((n, j) => n + j.successCount, 0) },
      'jobs.error': { count: jobs.reduce((n, j) => n + j.errorCount, 0) },
    },
    histograms,
    meters: {},
    timers: {},
  };
}
