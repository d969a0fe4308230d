/**
 * Numbers with units for people: megabytes as MiB/GiB/TiB, cpus with up to two
 * decimals, durations and relative times in words. Pure: "now" is a parameter.
 */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/**
 * Bytes → "1.9 GiB". Mesos reports `mem` and `disk` in MB (2^20 bytes), so
 * pass `megabytes * 1048576`, or use `formatMegabytes`.
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '—';
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const sign = bytes < 0 ? '-' : '';
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${sign}${trimZeros(value.toFixed(digits))} ${UNITS[unit]}`;
}

/** A Mesos `mem`/`disk` scalar (MB) → "1.9 GiB". */
export function formatMegabytes(megabytes: number): string {
  return formatBytes(megabytes * 1024 * 1024);
}

/** A `cpus` scalar → "0.1", "2", "1.25" (no unit; callers add "cpus" where a label lacks it). */
export function formatCpus(cpus: number): string {
  if (!Number.isFinite(cpus)) return '—';
  return trimZeros(cpus.toFixed(2));
}

/** A share in [0, 1] → "42%" (one decimal below 10%). */
export function formatPercent(share: number): string {
  if (!Number.isFinite(share)) return '—';
  const percent = share * 100;
  return `${trimZeros(percent.toFixed(percent > 0 && percent < 10 ? 1 : 0))}%`;
}

/** Seconds → "3d 4h", "2h 5m", "4m 10s", "12s". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.floor(seconds);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${sec}s`;
  return `${sec}s`;
}

/**
 * Epoch seconds → "5 minutes ago" / "in 2 hours" relative to `nowSeconds`.
 * Zero or missing times (Mesos uses 0 for "never") → "never".
 */
export function formatRelative(epochSeconds: number | undefined, nowSeconds: number): string {
  if (epochSeconds === undefined || !Number.isFinite(epochSeconds) || epochSeconds <= 0) return 'never';
  const delta = nowSeconds - epochSeconds;
  const ahead = delta < 0;
  const abs = Math.abs(delta);
  const steps: Array<[number, string]> = [
    [60, 'second'],
    [3600, 'minute'],
    [86400, 'hour'],
    [86400 * 30, 'day'],
    [86400 * 365, 'month'],
    [Infinity, 'year'],
  ];
  const divisors = [1, 60, 3600, 86400, 86400 * 30, 86400 * 365];
  for (let i = 0; i < steps.length; i++) {
    if (abs < steps[i][0]) {
      if (i === 0 && abs < 5) return 'just now';
      const n = Math.floor(abs / divisors[i]);
      const words = `${n} ${steps[i][1]}${n === 1 ? '' : 's'}`;
      return ahead ? `in ${words}` : `${words} ago`;
    }
  }
  return 'long ago';
}

/** Epoch seconds → "2026-11-21 10:04:05" in the browser's zone (UTC in tests). */
export function formatTimestamp(epochSeconds: number | undefined, utc = false): string {
  if (epochSeconds === undefined || !Number.isFinite(epochSeconds) || epochSeconds <= 0) return '—';
  const date = new Date(epochSeconds * 1000);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const [y, mo, d, h, mi, s] = utc
    ? [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()]
    : [date.getFullYear(), date.getMonth() + 1, date.getDate(), date.getHours(), date.getMinutes(), date.getSeconds()];
  return `${y}-${pad(mo)}-${pad(d)} ${pad(h)}:${pad(mi)}:${pad(s)}`;
}

/** "TASK_RUNNING" → "running". */
export function stateLabel(state: string): string {
  return state.replace(/^TASK_/, '').toLowerCase().replace(/_/g, ' ');
}

function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}
