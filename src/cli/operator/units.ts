/**
 * Number formatting for the operator tables. Mesos reports `mem` and `disk`
 * in MB and `cpus` as fractional cores; times as float seconds since the
 * epoch. Pure: `now` is a parameter.
 */

/** `0.5` → `0.5`, `2` → `2`, `0.1 + 0.2` → `0.3` (at most 2 decimals, no trailing zeros). */
export function formatCpus(cpus: number | undefined): string {
  if (cpus === undefined || !Number.isFinite(cpus)) return '-';
  return String(Math.round(cpus * 100) / 100);
}

/** MB → `512MB`, `1.5GB`, `2TB` (one decimal from GB up, `.0` dropped). */
export function formatMb(mb: number | undefined): string {
  if (mb === undefined || !Number.isFinite(mb)) return '-';
  const oneDecimal = (n: number): string => String(Math.round(n * 10) / 10);
  if (Math.abs(mb) >= 1024 * 1024) return `${oneDecimal(mb / (1024 * 1024))}TB`;
  if (Math.abs(mb) >= 1024) return `${oneDecimal(mb / 1024)}GB`;
  return `${Math.round(mb)}MB`;
}

/** Bytes → the same units as `formatMb` (KB below 1 MB). */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return '-';
  if (Math.abs(bytes) < 1024 * 1024) return `${Math.round(bytes / 1024)}KB`;
  return formatMb(bytes / (1024 * 1024));
}

/** `used/total` with the same formatter (`0.5/2`, `128MB/7.5GB`). */
export function usedOfTotal(used: number | undefined, total: number | undefined, format: (n: number | undefined) => string): string {
  return `${format(used ?? 0)}/${format(total)}`;
}

/**
 * How long ago `thenSecs` was, seen at `nowMs`: `45s`, `12m`, `3h`, `5d`
 * (the largest whole unit, as `kubectl get` shows ages). `-` when unknown;
 * a time in the future (clock skew) counts as `0s`.
 */
export function formatAge(thenSecs: number | undefined, nowMs: number): string {
  if (thenSecs === undefined || !Number.isFinite(thenSecs)) return '-';
  const secs = Math.max(0, Math.floor(nowMs / 1000 - thenSecs));
  if (secs < 120) return `${secs}s`;
  if (secs < 2 * 3600) return `${Math.floor(secs / 60)}m`;
  if (secs < 2 * 86400) return `${Math.floor(secs / 3600)}h`;
  return `${Math.floor(secs / 86400)}d`;
}

/** A percentage with one decimal (`12.5%`), `-` when unknown. */
export function formatPercent(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '-';
  return `${(Math.round(value * 10) / 10).toFixed(1)}%`;
}
