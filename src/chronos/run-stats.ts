/**
 * Run-time histograms per job (`JobMetrics`): the last 100 successful run
 * times (ms, from due time to finish), in memory only. Pure arithmetic.
 */

/** Histogram fields of `GET /job/stat/{name}` (ms). */
export interface Histogram {
  '75thPercentile': number;
  '95thPercentile': number;
  '98thPercentile': number;
  '99thPercentile': number;
  median: number;
  /** Chronos reports the median under this name too; kept. */
  mean: number;
  count: number;
}

/** Percentile names accepted by `GET /stats/{percentile}`. */
export const PERCENTILES = ['99thPercentile', '98thPercentile', '95thPercentile', '75thPercentile', 'median', 'mean'] as const;
export type PercentileName = (typeof PERCENTILES)[number];

const KEEP = 100;

/** The q-quantile (0..1) of sorted values, interpolated as Dropwizard's snapshot does. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const pos = q * (sorted.length + 1);
  if (pos < 1) return sorted[0] ?? 0;
  if (pos >= sorted.length) return sorted[sorted.length - 1] ?? 0;
  const lower = sorted[Math.floor(pos) - 1] ?? 0;
  const upper = sorted[Math.floor(pos)] ?? 0;
  return lower + (pos - Math.floor(pos)) * (upper - lower);
}

/** Run times by job. */
export class RunStats {
  private readonly times = new Map<string, number[]>();

  /** Records one run of `ms` milliseconds. */
  record(job: string, ms: number): void {
    const list = this.times.get(job) ?? [];
    list.push(Math.max(0, ms));
    if (list.length > KEEP) list.shift();
    this.times.set(job, list);
  }

  forget(job: string): void {
    this.times.delete(job);
  }

  histogram(job: string): Histogram {
    const sorted = [...(this.times.get(job) ?? [])].sort((a, b) => a - b);
    const median = quantile(sorted, 0.5);
    return {
      '75thPercentile': quantile(sorted, 0.75),
      '95thPercentile': quantile(sorted, 0.95),
      '98thPercentile': quantile(sorted, 0.98),
      '99thPercentile': quantile(sorted, 0.99),
      median,
      mean: median,
      count: sorted.length,
    };
  }

  /** `[{jobNameLabel, time}]` for every job with runs, `time` in seconds, slowest first. */
  ranking(percentile: PercentileName): Array<{ jobNameLabel: string; time: number }> {
    return [...this.times.keys()]
      .map((job) => ({ jobNameLabel: job, time: this.histogram(job)[percentile] / 1000 }))
      .sort((a, b) => b.time - a.time || (a.jobNameLabel < b.jobNameLabel ? -1 : 1));
  }
}
